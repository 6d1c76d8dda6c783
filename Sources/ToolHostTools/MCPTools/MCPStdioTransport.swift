#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// An MCP server as a child process: newline-delimited JSON-RPC on its stdin and stdout, its
/// stderr drained (the last few KiB kept for error messages), in a process group of its own
/// that `close` stops (stdin closed, SIGTERM, SIGKILL after the grace period).
final class MCPStdioTransport: MCPTransport {
    private let process: InteractiveProcess
    private let mailbox: MCPMailbox
    private let stderrTail: StderrTail
    private let serverName: String
    private let killGraceSeconds: Double

    private init(process: InteractiveProcess, mailbox: MCPMailbox, stderrTail: StderrTail, serverName: String, killGraceSeconds: Double) {
        self.process = process
        self.mailbox = mailbox
        self.stderrTail = stderrTail
        self.serverName = serverName
        self.killGraceSeconds = killGraceSeconds
    }

    /// Starts the server's command (found on the PATH it will get, else through
    /// `plugins.command_fallbacks`), with the host variables plugins get and the block's `env`.
    static func start(_ spec: MCPServerSpec, config: HostConfig, environment hostEnvironment: [String: String],
                      stopsWithHost: Bool, warn: @Sendable (String) -> Void) throws(ToolHostError) -> MCPStdioTransport {
        guard let command = spec.command else {
            throw ToolHostError(.invalidToolDefinition, "Tool '\(spec.entryID)': its mcp block has no command.")
        }
        let settings = config.plugins
        var environment = hostEnvironment.filter { settings.allowsVariable($0.key) }
        var expansion = EnvironmentExpansion(environment: environment)
        for (name, value) in spec.env.sorted(by: { $0.key < $1.key }) {
            do {
                environment[name] = try expansion.expand(value)
            } catch {
                warn("tool '\(spec.entryID)': mcp env \(name): \(error.message)")
            }
        }
        for name in Set(expansion.unsetVariables).sorted() where hostEnvironment[name] != nil {
            warn("tool '\(spec.entryID)' uses ${\(name)}, which the host does not pass to MCP servers; add it to plugins.environment.pass")
        }
        let path = try resolve(command, spec: spec, settings: settings, searchPath: environment["PATH"] ?? "/usr/bin:/bin")

        let mailbox = MCPMailbox()
        let stderrTail = StderrTail()
        let writer = Mutex<InteractiveProcess?>(nil)
        let process = try InteractiveProcess.start(
            executablePath: path, arguments: [command] + spec.args,
            environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
            workingDirectory: FileIO.isDirectory(spec.directory) ? spec.directory : "/",
            stopsWithHost: stopsWithHost, killGraceSeconds: settings.killGraceSeconds,
            onLine: { line in
                guard let message = try? JSONParser.parse(line).objectValue else { return }  // not JSON: ignored
                if message["method"] != nil {
                    // A request of the server's (ping...) is answered; its notifications are ignored.
                    if message["id"] != nil, let process = writer.withLock({ $0 }) {
                        _ = process.write(JSONWriter.bytes(JSONRPC.reply(toServerRequest: message)) + [0x0A])
                    }
                } else if let id = JSONRPC.id(of: message) {
                    mailbox.deliver(message, id: id)
                }
            },
            onStderr: { chunk in
                stderrTail.bytes.withLock { tail in
                    tail.append(contentsOf: chunk)
                    if tail.count > 8192 { tail.removeFirst(tail.count - 4096) }
                }
            },
            onEnd: { mailbox.end("it closed its output") })
        writer.withLock { $0 = process }
        return MCPStdioTransport(process: process, mailbox: mailbox, stderrTail: stderrTail, serverName: spec.serverName,
                                 killGraceSeconds: settings.killGraceSeconds)
    }

