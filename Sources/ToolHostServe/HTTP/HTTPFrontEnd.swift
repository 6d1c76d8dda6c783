#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging
import ServiceLifecycle
import ToolHostCore
import ToolHostService

/// `toolhost serve --http`: the tool API over HTTP/1.1 (Hummingbird).
///
/// Prints `toolhost serve: listening on http://HOST:PORT` on stdout once bound (port 0 binds a
/// free port). SIGTERM or SIGINT stop accepting connections and let the requests in flight
/// finish, within `service.shutdown_grace_seconds` (`ServiceHost.beginShutdown`); the queued
/// recordings are written, then the server exits 0. Connections are limited in number and in
/// how long each part of a request may take (`ConnectionLimits`).
struct HTTPFrontEnd {
    let host: ServiceHost
    let address: ListenAddress
    /// `/mcp`: made once, since it holds the MCP sessions (the route table is built again for
    /// each OpenAPI document).
    let mcp: MCPHTTPEndpoint

    /// Refuses to serve off loopback without a token: anyone who can reach the port could
    /// otherwise run every tool, SQL included.
    init(host: ServiceHost, listen: String?) throws(ToolHostError) {
        self.host = host
        mcp = MCPHTTPEndpoint(host: host)
        address = try ListenAddress(parsing: listen ?? host.config.service.httpListen)
        if !address.isLoopback, host.config.service.authToken == nil {
            throw ToolHostError(.invalidConfig, "Listening on \(address.host) (not loopback) needs a bearer token: set service.http.auth_token or TOOLHOST_HTTP_TOKEN.")
        }
    }

    func run() async throws {
        var logger = Logger(label: "toolhost.http")
        logger.logLevel = .warning
        let address = address
        let app = Application(
            router: router(),
            server: GuardedHTTP1Channel.server(limits: ConnectionLimits(host.config.service)),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "toolhost"),
            onServerRunning: { channel in
                var bound = address
                bound.port = channel.localAddress?.port ?? address.port
                print("toolhost serve: listening on \(bound.url)")
                fflush(nil)
            },
            logger: logger
        )
        // The signals are taken as on the stdio front ends, so that the same clock bounds the
        // drain: the calls still running near its end are cancelled, and their answers written.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: logger))
        let host = host
        TerminationSignals.handle {
            host.beginShutdown()
            Task { await group.triggerGracefulShutdown() }
        }
        try await group.run()
    }

    /// Every route behind its middleware, without a server: what `run` serves, and what the
    /// tests drive in-process (Hummingbird's testing client).
    func router() -> Router<BasicRequestContext> {
        let table = routeTable()
        let router = Router()
        // Outermost of all: the request's span (and the client's trace context) covers everything.
        router.add(middleware: TracingMiddleware(table: table))
        // Then the request id and the access line, which cover every answer, CORS's too.
        if let log = host.log { router.add(middleware: AccessLogMiddleware(log: log, table: table)) }
        // Outermost: CORS headers go on every answer, errors included, and preflights are
        // answered before the token is asked for (a browser never sends it on a preflight).
        if let cors = CORSPolicy(host.config.service) { router.add(middleware: CORSMiddleware(policy: cors, table: table)) }
        router.add(middleware: JSONErrorMiddleware(maxRequestBytes: host.config.service.maxRequestBytes))
        router.add(middleware: MethodMiddleware(table: table))
        if let token = host.config.service.authToken {
            router.add(middleware: BearerAuthMiddleware(token: Array(token.utf8), isOpen: { table.isOpen(path: $0) }))
        }
        table.register(on: router)
        return router
    }

    /// Every route `serve --http` has, in the order the document lists them. A new front end
    /// on this server (MCP's `/mcp`) adds its `[APIRoute]` here, and is served, described and
    /// given its 405s with the rest.
    func routeTable() -> RouteTable {
        RouteTable(routes: ToolRoutes(host: host).routes + TrainingRoutes(host: host).routes + mcp.routes + operationsRoutes
            + DashboardRoutes(host: host).routes)
    }

    /// The OpenAPI document of the routes and the catalogue as they are now (`GET /openapi.json`).
    func openAPIDocument() -> JSONValue {
        OpenAPIDocument(routes: routeTable().routes, tools: host.catalogue.current.sortedTools,
                        requiresToken: host.config.service.authToken != nil).json
    }

    /// `/healthz` (open, for probes), `/metrics` (Prometheus text) and `/openapi.json`.
    private var operationsRoutes: [APIRoute] {
        let host = host
        let health = APIRoute(.get, "/healthz", APIOperation(
            id: "health", summary: "Whether the database answers (open: no token needed)", tags: ["operations"],
            responses: [.json(200, "The database answers.", schema: Self.healthSchema(status: "ok")),
                        .json(503, "The database does not answer (no details: the server's log has them).", schema: Self.healthSchema(status: "unavailable"))],
            isOpen: true
        )) { _, context in
            // A blocking round trip to the database: on a worker thread, like a call.
            let problem = await host.runBlocking { host.checkDatabase() }
            guard let problem else { return JSONResponses.json(["status": "ok", "database": "ok"]) }
            context.logger.warning("healthz: the database is unavailable: \(problem)")
            return JSONResponses.json(["status": "unavailable", "database": "unavailable"], status: .serviceUnavailable)
        }
        let metrics = APIRoute(.get, "/metrics", APIOperation(
            id: "metrics", summary: "Prometheus metrics: calls, durations, queue, build and process", tags: ["operations"],
            responses: [APIResponse(status: 200, description: "Prometheus text exposition format 0.0.4.",
                                    content: [("text/plain", ["type": "string"])])]
        )) { _, _ in
            let text = await host.runBlocking { host.prometheusText() + ProcessMetrics.prometheusText() }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        let document = APIRoute(.get, "/openapi.json", APIOperation(
            id: "openapi", summary: "This document (OpenAPI 3.1), generated from the routes and the catalogue as they are now", tags: ["operations"],
            responses: [.json(200, "The OpenAPI document.", schema: ["type": "object", "required": ["openapi", "info", "paths"]])]
        )) { [self] _, _ in
            JSONResponses.json(openAPIDocument())
        }
        return [health, metrics, document]
    }

    private static func healthSchema(status: String) -> JSONValue {
        ["type": "object", "required": ["status", "database"],
         "properties": ["status": ["const": .string(status)], "database": ["const": .string(status)]]]
    }
}
