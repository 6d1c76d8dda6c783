import HTTPTypes
import Hummingbird
import ToolHostCore
import ToolHostService

/// Outermost: gives every request its id and writes its access line once the answer is made.
///
/// The id is the client's `X-Request-Id` when it is usable (`RequestIdentity.isUsable`: at most
/// 128 printable bytes), else a new one; the answer carries it back in `X-Request-Id`, and the
/// calls the request makes carry it into their own log lines (`RequestIdentity.current`). The
/// line names the route by its template (`/api/tools/{id}/invoke`), never the raw path, so
/// that the lines of one route group together and callers cannot fill the log with paths.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    static var requestIDField: HTTPField.Name { HTTPField.Name("X-Request-Id")! }  // a valid literal name

    let log: ServiceLog
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = MonotonicClock.now()
        let presented = request.headers[Self.requestIDField]
        let id = presented.flatMap { RequestIdentity.isUsable($0) ? $0 : nil } ?? log.nextRequestID()
        let route = Self.route(of: request.uri.path[...], in: table)
        do {
            var response = try await RequestIdentity.$current.withValue(id) { try await next(request, context) }
            response.headers[Self.requestIDField] = id
            log.request(method: request.method.rawValue, route: route, status: response.status.code,
                        seconds: MonotonicClock.now() - started, requestID: id, bytes: response.body.contentLength)
            return response
        } catch {
            // Not answered here (the server's own handler answers it): logged as what it becomes.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log.request(method: request.method.rawValue, route: route, status: status,
                        seconds: MonotonicClock.now() - started, requestID: id, bytes: nil)
            throw error
        }
    }

    /// The template of the route `path` falls on (the most literal one when several do), or
    /// `unmatched`.
    static func route(of path: Substring, in table: RouteTable) -> String {
        let candidates = table.routes.filter { $0.matches(path: path) }
        let best = candidates.min { $0.path.count(where: { $0 == "{" }) < $1.path.count(where: { $0 == "{" }) }
        return best?.path ?? "unmatched"
    }
}
