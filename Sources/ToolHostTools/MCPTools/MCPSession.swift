import ToolHostCore

/// A connected, initialized MCP server: the client side of the protocol (revision
/// 2025-06-18; whatever revision the server answers with is accepted) over one transport.
///
/// ```swift
/// let session = try MCPSession.open(over: transport, spec: spec, deadline: deadline, cancellation: nil)
/// let tools = try session.listTools(deadline: deadline, cancellation: nil)
/// let result = try session.callTool("get_current_time", arguments: ["timezone": "UTC"], deadline: deadline, cancellation: nil)
/// ```
final class MCPSession: Sendable {
    static let protocolVersion = "2025-06-18"

    let transport: any MCPTransport
    let spec: MCPServerSpec
    /// The revision the server chose.
    let negotiatedVersion: String

    private init(transport: any MCPTransport, spec: MCPServerSpec, negotiatedVersion: String) {
        self.transport = transport
        self.spec = spec
        self.negotiatedVersion = negotiatedVersion
    }

    /// `initialize`, then `notifications/initialized`. The transport is closed when it fails.
    static func open(over transport: any MCPTransport, spec: MCPServerSpec, deadline: Double,
                     cancellation: CallCancellation?) throws(ToolHostError) -> MCPSession {
        let params: JSONValue = [
            "protocolVersion": .string(protocolVersion),
            "capabilities": [:],
            "clientInfo": ["name": "toolhost", "version": .string(ToolHostVersion.current)],
        ]
        do throws(ToolHostError) {
            let answer = try transport.request("initialize", params: params, deadline: deadline, cancellation: cancellation)
            if let error = answer["error"] {
                throw ToolHostError(.mcpProtocolError, "\(spec.label) refused to initialize: \(message(of: error)).",
                                    details: ["rpc_error": error])
            }
            guard let version = answer["result"]?["protocolVersion"]?.stringValue else {
                throw ToolHostError(.mcpProtocolError, "\(spec.label) answered initialize without a protocolVersion; is it an MCP server?")
            }
            transport.notify("notifications/initialized", params: nil, deadline: deadline)
            return MCPSession(transport: transport, spec: spec, negotiatedVersion: version)
        } catch {
            transport.close()
            throw error
        }
    }

    /// Every tool of the server (`tools/list`, following `nextCursor`), as the server wrote them.
    func listTools(deadline: Double, cancellation: CallCancellation?) throws(ToolHostError) -> [JSONObject] {
        var tools: [JSONObject] = []
        var cursor: String?
        var seen: Set<String> = []
        repeat {
            let params: JSONValue? = cursor.map { ["cursor": .string($0)] }
            let result = try self.result(of: "tools/list", params: params, deadline: deadline, cancellation: cancellation, failure: .mcpProtocolError)
            guard let page = result["tools"]?.arrayValue else {
                throw ToolHostError(.mcpProtocolError, "\(spec.label) answered tools/list without a list of tools.")
            }
            tools += page.compactMap { $0.objectValue }.filter { $0["name"]?.stringValue != nil }
            cursor = result["nextCursor"]?.stringValue
            // A server that hands back a cursor it gave before would page forever.
            if let cursor, !seen.insert(cursor).inserted {
                throw ToolHostError(.mcpProtocolError, "\(spec.label) repeated the cursor '\(cursor)' in tools/list.")
            }
        } while cursor != nil
        return tools
    }

    /// `tools/call`: the server's result (`content`, `isError`, `structuredContent`).
    func callTool(_ name: String, arguments: JSONObject, deadline: Double, cancellation: CallCancellation?) throws(ToolHostError) -> JSONObject {
        try result(of: "tools/call", params: ["name": .string(name), "arguments": .object(arguments)],
                   deadline: deadline, cancellation: cancellation, failure: .mcpToolFailed, tool: name)
    }

    private func result(of method: String, params: JSONValue?, deadline: Double, cancellation: CallCancellation?,
                        failure: ErrorCode, tool: String? = nil) throws(ToolHostError) -> JSONObject {
        let answer = try transport.request(method, params: params, deadline: deadline, cancellation: cancellation)
        if let error = answer["error"] {
            let what = tool.map { "refused to call its tool '\($0)'" } ?? "refused \(method)"
            throw ToolHostError(failure, "\(spec.label) \(what): \(Self.message(of: error)).", details: ["rpc_error": error])
        }
        guard case .object(let result)? = answer["result"] else {
            throw ToolHostError(.mcpProtocolError, "\(spec.label) answered \(method) with neither a result nor an error.")
        }
        return result
    }

    private static func message(of error: JSONValue) -> String {
        let text = error["message"]?.stringValue ?? "no message"
        return error["code"].map { "\(text) (JSON-RPC error \($0))" } ?? text
    }

    var isAlive: Bool { transport.isAlive }

    func close() { transport.close() }
}
