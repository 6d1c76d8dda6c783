import HTTPTypes
import Hummingbird
import ToolHostCore

/// One route of `serve --http`, declared once: what the router serves (`handler`) and what the
/// OpenAPI document says of it (`operation`). `RouteTable` registers every route from these
/// declarations and `OpenAPIDocument` describes the same list, so a route cannot be served
/// without being described, nor described without being served.
///
/// ```swift
/// APIRoute(.get, "/healthz", APIOperation(id: "health", summary: "Check the database", responses: [.ok(...)])) { _, _ in ... }
/// ```
struct APIRoute: Sendable {
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

    let method: HTTPRequest.Method
    /// The path template, the same for OpenAPI and the router: `/api/tools/{id}`.
    let path: String
    var operation: APIOperation
    /// For the document only: the route described once per catalogue tool instead of once (the
    /// invoke route, with each tool's own input schema as its body and its id in the path).
    var perTool: (@Sendable (ToolDefinition) -> (path: String, operation: APIOperation))?
    let handler: Handler

    init(_ method: HTTPRequest.Method, _ path: String, _ operation: APIOperation,
         perTool: (@Sendable (ToolDefinition) -> (path: String, operation: APIOperation))? = nil, handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.operation = operation
        self.perTool = perTool
        self.handler = handler
    }

    /// Whether a request path falls on this route's template (any method): a `{name}` segment
    /// takes any one non-empty segment; empty segments are ignored, as the router does.
    func matches(path requestPath: Substring) -> Bool {
        let template = path.split(separator: "/")
        let segments = requestPath.split(separator: "/")
        guard template.count == segments.count else { return false }
        return zip(template, segments).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern == segment }
    }
}
