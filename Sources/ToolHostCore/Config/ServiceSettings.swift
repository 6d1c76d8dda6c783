/// The long-lived front ends (`toolhost serve`): how many calls run at once, how the catalogue
/// is watched, and what the HTTP server listens on and accepts.
public struct ServiceSettings: Sendable, Equatable {
    /// Whether every `toolhost serve` also runs the calls of `toolhost run` processes of the
    /// same configuration, on a unix socket in the data directory (README "Hand-off").
    public var takesHandOffs = true
    /// Calls that run at the same time; more wait their turn (a JSON-lines caller is not read
    /// further, HTTP and MCP requests queue).
    public var maxConcurrentCalls = 8
    /// Calls of the HTTP and MCP front ends that may wait for a worker; one more is refused at
    /// once (HTTP 503 with Retry-After) instead of queueing without bound. JSON lines needs no
    /// limit: it stops reading instead.
    public var maxQueuedCalls = 1024
    /// How often the tools directories are checked for changed files (MCP's list_changed, and
    /// every front end's view of the catalogue).
    public var cataloguePollSeconds: Double = 1
    /// `host:port` of `serve --http`. Anything but a loopback address needs `authToken`.
    public var httpListen = "127.0.0.1:8080"
    /// The bearer token HTTP requests must carry (required off loopback, optional on it).
    public var authToken: String?
    /// Largest HTTP request body or JSON line accepted; larger ones are refused (HTTP 413).
    public var maxRequestBytes = 10 * 1024 * 1024
    /// Whether HTTP answers of failed plugins carry their stderr and command line (off: those
    /// name server paths, and go to the server's stderr only).
    public var exposesPluginDetails = false
    /// How long SIGTERM waits for in-flight calls before the server exits anyway: the calls
    /// still running near its end are cancelled (their plugins' process groups stopped), so
    /// that the server is gone within it whatever a call does.
    public var shutdownGraceSeconds: Double = 30
    /// The longest a served call may run: a caller's `timeout` (JSON lines, `?timeout=`) may
    /// shorten a tool's own timeout, never lengthen it, and no call runs past this.
    public var maxCallTimeoutSeconds: Double = 3600
    /// HTTP connections open at once; one more is answered 503 (`too_many_connections`) and
    /// closed instead of being held.
    public var maxConnections = 512
    /// How long a client may take to send a request's head (request line and headers): from
    /// the connection's start, or from the first byte of a later request on a kept-alive one.
    public var headerTimeoutSeconds: Double = 10
    /// How long a client may take to send a request's body, from its head's end.
    public var bodyTimeoutSeconds: Double = 30
    /// How long a kept-alive connection may wait between requests.
    public var idleTimeoutSeconds: Double = 60
    /// How long an answer may wait for the client to read it: the connection is closed when
    /// bytes of it waited this long without any being taken (a client that asks for a large
    /// answer and never reads would hold it, and its memory, for ever).
    public var writeTimeoutSeconds: Double = 30
    /// How often an MCP call with a `progressToken` that reports nothing else gets a
    /// `notifications/progress` heartbeat (0: never). Clients that reset their request timeout
    /// on progress then wait for a long call, and a person sees it is alive.
    public var progressHeartbeatSeconds: Double = 5
    /// Browser origins (`https://app.example.com`, or `*`) whose pages may call the HTTP API
    /// (CORS); none by default.
    public var corsOrigins: [String] = []
    /// How long a browser may keep a CORS preflight's answer.
    public var corsMaxAgeSeconds = 600
    /// How long (ms) a 2026-07-28 MCP client may cache `tools/list` (its `ttlMs`): that
    /// revision has no list_changed notification, so it re-fetches after this.
    public var mcpListTTLMilliseconds = 10_000
    /// MCP sessions (2025-11-25 Streamable HTTP) open at once on `/mcp`; one more `initialize`
    /// is refused (503) until one ends or expires.
    public var mcpMaxSessions = 100
    /// How long an MCP session may go without a request (and none in flight) before it ends.
    public var mcpSessionIdleSeconds: Double = 900
    /// Browser origins, besides loopback ones, allowed to reach `/mcp` (`scheme://host[:port]`).
    public var mcpAllowedOrigins: [String] = []

    public init() {}
}
