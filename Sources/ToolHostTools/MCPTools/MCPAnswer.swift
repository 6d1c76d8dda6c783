import ToolHostCore

/// A `tools/call` result as ToolHost answers it:
/// `{"success": true, "content": [...], "text": "the text items joined", "structuredContent": {...}}`
/// (`structuredContent` when the server gave one). A result with `isError: true` is the
/// failure `mcp_tool_failed`, whose sentence carries the server's text and whose details carry
/// `content` and `text`.
enum MCPAnswer {
    static func value(of result: JSONObject, tool name: String, spec: MCPServerSpec) throws(ToolHostError) -> JSONValue {
        let content = result["content"]?.arrayValue ?? []
        let text = content.compactMap { item in item["type"] == "text" ? item["text"]?.stringValue : nil }.joined(separator: "\n")
        if result["isError"] == .bool(true) {
            var said = text.isEmpty ? "it gave no text" : text.clipped(to: 500).trimmingSpaces
            if let last = said.last, !".!?…".contains(last) { said += "." }
            var details: JSONObject = ["server": .string(spec.serverName), "tool": .string(name), "content": .array(content), "text": .string(text)]
            if let structured = result["structuredContent"] { details["structuredContent"] = structured }
            throw ToolHostError(.mcpToolFailed, "The tool '\(name)' of \(spec.label) failed: \(said)", details: details)
        }
        var answer: JSONObject = ["success": true, "content": .array(content), "text": .string(text)]
        if let structured = result["structuredContent"] { answer["structuredContent"] = structured }
        return .object(answer)
    }
}

extension String {
    /// At most `limit` characters, "…" marking a cut.
    fileprivate func clipped(to limit: Int) -> String {
        count <= limit ? self : String(prefix(limit)) + "…"
    }
}
