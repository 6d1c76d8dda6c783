import ToolHostCore

/// Which MCP server a `type: mcp` catalogue entry (or one of the tools it stands for) talks
/// to: its `mcp:` block with config's replacement (`mcp.servers.<server_name or id>`) applied.
///
/// ```yaml
/// type: mcp
/// mcp: {server_name: time, command: npx, args: ["-y", "@modelcontextprotocol/server-time"], env: {}}
/// # or, over Streamable HTTP:
/// mcp: {server_name: docs, url: "http://127.0.0.1:8000/mcp", headers: {Authorization: "Bearer ${DOCS_TOKEN}"}}
/// ```
struct MCPServerSpec: Sendable {
    /// The catalogue id of the entry (the parent of `<id>.<tool>`).
    let entryID: String
    let serverName: String
    let command: String?
    let args: [String]
    let env: [String: String]
    let url: String?
    let headers: [String: String]
    /// Stands for the block and its replacement: the key of the cached tool list and of the
    /// running server (a changed block or override is another server).
    let fingerprint: String
    /// Where the server's relative command and files are taken from.
    let directory: String
    /// Whether `mcp.servers` replaced anything (said in errors).
    let overridden: Bool

    init(tool: ToolDefinition, settings: MCPSettings) throws(ToolHostError) {
        entryID = tool.document["mcp_tool"]?["entry"]?.stringValue ?? tool.id
        guard case .object(let block)? = tool.document["mcp"] else {
            throw ToolHostError(.invalidToolDefinition,
                                "Tool '\(entryID)' is of type mcp but has no 'mcp' block; add mcp: {command: ..., args: [...]} or mcp: {url: ...}.")
        }
        serverName = block["server_name"]?.stringValue ?? entryID
        let replacement = settings.servers[serverName] ?? settings.servers[entryID]
        overridden = replacement != nil
        let blockCommand = block["command"]?.stringValue
        if let replaced = replacement?.command {
            command = replaced
            args = replacement?.args ?? []
            url = nil
        } else if let replacedURL = replacement?.url {
            command = nil
            args = []
            url = replacedURL
        } else {
            command = blockCommand
            args = replacement?.args ?? Self.strings(block["args"])
            url = blockCommand == nil ? block["url"]?.stringValue : nil
        }
        guard command != nil || url != nil else {
            throw ToolHostError(.invalidToolDefinition,
                                "Tool '\(entryID)': its mcp block has neither a command nor a url; add one, or set mcp.servers.\(serverName).command in the config.")
        }
        var env = Self.textMap(block["env"])
        for (name, value) in replacement?.env ?? [:] { env[name] = value }
        self.env = env
        headers = Self.textMap(block["headers"])
        directory = tool.layout.projectRoot ?? tool.directory
        let identity: JSONValue = ["mcp": .object(block), "override": replacement?.json ?? .null]
        fingerprint = String(SHA256.hex(bytes: JSONWriter.bytes(identity)).prefix(16))
    }

    /// How the server is named in sentences.
    var label: String { "MCP server '\(serverName)'" }

    /// The key of its running process: one per catalogue entry and configuration.
    var processKey: String { "\(entryID)#\(fingerprint)" }

    private static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .array(let items)?: items.map { $0.stringValue ?? $0.description }
        case .string(let text)?: [text]
        default: []
        }
    }

    private static func textMap(_ value: JSONValue?) -> [String: String] {
        guard case .object(let object)? = value else { return [:] }
        var map: [String: String] = [:]
        for (name, value) in object where !value.isNull { map[name] = value.stringValue ?? value.description }
        return map
    }
}
