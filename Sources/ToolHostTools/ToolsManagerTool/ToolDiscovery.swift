import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// Finding a tool by describing the need. Two rankings are fused (`DiscoveryRanking`): text
/// match (BM25 over each tool's name, tags, description and input fields, `TextRanking`) and
/// vectors (the catalogue is kept in the vector collection `tools` as `tool` artifacts; each
/// search first brings that collection up to date with the files — only tools whose text
/// changed are embedded again — then ranks the tools by similarity to the need). Successful
/// recorded calls break ties. `toolhost search`, `tools_manager search` and MCP's `find_tools`
/// all rank here.
public enum ToolDiscovery {
    public static let collection = "tools"
    /// Tags that carry the tool's type, so `--type` is a tag filter of the index.
    static let typeTagPrefix = "tool_type:"

    /// The best matching tools for `need`: `{success, data: [{tool, name, type, score,
    /// description, tags, ranks: {text, vectors}, calls}], count, ranking, embedder, index:
    /// {embedded, unchanged, removed}}`.
    public static func search(_ need: String, type: String?, limit: Int, ranking: DiscoveryRanking = .hybrid,
                              catalogue: Catalogue, config: HostConfig) throws(ToolHostError) -> JSONValue {
        try matches(need, type: type, limit: limit, ranking: ranking, catalogue: catalogue, config: config).json
    }

    /// The answer of `search`, as `tools_manager` gives it. The checks of `need` and `limit`
    /// serve `toolhost search`, whose options no schema checks.
    static func matches(_ need: String, type: String?, limit: Int, ranking: DiscoveryRanking = .hybrid,
                        catalogue: Catalogue, config: HostConfig) throws(ToolHostError) -> OperationAnswer {
        guard !need.trimmingSpaces.isEmpty else {
            throw .invalidInput([Violation(path: "/query", message: "must describe what the tool should do")], tool: "tools_manager")
        }
        guard (1...100).contains(limit) else {
            throw .invalidInput([Violation(path: "/limit", message: "must be between 1 and 100")], tool: "tools_manager")
        }
        if ranking == .text, SearchTerms.stems(need).isEmpty {
            throw .invalidInput([Violation(path: "/query", message: "has no words to match (only common words or punctuation)")], tool: "tools_manager")
        }
        let tools = catalogue.sortedTools.filter { tool in type.map { tool.type.name.lowercased() == $0.lowercased() } ?? true }
        let text = ranking == .vectors ? [] : TextRanking(tools: tools).rank(need)
        return try Database.shared(for: config.database).withConnection { (connection) throws(ToolHostError) -> OperationAnswer in
            let memory = try config.artifactMemory(on: connection)
            var vectors: [(id: String, score: Double)] = []
            var refreshed = (embedded: 0, unchanged: 0, removed: 0)
            if ranking != .text {
                refreshed = try memory.synchronize(collection: collection, with: catalogue.sortedTools.map(artifact(for:)))
                vectors = try memory.findSimilar(need, collection: collection, tags: type.map { [typeTagPrefix + $0.lowercased()] } ?? [],
                                                 tagMatch: .all, limit: max(tools.count, 1), minSimilarity: 0.0001)
                    .map { ($0.artifactID, $0.displayedScore) }
            }
            let candidates = Set(text.map(\.id)).union(vectors.map(\.id)).sorted()
            let calls = try ToolUsage.successfulCalls(of: candidates, on: connection)
            let data: [JSONValue] = ranking.order(text: text, vectors: vectors, calls: calls,
                                                                         vectorWeight: DiscoveryRanking.vectorWeight(for: memory.embedder)).prefix(limit).compactMap { match in
                guard let tool = catalogue.tools[match.id] else { return nil }
                return [
                    "tool": .string(tool.id), "name": .string(tool.name), "type": .string(tool.type.name),
                    "score": .double((match.score * 10000).rounded() / 10000),
                    "description": .string(tool.description), "tags": .array(tool.tags.map { .string($0) }),
                    "ranks": ["text": match.textRank.map { .int($0) } ?? .null, "vectors": match.vectorRank.map { .int($0) } ?? .null],
                    "calls": .int(match.calls),
                ]
            }
            return .fields([
                "data": .array(data), "count": .int(data.count), "ranking": .string(ranking.rawValue),
                "embedder": .string(memory.embedder.fingerprint),
                "index": ["embedded": .int(refreshed.embedded), "unchanged": .int(refreshed.unchanged), "removed": .int(refreshed.removed)],
            ])
        }
    }

    /// A tool's input fields, one a line, with their descriptions and allowed values (an
    /// operation list says much of what a tool is for).
    static func inputText(of tool: ToolDefinition) -> String {
        var lines: [String] = []
        for (field, schema) in OperationSchemas.allFields(of: tool.inputSchema) {
            var line = field
            if let description = schema["description"]?.stringValue { line += ": " + description }
            if let options = schema["enum"]?.arrayValue?.compactMap(\.stringValue), !options.isEmpty {
                line += " (" + options.joined(separator: ", ") + ")"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// A tool as an artifact: its id and name, what it does, its tags, and its input fields.
    static func artifact(for tool: ToolDefinition) -> Artifact {
        Artifact(id: tool.id, type: "tool", name: tool.id == tool.name ? tool.id : "\(tool.id) \(tool.name)",
                 description: tool.description, content: inputText(of: tool),
                 tags: tool.tags + [typeTagPrefix + tool.type.name.lowercased()])
    }
}
