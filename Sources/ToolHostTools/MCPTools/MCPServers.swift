#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore
import ToolHostNetwork

/// The MCP servers this process talks to: one connection per catalogue entry (and
/// configuration), started on first use, reused by every later call, started again when it
/// died. In a long-lived `serve` they live as long as the server; in a one-shot process
/// (`toolhost run`, `toolhost list`) they are stopped when it exits (stdin closed, SIGTERM to
/// the process group, SIGKILL after the grace period), and by the host watchdog if it is killed.
final class MCPServers: Sendable {
    static let shared = MCPServers()

    /// One per key; its lock is held while its server starts, so concurrent first calls start one.
    private final class Slot: Sendable {
        let session = Mutex<MCPSession?>(nil)
    }

    private let slots = Mutex<[String: Slot]>([:])
    /// Every session started, for the stop at exit (never locked while a server starts).
    private let live = Mutex<[ObjectIdentifier: MCPSession]>([:])
    private let exitHook = Mutex(false)

    /// A live session with the server of `spec`, started (and initialized) when there is none
    /// or the last one died.
    func session(for spec: MCPServerSpec, config: HostConfig, environment: [String: String], deadline: Double,
                 cancellation: CallCancellation?, warn: @Sendable (String) -> Void) throws(ToolHostError) -> MCPSession {
        let slot = slots.withLock { slots in
            if let slot = slots[spec.processKey] { return slot }
            let slot = Slot()
            slots[spec.processKey] = slot
            return slot
        }
        return try slot.session.withLock { (current) throws(ToolHostError) -> MCPSession in
            if let session = current {
                if session.isAlive { return session }
                discard(session)
                current = nil
                warn("\(spec.label) had stopped; starting it again")
            }
            let session = try start(spec, config: config, environment: environment, deadline: deadline, cancellation: cancellation, warn: warn)
            current = session
            return session
        }
    }

    private func start(_ spec: MCPServerSpec, config: HostConfig, environment: [String: String], deadline: Double,
                       cancellation: CallCancellation?, warn: @Sendable (String) -> Void) throws(ToolHostError) -> MCPSession {
        installExitHook()
        let transport: any MCPTransport
        if spec.command != nil {
            transport = try MCPStdioTransport.start(spec, config: config, environment: environment, stopsWithHost: true, warn: warn)
        } else {
            transport = try MCPHTTPTransport(spec, environment: environment, network: config[section: NetworkSettings.self])
        }
        let session = try MCPSession.open(over: transport, spec: spec, deadline: deadline, cancellation: cancellation)
        live.withLock { $0[ObjectIdentifier(session)] = session }
        return session
    }

    /// Stops `session` (its server, for a child) and forgets it.
    func discard(_ session: MCPSession) {
        live.withLock { $0[ObjectIdentifier(session)] = nil }
        session.close()
    }

    /// Stops every server started by this process.
    func stopAll() {
        let sessions = live.withLock { live in
            defer { live.removeAll() }
            return Array(live.values)
        }
        for session in sessions { session.close() }
    }

    private func installExitHook() {
        exitHook.withLock { installed in
            guard !installed else { return }
            installed = true
            atexit(stopMCPServersAtExit)
        }
    }
}

/// `exit(3)` stops the servers a one-shot process started (a C function: no captures).
private func stopMCPServersAtExit() {
    MCPServers.shared.stopAll()
}
