import ToolHostCore

/// What `toolhost validate` says about an `mcp:` block: keys it does not know, and a block the
/// call could not use without the config (`MCPServerSpec`, read as a call reads it, with no
/// `mcp.servers` replacement: validate checks the file, and the config may still fix it).
extension MCPToolHandler: ToolTypeLinting {
    static let blockKeys = ["server_name", "command", "args", "env", "url", "headers", "timeout", "timeout_ms"]

    public func lint(_ tool: ToolDefinition) -> [Diagnostic] {
        // The tools an entry stands for are the server's, not a file's.
        guard tool.document["mcp_tool"] == nil else { return [] }
        var found: [Diagnostic] = []
        if case .object(let block)? = tool.document["mcp"] {
            for key in block.keys.sorted() where !Self.blockKeys.contains(key) {
                let suggestion = Suggestions.closest(to: key, among: Self.blockKeys, limit: 1).first.map { "; did you mean '\($0)'?" } ?? ""
                found.append(.warning("unknown mcp key '\(key)'\(suggestion)", at: JSONPointer.appending(key, to: "/mcp")))
            }
            if let args = block["args"], args.arrayValue == nil, !args.isNull {
                found.append(.warning("'args' should be a list of arguments; one text is passed as a single argument", at: "/mcp/args"))
            }
        }
        do {
            _ = try MCPServerSpec(tool: tool, settings: MCPSettings())
        } catch {
            found.append(.warning(error.message, at: "/mcp"))
        }
        return found
    }
}