    private static func resolve(_ command: String, spec: MCPServerSpec, settings: PluginSettings,
                                searchPath: String) throws(ToolHostError) -> String {
        let fix = spec.overridden
            ? "fix mcp.servers.\(spec.serverName).command in the config"
            : "install it, or set mcp.servers.\(spec.serverName).command (and args) in the config to a command that starts this server"
        if command.contains("/") {
            let path = FilePath.absolute(command, relativeTo: spec.directory)
            guard FileIO.isExecutableFile(path) else {
                throw ToolHostError(.commandNotFound, "\(spec.label) (tool '\(spec.entryID)') cannot start: \(path) is not an executable file; \(fix).",
                                    details: ["command": .string(command)])
            }
            return path
        }
        if let found = lookUp(command, onPath: searchPath) { return found }
        if let fallback = settings.commandFallbacks[command], let found = lookUp(fallback, onPath: searchPath) { return found }
        throw ToolHostError(.commandNotFound, "\(spec.label) (tool '\(spec.entryID)') cannot start: the command '\(command)' is not on PATH; \(fix).",
                            details: ["command": .string(command)])
    }

    private static func lookUp(_ name: String, onPath path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = FilePath.join(String(directory), name)
            if FileIO.isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    private var label: String { "MCP server '\(serverName)'" }

    var isAlive: Bool { !mailbox.hasEnded && process.termination == nil }

    func request(_ method: String, params: JSONValue?, deadline: Double, cancellation: CallCancellation?) throws(ToolHostError) -> JSONObject {
        let id = mailbox.reserveID()
        guard process.write(JSONWriter.bytes(JSONRPC.request(id: id, method: method, params: params)) + [0x0A]) else {
            mailbox.forget(id)
            throw gone("is not running", sent: false)
        }
        switch mailbox.wait(for: id, until: deadline, cancellation: cancellation) {
        case .answer(let message):
            return message
        case .ended:
            throw gone("exited before answering \(method)", sent: true)
        case .timedOut:
            notify("notifications/cancelled", params: ["requestId": .integer(id), "reason": "timeout"], deadline: deadline)
            throw ToolHostError(.timeout, "\(label) did not answer \(method) in time\(lastStderrLine.map { " (its last stderr line: \($0))" } ?? ""). A server that downloads itself on first use (npx, uvx) may need network access or a longer timeout; mcp.servers.\(serverName).command can name an installed one.",
                                details: ["server": .string(serverName)])
        case .cancelled:
            notify("notifications/cancelled", params: ["requestId": .integer(id), "reason": "cancelled by the caller"], deadline: deadline)
            throw ToolHostError(.cancelled, "The call to \(label) was cancelled.")
        }
    }

    func notify(_ method: String, params: JSONValue?, deadline: Double) {
        _ = process.write(JSONWriter.bytes(JSONRPC.notification(method, params: params)) + [0x0A])
    }

    func close() {
        process.stop(killGraceSeconds: killGraceSeconds)
    }

    /// The last non-blank line the server wrote on stderr, if any.
    private var lastStderrLine: String? {
        let stderr = String(decoding: stderrTail.bytes.withLock { $0 }, as: UTF8.self)
        return stderr.split(separator: "\n").map { $0.trimmingSpaces }.last { !$0.isEmpty }
    }

    /// The server is gone: how it ended, and the last line it wrote on stderr.
    private func gone(_ what: String, sent: Bool) -> ToolHostError {
        // The reader saw the end a moment before the process is reaped.
        var ended = process.termination
        let giveUp = MonotonicClock.now() + 0.5
        while ended == nil, MonotonicClock.now() < giveUp {
            ended = process.termination
            if ended == nil { usleep(10_000) }
        }
        let how = switch ended {
        case .exited(let code)?: " (it exited with status \(code))"
        case .signaled(let signal)?: " (it was killed by signal \(signal))"
        case nil: ""
        }
        let stderr = String(decoding: stderrTail.bytes.withLock { $0 }, as: UTF8.self)
        let lastLine = lastStderrLine.map { ": \($0)" } ?? ""
        var details: JSONObject = ["server": .string(serverName)]
        if !stderr.isEmpty { details["stderr"] = .string(stderr) }
        if !sent { details["sent"] = false }
        return ToolHostError(.mcpServerUnavailable, "\(label) \(what)\(how)\(lastLine).", details: details)
    }
}

/// The last few KiB a server wrote on stderr, for the sentence that says why it stopped.
private final class StderrTail: Sendable {
    let bytes = Mutex<[UInt8]>([])
}
