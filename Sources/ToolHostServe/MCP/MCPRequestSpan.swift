import MCP
import ToolHostCore

/// The server span of one MCP request, named and attributed by OpenTelemetry's MCP semantic
/// conventions: `tools/call echo`, `mcp.method.name`, `gen_ai.tool.name` and
/// `gen_ai.operation.name` for a tool call, `mcp.session.id` over HTTP, `network.transport`
/// (`pipe` for stdio, `tcp` for HTTP), and `error.type`: the JSON-RPC error code, or
/// `tool_error` for a call answered with `isError`. The parent is the client's context in
/// `params._meta.traceparent` (and `tracestate`), as the conventions carry it; the request's
/// work (the `execute_tool` span and what it does) runs inside it.
struct MCPRequestSpan {
    /// `pipe` or `tcp`.
    let transport: String
    let sessionID: String?

    /// `message` with the span it arrived in (the `/mcp` POST's) as `params._meta.traceparent`
    /// when it names no parent of its own: the SDK's handler runs in a task of its own, so the
    /// context goes along in the message, and the MCP span becomes the HTTP span's child.
    static func carryingContext(_ message: JSONValue) -> JSONValue {
        guard let context = TraceScope.current, case .object(var request) = message, case .object(var params)? = request["params"] else {
            return message
        }
        var meta = params["_meta"]?.objectValue ?? [:]
        guard meta["traceparent"] == nil else { return message }
        meta["traceparent"] = .string(context.traceparent)
        if let state = context.traceState { meta["tracestate"] = .string(state) }
        params["_meta"] = .object(meta)
        request["params"] = .object(params)
        return .object(request)
    }

    /// Runs `body` in the span of `method` (on `target`: a tool's name, a resource's URI).
    /// `isToolError` tells a result that is a failed call.
    func serve<Result>(_ method: String, target: String? = nil, meta: Metadata? = nil,
                       isToolError: (Result) -> Bool = { _ in false },
                       _ body: () async throws -> Result) async throws -> Result {
        let parent = meta?["traceparent"]?.stringValue.flatMap { SpanContext(traceparent: $0, tracestate: meta?["tracestate"]?.stringValue) }
        guard let span = Tracer.startSpan(target.map { "\(method) \($0)" } ?? method, kind: .server, parent: parent) else {
            guard let parent else { return try await body() }
            return try await TraceScope.$current.withValue(parent) { try await body() }
        }
        defer { span.end() }
        span.set("mcp.method.name", method)
        span.set("network.transport", transport)
        span.set("mcp.session.id", sessionID)
        if method == "tools/call" {
            span.set("gen_ai.operation.name", "execute_tool")
            span.set("gen_ai.tool.name", target)
        } else if method.hasPrefix("resources/") {
            span.set("mcp.resource.uri", target)
        }
        do {
            let result = try await TraceScope.$current.withValue(span.context) { try await body() }
            if isToolError(result) { span.fail(type: "tool_error", message: "The tool call failed.") }
            return result
        } catch let error as MCPError {
            span.set("rpc.response.status_code", String(error.code))
            span.fail(type: String(error.code), message: error.localizedDescription)
            throw error
        } catch {
            span.fail(type: String(describing: type(of: error)), message: "\(error)")
            throw error
        }
    }
}
