import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostServe
import ToolHostService
import ToolHostTools

/// `toolhost serve`: one long-lived ToolHost answering many calls, behind one of three front
/// ends. Declarations only: the front ends live in ToolHostServe (`FrontEnd`).
@main
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toolhost serve",
        abstract: "Run ToolHost as a long-lived service: JSON lines, MCP or HTTP.",
        discussion: """
            --jsonl  One request per line on stdin, {"id": ..., "tool": "...", "input": {...}} \
            (optionally "timeout" in seconds and "envelope": true); one answer per line on stdout, \
            {"id": ..., "exit_code": n, "result": {...}}, where result is what `toolhost run` prints. \
            Calls run concurrently, so answers may come out of order; a malformed line is answered \
            with "id": null. At end of input the running calls finish, then the server exits 0.

            --mcp    A Model Context Protocol server on stdio: every tool of the catalogue is an MCP \
            tool (tools/list, tools/call); notifications/cancelled stops a call; the server sends \
            notifications/tools/list_changed when the tools directories change.

            --http   An HTTP server (default 127.0.0.1:8080, service.http.listen): GET /api/tools, \
            GET /api/tools/{id}, POST /api/tools/{id}/invoke, POST /api/training/export, \
            GET /api/training/stats, POST /api/training/mark-exported/{conversation_id}, \
            GET /healthz, GET /metrics, GET /openapi.json (this API, described: OpenAPI 3.1), and a \
            dashboard at / (calls, failures, latency, the run browser, training data, prompt \
            evolution, generated tools). A bearer token (service.http.auth_token or \
            $TOOLHOST_HTTP_TOKEN) is required when listening off loopback; the dashboard asks for \
            it once at /ui/login. SIGTERM finishes the \
            requests in flight, then exits.

            --hand-off  No front end of its own: only the calls of `toolhost run` processes started \
            with the same configuration, working directory and environment, which hand their calls \
            of built-in tools to a running server over a unix socket in the data directory \
            (run-<identity>.sock) instead of loading libpq and opening a connection each. Every \
            front end takes them too unless service.hand_off is false. The answers and records are \
            those of `toolhost run` itself; TOOLHOST_HAND_OFF=off|require on the caller turns it off \
            or makes a call that is not handed off fail with why.

            SIGTERM on any front end: no new calls are taken, and the calls in flight get \
            service.shutdown_grace_seconds to finish; those still running near its end are \
            cancelled (a plugin's whole process group is stopped), so the server is gone within it.

            Calls run on service.max_concurrent_calls threads ($TOOLHOST_MAX_CONCURRENT_CALLS, \
            default 8) and reuse pooled database connections. A caller's timeout ("timeout", \
            ?timeout=) can shorten a tool's own, never lengthen it, and no call runs past \
            service.max_call_timeout_seconds.
            """
    )

    @Flag(help: "Serve newline-delimited JSON requests on stdin/stdout.")
    var jsonl = false

    @Flag(help: "Serve the Model Context Protocol on stdin/stdout.")
    var mcp = false

    @Flag(help: "Serve HTTP (see --listen).")
    var http = false

    @Flag(name: .customLong("hand-off"), help: "Only run the calls of `toolhost run` processes of the same configuration (every front end does too, unless service.hand_off is false).")
    var handOff = false

    @Option(help: ArgumentHelp("Address to listen on with --http (default: service.http.listen, else 127.0.0.1:8080); port 0 picks a free port.",
                               valueName: "host:port"))
    var listen: String?

    @OptionGroup var global: GlobalOptions

    mutating func validate() throws {
        let chosen = [jsonl, mcp, http, handOff].filter { $0 }.count
        guard chosen == 1 else {
            throw ValidationError(chosen == 0 ? "Choose a front end: --jsonl, --mcp, --http or --hand-off." : "Choose one front end: --jsonl, --mcp, --http or --hand-off.")
        }
        if listen != nil, !http { throw ValidationError("--listen applies to --http only.") }
    }

    func run() async throws {
        let host: ServiceHost
        do {
            let invoker = try global.invoker()
            let recorder = HostRecorders.make(config: invoker.config)
            let log = ServiceLog(settings: invoker.config[section: LogSettings.self], frontEnd: frontEnd.logName)
            // Text keeps the warnings' familiar form; json makes them log lines like the rest.
            let json = log.settings.format == .json
            let warn: @Sendable (String) -> Void = { json ? log.warning($0) : Console.warn($0) }
            host = ServiceHost(invoker: invoker, recorder: recorder, warn: warn,
                               pluginStderr: Console.writeToStandardError, log: log)
        } catch {
            throw Console.fail(error)
        }
        let handOff = HandOffService.start(host: host, selection: global.selection)
        let outcome = await frontEnd.serve(on: host, exit: Console.exit)
        handOff?.stop()
        // Every way out waits for the calls submitted and writes their recordings first.
        host.finishCalls()
        if let outcome { throw Console.fail(outcome) }
        Console.exit(0)
    }

    /// The front end the flags chose (`validate` made sure there is exactly one).
    private var frontEnd: FrontEnd {
        if jsonl { return .jsonLines }
        if mcp { return .mcp }
        if handOff { return .handOffOnly }
        return .http(listen: listen)
    }
}
