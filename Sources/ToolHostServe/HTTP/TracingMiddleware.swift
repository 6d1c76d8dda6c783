import HTTPTypes
import Hummingbird
import ToolHostCore

/// Outermost of all: continues the client's trace (`traceparent`, `tracestate`) and, while
/// tracing is on, times each request as a server span named by OpenTelemetry's HTTP
/// conventions (`POST /api/tools/{id}/invoke`: the route's template, never the raw path in
/// the name). The calls the request makes run inside it (`TraceScope.current`), so their
/// `execute_tool` spans, database statements and plugins are its descendants. With tracing
/// off, a client's context is still passed on to the plugins the request runs.
struct TracingMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    static var traceparentField: HTTPField.Name { HTTPField.Name("traceparent")! }  // valid literal names
    static var tracestateField: HTTPField.Name { HTTPField.Name("tracestate")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // W3C: several traceparent fields make the context invalid; tracestate fields are one list.
        let parents = request.headers[values: Self.traceparentField]
        let state = request.headers[values: Self.tracestateField].joined(separator: ",")
        let parent = parents.count == 1 ? SpanContext(traceparent: parents[0], tracestate: state.isEmpty ? nil : state) : nil
        let route = AccessLogMiddleware<Context>.route(of: request.uri.path[...], in: table)
        guard let span = Tracer.startSpan("\(request.method.rawValue) \(route)", kind: .server, parent: parent) else {
            guard let parent else { return try await next(request, context) }
            return try await TraceScope.$current.withValue(parent) { try await next(request, context) }
        }
        defer { span.end() }
        span.set("http.request.method", request.method.rawValue)
        span.set("http.route", route)
        span.set("url.path", String(request.uri.path.prefix(2048)))
        span.set("url.scheme", "http")
        span.set("network.protocol.version", "1.1")
        span.set("user_agent.original", request.headers[.userAgent].map { String($0.prefix(512)) })
        do {
            let response = try await TraceScope.$current.withValue(span.context) { try await next(request, context) }
            record(status: response.status.code, on: span)
            return response
        } catch {
            record(status: (error as? any HTTPResponseError)?.status.code ?? 500, on: span)
            throw error
        }
    }

    /// A server error fails the span; a client's error (4xx) does not, as the conventions say.
    private func record(status: Int, on span: Span) {
        span.set("http.response.status_code", status)
        if status >= 500 { span.fail(type: String(status), message: "HTTP \(status)") }
    }
}
