import HTTPTypes
import Hummingbird

/// Every route of `serve --http`, in one list: the router is built from it (`register`), the
/// OpenAPI document describes it (`OpenAPIDocument`), and a request for a known path with a
/// method it does not have is answered 405 with the path's methods (`allowedMethods`).
///
/// A route added to the router any other way is neither described nor given its 405: the
/// tests compare the router's routes with this table.
struct RouteTable: Sendable {
    let routes: [APIRoute]

    /// Registers each route, and a HEAD route beside each GET one (its answer without the body).
    func register(on router: Router<BasicRequestContext>) {
        for route in routes {
            let handler = route.handler
            router.on(RouterPath(route.path), method: route.method) { request, context in try await handler(request, context) }
            if route.method == .get {
                router.on(RouterPath(route.path), method: .head) { request, context in
                    try await handler(request, context).createHeadResponse()
                }
            }
        }
    }

    /// The methods a request path may be used with (HEAD beside GET, OPTIONS for all); empty
    /// when no route has that path.
    func allowedMethods(for path: Substring) -> [HTTPRequest.Method] {
        let methods = routes.filter { $0.matches(path: path) }.map(\.method)
        guard !methods.isEmpty else { return [] }
        var allowed = methods
        if methods.contains(.get) { allowed.append(.head) }
        allowed.append(.options)
        return allowed
    }

    /// Whether `path` is served without the bearer token (`APIOperation.isOpen`: `/healthz`).
    func isOpen(path: Substring) -> Bool {
        routes.contains { $0.operation.isOpen && $0.matches(path: path) }
    }

    /// The request headers the routes of `path` read (besides Authorization and Content-Type,
    /// which every route may take): what a CORS preflight may allow.
    func requestHeaders(for path: Substring) -> [String] {
        routes.filter { $0.matches(path: path) }.flatMap { route in
            route.operation.parameters.filter { $0.location == .header }.map(\.name)
        }
    }

    /// Every response header any route declares: what a browser script may read (CORS).
    var responseHeaders: [String] {
        var names: [String] = []
        for route in routes {
            for response in route.operation.responses {
                for header in response.headers where !names.contains(header.name) { names.append(header.name) }
            }
        }
        return names
    }
}
