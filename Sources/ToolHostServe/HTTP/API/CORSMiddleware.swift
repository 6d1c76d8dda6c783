import HTTPTypes
import Hummingbird
import ToolHostCore

/// Which browser origins may call the API (`service.http.cors_origins`); nil when none may
/// (the default: a page elsewhere cannot read the answers).
struct CORSPolicy: Sendable {
    /// Exact origins (`https://app.example.com`), or `*` for any.
    let origins: Set<String>
    let maxAgeSeconds: Int

    init?(_ settings: ServiceSettings) {
        guard !settings.corsOrigins.isEmpty else { return nil }
        origins = Set(settings.corsOrigins.map { $0.lowercased() })
        maxAgeSeconds = settings.corsMaxAgeSeconds
    }

    func allows(_ origin: String) -> Bool {
        origins.contains("*") || origins.contains(origin.lowercased())
    }
}

/// Cross-origin requests from the configured origins: their preflight (`OPTIONS` with
/// `Access-Control-Request-Method`) is answered with the path's methods, the headers its
/// routes read and a max-age, and every answer to them (errors included) carries
/// `Access-Control-Allow-Origin`. An origin not configured gets no CORS header at all, so the
/// browser keeps the answer from the page. `Vary: Origin` is on every answer, so that a cache
/// does not hand one origin's answer to another.
struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: CORSPolicy
    let table: RouteTable

    /// What every route reads besides its own: the token, the body's type, the request id the
    /// access log takes, and the trace context the tracing middleware continues.
    static var everyRoutesHeaders: [String] { ["Authorization", "Content-Type", "X-Request-Id", "traceparent", "tracestate"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = request.headers[.origin].flatMap { policy.allows($0) ? $0 : nil }
        let path = request.uri.path[...]
        if let origin, request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            let methods = table.allowedMethods(for: path)
            if !methods.isEmpty {
                let allow = methods.map(\.rawValue).joined(separator: ", ")
                var headers: HTTPFields = [.allow: allow, .accessControlAllowMethods: allow]
                headers[.accessControlAllowHeaders] = (Self.everyRoutesHeaders + table.requestHeaders(for: path)).joined(separator: ", ")
                headers[.accessControlMaxAge] = String(policy.maxAgeSeconds)
                return decorate(Response(status: .noContent, headers: headers), origin: origin, preflight: true)
            }
        }
        return decorate(try await next(request, context), origin: origin, preflight: false)
    }

    private func decorate(_ response: Response, origin: String?, preflight: Bool) -> Response {
        var response = response
        if let vary = response.headers[.vary] {
            if !vary.lowercased().contains("origin") { response.headers[.vary] = vary + ", Origin" }
        } else {
            response.headers[.vary] = "Origin"
        }
        guard let origin else { return response }
        response.headers[.accessControlAllowOrigin] = policy.origins.contains("*") ? "*" : origin
        if !preflight {
            response.headers[.accessControlExposeHeaders] = (table.responseHeaders + ["Allow", "X-Request-Id"]).joined(separator: ", ")
        }
        return response
    }
}
