import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// Finding a tool by describing the need. The catalogue is kept in the vector collection
/// `tools` as `tool` artifacts (name, description, tags and input fields); each search first
/// brings that collection up to date with the files — only tools whose text changed are
/// embedded again — then ranks the tools by similarity to the need.
public enum ToolDiscovery {
    public static let collection = "tools"
    /// Tags that carry the tool's type, so `--type` is a tag filter of the index.
    static let typeTagPrefix = "tool_type:"

    /// The best matching tools for `need`: `{success, data: [{tool, name, type, score,
    /// description, tags}], count, index: {embedded, unchanged, removed}}`.
    public static func search(_ need: String, type: String?, limit: Int, catalogue: Catalogue, config: HostConfig) throws(ToolHostError) -> JSONValue {
        try matches(need, type: type, limit: limit, catalogue: catalogue, config: config).json
    }

    /// The answer of `search`, as `tools_manager` gives it. The checks of `need` and `limit`
    /// serve `toolhost search`, whose options no schema checks.
    static func matches(_ need: String, type: String?, limit: Int, catalogue: Catalogue, config: HostConfig) throws(ToolHostError) -> OperationAnswer {
        guard !need.trimmingSpaces.isEmpty else {
            throw .invalidInput([Violation(path: "/query", message: "must describe what the tool should do")], tool: "tools_manager")
        }
        guard (1...100).contains(limit) else {
            throw .invalidInput([Violation(path: "/limit", message: "must be between 1 and 100")], tool: "tools_manager")
        }
        return try Database.shared(for: config.database).withConnection { (connection) throws(ToolHostError) -> OperationAnswer in
            let memory = try ArtifactMemory(connection: connection, settings: config.memory, scope: config.memoryScope)
            let refreshed = try memory.synchronize(collection: collection, with: catalogue.sortedTools.map(artifact(for:)))
            let matches = try memory.findSimilar(need, collection: collection, tags: type.map { [typeTagPrefix + $0.lowercased()] } ?? [],
                                                 tagMatch: .all, limit: limit, minSimilarity: 0.0001)
            let data: [JSONValue] = matches.compactMap { match in
                guard let tool = catalogue.tools[match.artifactID] else { return nil }
                return [
                    "tool": .string(tool.id), "name": .string(tool.name), "type": .string(tool.type.name),
                    "score": .double(match.displayedScore),
                    "description": .string(tool.description), "tags": .array(tool.tags.map { .string($0) }),
                ]
            }
            return .fields([
                "data": .array(data), "count": .int(data.count), "embedder": .string(memory.embedder.fingerprint),
                "index": ["embedded": .int(refreshed.embedded), "unchanged": .int(refreshed.unchanged), "removed": .int(refreshed.removed)],
            ])
        }
    }

    /// A tool as an artifact: its id and name, what it does, its tags, and its input fields
    /// with their descriptions and allowed values (an operation list says much of what a
    /// tool is for).
    static func artifact(for tool: ToolDefinition) -> Artifact {
        var lines: [String] = []
        for (field, schema) in OperationSchemas.allFields(of: tool.inputSchema) {
            var line = field
            if let description = schema["description"]?.stringValue { line += ": " + description }
            if let options = schema["enum"]?.arrayValue?.compactMap(\.stringValue), !options.isEmpty {
                line += " (" + options.joined(separator: ", ") + ")"
            }
            lines.append(line)
        }
        return Artifact(id: tool.id, type: "tool", name: tool.id == tool.name ? tool.id : "\(tool.id) \(tool.name)",
                        description: tool.description, content: lines.joined(separator: "\n"),
                        tags: tool.tags + [typeTagPrefix + tool.type.name.lowercased()])
    }
}
