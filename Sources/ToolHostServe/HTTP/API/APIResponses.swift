import ToolHostCore

/// Answers several routes share, declared once for the document.
enum APIResponses {
    static let exitCodeHeader = (name: "X-ToolHost-Exit-Code", description: "The exit status `toolhost run` would end with for this call.",
                                 schema: ["type": "integer"] as JSONValue)
    static let retryAfterHeader = (name: "Retry-After", description: "Seconds to wait before trying again.", schema: ["type": "integer"] as JSONValue)

    /// The body was over `service.max_request_bytes`.
    static let tooLarge = APIResponse.error(413, "The body is over service.max_request_bytes (request_too_large).")

    /// The answers of a call of a tool (`JSONResponses.answer`), as `toolhost run` prints them.
    static func call(success: String) -> [APIResponse] {
        let exit = [exitCodeHeader]
        return [
            .json(200, success, schema: APISchemas.anyJSON, headers: exit),
            .error(400, "The input is not JSON or breaks the tool's schema (invalid_json, invalid_input with violations), or the request's form is wrong (invalid_request).", headers: exit),
            .error(403, "The policy refuses the call, or it needs a confirmation no one can give over HTTP; a path outside the writable folders; a host network.allowed_hosts does not list.", headers: exit),
            .error(404, "No such tool (unknown_tool), or no such record.", headers: exit),
            .error(409, "The tool changed since it was approved (tool_changed): `toolhost approve` it again.", headers: exit),
            tooLarge,
            .error(422, "A tool definition that cannot be used (invalid_tool_definition): one the call sent (tools_manager register_tool), or the called tool's file; `problems` lists why.", headers: exit),
            .error(500, "The call failed on the host (a database that cannot be reached...).", headers: exit),
            .json(502, "What the tool called failed (its plugin, a model server, an HTTP API, an MCP server): the plugin's own answer, or an error.",
                  schema: APISchemas.anyJSON, headers: exit),
            .error(503, "Too many calls wait already (overloaded), or the call was cancelled (shutdown).", headers: exit + [retryAfterHeader]),
            .error(504, "The call ran past its timeout (timeout).", headers: exit),
        ]
    }
}
