import ToolHostCore

/// How JSON-RPC messages reach one MCP server and come back: a child process over stdio
/// (`MCPStdioTransport`) or Streamable HTTP (`MCPHTTPTransport`).
protocol MCPTransport: Sendable {
    /// Sends a request and waits for its answer: the whole JSON-RPC message (`result` or
    /// `error`). Throws `mcp_server_unavailable` when the server is gone (with
    /// `details.sent == false` when the request never left), `timeout` at the deadline,
    /// `cancelled` when the call is cancelled.
    func request(_ method: String, params: JSONValue?, deadline: Double, cancellation: CallCancellation?) throws(ToolHostError) -> JSONObject
    /// Sends a notification (no answer).
    func notify(_ method: String, params: JSONValue?, deadline: Double)
    /// False once the server is known to be gone (a new connection is then started).
    var isAlive: Bool { get }
    /// Ends the connection (and the server's process group, for a child).
    func close()
}


/// JSON-RPC messages as our client writes them.
enum JSONRPC {
    static func request(id: Int64, method: String, params: JSONValue?) -> JSONValue {
        var message: JSONObject = ["jsonrpc": "2.0", "id": .integer(id), "method": .string(method)]
        if let params { message["params"] = params }
        return .object(message)
    }

    static func notification(_ method: String, params: JSONValue?) -> JSONValue {
        var message: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message["params"] = params }
        return .object(message)
    }

    /// The answer to a request the server sent us (`ping`, `roots/list`...): empty results for
    /// what a client without capabilities may be asked, "method not found" for the rest.
    static func reply(toServerRequest message: JSONObject) -> JSONValue {
        let id = message["id"] ?? .null
        switch message["method"]?.stringValue {
        case "ping"?: return ["jsonrpc": "2.0", "id": id, "result": [:]]
        case "roots/list"?: return ["jsonrpc": "2.0", "id": id, "result": ["roots": []]]
        default:
            return ["jsonrpc": "2.0", "id": id,
                    "error": ["code": -32601, "message": .string("Method not found: ToolHost's MCP client does not offer \(message["method"]?.stringValue ?? "it")")]]
        }
    }

    /// The id of an answer as we sent it (servers echo it, some as text).
    static func id(of message: JSONObject) -> Int64? {
        switch message["id"] {
        case .integer(let value)?: value
        case .double(let value)?: Int64(exactly: value)
        case .string(let text)?: Int64(text)
        default: nil
        }
    }
}
