#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MCP
import Synchronization
import ToolHostCore

/// One MCP session of the 2025-11-25 Streamable HTTP transport: an SDK `Server` of its own
/// (its `initialize` state, the client's capabilities) over an `MCPExchangeTransport`.
final class MCPHTTPSession: Sendable {
    let id: String
    let server: Server
    let transport: MCPExchangeTransport
    /// Refuses the 2026-07-28 envelope on this handshake connection.
    let gate: MCPEraGate
    private let lastUsed: Mutex<Double>

    init(id: String, server: Server, transport: MCPExchangeTransport, gate: MCPEraGate) {
        self.id = id
        self.server = server
        self.transport = transport
        self.gate = gate
        lastUsed = Mutex(MCPHTTPSessions.now())
    }

    func touch() { lastUsed.withLock { $0 = MCPHTTPSessions.now() } }
    var idleSince: Double { lastUsed.withLock { $0 } }

    func end() async { await server.stop() }
}

/// The open sessions, bounded in number (`service.mcp.http.max_sessions`) and ended after
/// `service.mcp.http.session_idle_seconds` without a request (and with no request in flight),
/// so that clients that never send DELETE cannot make the server hold their servers for ever.
///
/// Expiry is checked when a session is looked up or created (no timer): an expired session is
/// never served, and the count is bounded whether or not anything is swept.
final class MCPHTTPSessions: Sendable {
    let maxSessions: Int
    let idleSeconds: Double
    private let sessions = Mutex<[String: MCPHTTPSession]>([:])

    init(maxSessions: Int, idleSeconds: Double) {
        self.maxSessions = maxSessions
        self.idleSeconds = idleSeconds
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// A new session id: 128 random bits as hex (visible ASCII, as the transport requires).
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    var count: Int { sessions.withLock { $0.count } }

    /// The session `id`, nil when unknown, ended or expired.
    func session(_ id: String) async -> MCPHTTPSession? {
        await sweep()
        return sessions.withLock { $0[id] }
    }

    /// Adds `session` when there is room (after ending the expired ones); false when full.
    func add(_ session: MCPHTTPSession) async -> Bool {
        await sweep()
        return sessions.withLock { table in
            guard table.count < maxSessions else { return false }
            table[session.id] = session
            return true
        }
    }

    /// Ends the session `id`; false when there was none.
    @discardableResult
    func end(_ id: String) async -> Bool {
        guard let session = sessions.withLock({ $0.removeValue(forKey: id) }) else { return false }
        await session.end()
        return true
    }

    /// Ends every session idle for longer than `idleSeconds` with no request in flight.
    func sweep() async {
        let deadline = Self.now() - idleSeconds
        for session in sessions.withLock({ $0.values.filter { $0.idleSince < deadline } }) {
            guard await session.transport.inFlight == 0 else { continue }
            if sessions.withLock({ $0.removeValue(forKey: session.id) }) != nil { await session.end() }
        }
    }

    func endAll() async {
        for session in sessions.withLock({ table in defer { table = [:] }; return Array(table.values) }) { await session.end() }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
