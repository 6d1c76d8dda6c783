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

    /// Refuses to serve off loopback without a token: anyone who can reach the port could
    /// otherwise run every tool, SQL included.
    init(host: ServiceHost, listen: String?) throws(ToolHostError) {
        self.host = host
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
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(maxRequestBytes: host.config.service.maxRequestBytes))
        if let token = host.config.service.authToken { router.add(middleware: BearerAuthMiddleware(token: Array(token.utf8))) }
        ToolRoutes(host: host).add(to: router)
        TrainingRoutes(host: host).add(to: router)
        MCPHTTPEndpoint(host: host).add(to: router)
        addOperationsRoutes(to: router)
        return router
    }

    /// `/healthz` (open, for probes) and `/metrics` (Prometheus text).
    private func addOperationsRoutes(to router: Router<BasicRequestContext>) {
        let host = host
        router.get("/healthz") { _, context in
            // A blocking round trip to the database: on a worker thread, like a call.
            let problem = await host.runBlocking { host.checkDatabase() }
            guard let problem else { return JSONResponses.json(["status": "ok", "database": "ok"]) }
            context.logger.warning("healthz: the database is unavailable: \(problem)")
            return JSONResponses.json(["status": "unavailable", "database": "unavailable"], status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            let text = await host.runBlocking { host.prometheusText() }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
