import ToolHostCore
import ToolHostService

/// Which front end `toolhost serve` puts before its `ServiceHost`, and serving through it.
///
/// ```swift
/// let failure = await FrontEnd.http(listen: "127.0.0.1:0").serve(on: host, exit: Console.exit)
/// ```
///
/// All three go through the same `ServiceHost`: the dispatch of `toolhost run`, never a copy.
/// The command only parses its flags into one of these.
public enum FrontEnd: Sendable, Equatable {
    /// One JSON request per line on stdin, one answer per line on stdout.
    case jsonLines
    /// The Model Context Protocol on stdin/stdout.
    case mcp
    /// HTTP on `listen` (`host:port`; nil: `service.http.listen`).
    case http(listen: String?)
    /// None of its own: the server only runs the calls `toolhost run` hands over (`--hand-off`).
    case handOffOnly

    /// Its name in the log lines (`front_end`).
    public var logName: String {
        switch self {
        case .jsonLines: "jsonl"
        case .mcp: "mcp"
        case .http: "http"
        case .handOffOnly: "hand-off"
        }
    }

    /// Serves until the front end ends (end of input, SIGTERM); the failure that ended it, if
    /// any. `exit` ends the process once a stdio front end has drained after a signal.
    public func serve(on host: ServiceHost, exit: @escaping @Sendable (Int32) -> Never) async -> ToolHostError? {
        if let log = host.log { ServiceLogHandler.install(for: log) }
        switch self {
        case .jsonLines:
            let server = JSONLinesServer(host: host)
            Self.finishOnTermination(host, exit: exit, stopReading: server.stop)
            server.run()
            return nil
        case .mcp:
            Self.finishOnTermination(host, exit: exit)
            do {
                try await MCPFrontEnd(host: host).run()
                return nil
            } catch {
                return ToolHostError(.internalError, "The MCP server stopped: \(error).")
            }
        case .handOffOnly:
            Self.finishOnTermination(host, exit: exit)
            while true { try? await Task.sleep(for: .seconds(3600)) }
        case .http(let listen):
            do throws(ToolHostError) {
                let server = try HTTPFrontEnd(host: host, listen: listen)
                do {
                    try await server.run()  // SIGTERM drains the requests in flight, then returns
                    return nil
                } catch {
                    return ToolHostError(.internalError, "The HTTP server stopped: \(error).")
                }
            } catch {
                return error
            }
        }
    }

    /// SIGTERM or SIGINT on a stdio front end: read no more, finish the calls submitted (those
    /// still running near the end of `service.shutdown_grace_seconds` are cancelled) and their
    /// recordings, exit 0. (HTTP drains through its ServiceGroup instead, on the same clock.)
    private static func finishOnTermination(_ host: ServiceHost, exit: @escaping @Sendable (Int32) -> Never,
                                            stopReading: @escaping @Sendable () -> Void = {}) {
        TerminationSignals.handle {
            stopReading()
            host.beginShutdown()
            host.finishCalls()
            exit(0)
        }
    }
}
