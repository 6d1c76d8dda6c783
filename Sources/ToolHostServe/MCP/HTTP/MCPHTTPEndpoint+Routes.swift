import ToolHostCore

/// What the OpenAPI document says of `/mcp`. The bodies are JSON-RPC 2.0 messages (MCP's
/// own schema governs their contents); the answers are the statuses `MCPHTTPEndpoint` gives.
extension MCPHTTPEndpoint {
    private static let tags = ["mcp"]

    private static let message: JSONValue = [
        "type": "object",
        "description": "A JSON-RPC 2.0 request, notification or response (MCP's schema governs method and params).",
        "required": ["jsonrpc"],
        "properties": [
            "jsonrpc": ["const": "2.0"],
            "id": ["type": ["string", "integer"]],
            "method": ["type": "string"],
            "params": ["type": "object"],
        ],
    ]

    private static let answer: JSONValue = [
        "type": "object",
        "description": "A JSON-RPC 2.0 response: `result`, or `error` with `code` and `message`.",
        "required": ["jsonrpc"],
    ]

    private static let headers: [APIParameter] = [
        .header("Mcp-Session-Id", "The session (2025-11-25), from the answer to `initialize`."),
        .header("MCP-Protocol-Version", "The revision: 2025-11-25 (after the handshake) or 2026-07-28 (stateless)."),
        .header("Mcp-Method", "2026-07-28: the body's `method`, for routers that do not read bodies."),
        .header("Mcp-Name", "2026-07-28: the tool's name of a `tools/call`."),
    ]

    private static func rpc(_ status: Int, _ description: String) -> APIResponse {
        .json(status, description, schema: answer)
    }

    static var postOperation: APIOperation {
        APIOperation(
            id: "mcp_post", summary: "MCP over Streamable HTTP: one JSON-RPC message (2025-11-25 sessions or 2026-07-28 stateless)",
            tags: tags, parameters: headers,
            requestBody: APIBody(description: "One JSON-RPC message.", schema: message, required: true),
            responses: [
                APIResponse(status: 200, description: "The response, as JSON or as an event stream ending with it (progress, elicitation).",
                            content: [("application/json", answer), ("text/event-stream", ["type": "string"])],
                            headers: [("Mcp-Session-Id", "The new session, on the answer to `initialize`.", ["type": "string"])]),
                APIResponse(status: 202, description: "A notification or a client's response, accepted.", content: []),
                rpc(400, "Not a JSON-RPC message, a missing or wrong session header or revision field (the JSON-RPC error says which)."),
                rpc(403, "An Origin that is neither loopback nor in service.mcp.http.allowed_origins."),
                rpc(404, "An unknown or expired session (start over with `initialize`), or (2026-07-28) an unknown method."),
                rpc(406, "The request accepts neither application/json nor text/event-stream."),
                .error(413, "The body is larger than service.max_request_bytes."),
                rpc(503, "service.mcp.http.max_sessions sessions are open; retry after Retry-After."),
            ])
    }

    static var deleteOperation: APIOperation {
        APIOperation(
            id: "mcp_delete", summary: "End an MCP session (2025-11-25)", tags: tags, parameters: headers,
            responses: [
                APIResponse(status: 204, description: "The session ended.", content: []),
                rpc(400, "No Mcp-Session-Id."),
                rpc(403, "An Origin that is not allowed."),
                rpc(404, "No such session (it ended or expired)."),
            ])
    }

    static var getOperation: APIOperation {
        APIOperation(
            id: "mcp_get", summary: "No standalone event stream: always 405 (POST requests instead)", tags: tags,
            responses: [rpc(403, "An Origin that is not allowed."), rpc(405, "ToolHost opens no standalone stream.")])
    }
}
