import HTTPTypes
import Hummingbird
import ToolHostCore

/// Methods by the route table: `OPTIONS` on a known path is answered 204 with its `Allow`,
/// and a known path asked with a method it does not take is 405 with `Allow` (not the 404 of
/// a path that does not exist), before the token is checked.
struct MethodMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path[...]
        let allowed = table.allowedMethods(for: path)
        guard !allowed.isEmpty else { return try await next(request, context) }
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        if request.method == .options { return Response(status: .noContent, headers: [.allow: allow]) }
        guard allowed.contains(request.method) else {
            throw HTTPFailure(.methodNotAllowed, .methodNotAllowed, "\(path) does not take \(request.method); it takes \(allow).",
                              headers: [.allow: allow])
        }
        return try await next(request, context)
    }
}

extension ErrorCode {
    /// An HTTP request used a method its path does not take (405, with `Allow`).
    static let methodNotAllowed = ErrorCode("method_not_allowed")
}
