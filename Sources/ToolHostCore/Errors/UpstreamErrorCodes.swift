/// Failures of another server a tool called (a model server, an HTTP API, an MCP server, or
/// the plugin process itself): the call reached ToolHost and ToolHost did its part; what it
/// called failed. Declared here, beside Core's own codes, so that every front end reports them
/// the same way (HTTP 502 Bad Gateway, never 500, which says ToolHost broke) without knowing
/// the modules that raise them.
extension ErrorCode {
    // MARK: `type: llm` (README "LLM tools")

    /// The model server could not be reached, or kept answering 429/5xx, after the retries
    /// and every fallback model: start it, or point the provider's `base_url` at one.
    public static let llmUnavailable = ErrorCode("llm_unavailable")
    /// The server does not have the model (nor any fallback): pull it (`ollama pull X`), load
    /// it, or map the name to one it has with `llm.model_aliases`.
    public static let modelNotFound = ErrorCode("model_not_found")
    /// The server refused the request (a 4xx other than a missing model or 429), or answered
    /// something that is not a chat completion.
    public static let llmFailed = ErrorCode("llm_failed")
    /// The tool asks for JSON (`format: json` or an `output_schema`) and the model's response
    /// does not parse as JSON.
    public static let llmInvalidJSON = ErrorCode("llm_invalid_json")
    /// The response parsed as JSON but breaks the tool's `output_schema` (with `violations`).
    public static let llmOutputInvalid = ErrorCode("llm_output_invalid")

    // MARK: `type: openapi` (README "OpenAPI tools"); any HTTP tool may use them

    /// The API answered with a status outside 2xx; the answer carries `status` and `data`.
    public static let httpError = ErrorCode("http_error")
    /// The API could not be reached (refused, no route, name not found) or broke the protocol.
    public static let apiUnreachable = ErrorCode("api_unreachable")
    /// The tool's OpenAPI document could not be fetched, read or understood.
    public static let openAPISpecUnavailable = ErrorCode("openapi_spec_unavailable")

    // MARK: `type: mcp` (README "MCP tools")

    /// An MCP server could not be started or reached, or it exited or closed the connection;
    /// a long-lived `serve` starts it again on the next call.
    public static let mcpServerUnavailable = ErrorCode("mcp_server_unavailable")
    /// An MCP server's tool answered with `isError: true`, or the server refused the call
    /// (a JSON-RPC error such as an unknown tool or invalid arguments).
    public static let mcpToolFailed = ErrorCode("mcp_tool_failed")
    /// An MCP server answered with something that is not the protocol (a malformed answer, a
    /// refused `initialize`).
    public static let mcpProtocolError = ErrorCode("mcp_protocol_error")

    /// Whether this code says that what the tool called failed, not ToolHost.
    public var isUpstreamFailure: Bool { Self.upstreamFailures.contains(self) }

    private static let upstreamFailures: Set<ErrorCode> = [
        .pluginFailed, .llmUnavailable, .modelNotFound, .llmFailed, .llmInvalidJSON, .llmOutputInvalid,
        .httpError, .apiUnreachable, .openAPISpecUnavailable, .mcpServerUnavailable, .mcpToolFailed, .mcpProtocolError,
    ]
}
