/// The ways a tool is shown to people and to other systems: a catalogue summary (`list`), a
/// full description (`describe`), an MCP `tools/list` entry and an OpenAI function-calling
/// `tools` entry. All are built from the same normalised schema.
public enum ToolDescription {
    /// The answer of `list` (CLI `--json` and the `tools_manager` tool alike):
    /// `{"success": true, "data": [summaries], "count": n, "problems": [...]}`; the catalogue's
    /// problems (files that do not load, conflicts) at the top, each tool's in its summary.
    public static func listing(_ catalogue: Catalogue, type: String? = nil, tag: String? = nil,
                               handlers: HandlerRegistry? = nil) -> JSONValue {
        let tools = filtered(catalogue, type: type, tag: tag)
        var answer: JSONObject = [
            "success": true,
            "data": .array(tools.map { summary(of: $0, in: catalogue, handlers: handlers) }),
            "count": .int(tools.count),
        ]
        let problems = catalogue.diagnostics.filter { $0.severity != .note }
        if !problems.isEmpty { answer["problems"] = .array(problems.map(\.json)) }
        return .object(answer)
    }

    /// The catalogue's tools of type `type` carrying tag `tag` (either filter optional), by id.
    public static func filtered(_ catalogue: Catalogue, type: String?, tag: String?) -> [ToolDefinition] {
        catalogue.sortedTools.filter { tool in
            (type.map { tool.type.name == $0.lowercased() } ?? true) && (tag.map { tool.tags.contains($0) } ?? true)
        }
    }

    /// One line of `list`: who the tool is, where its definition comes from (`builtin`, the
    /// files it `overrides`), whether it can run here, and its `problems`.
    public static func summary(of tool: ToolDefinition, in catalogue: Catalogue? = nil, handlers: HandlerRegistry? = nil) -> JSONValue {
        var object: JSONObject = [
            "id": .string(tool.id),
            "name": .string(tool.name),
            "type": .string(tool.type.name),
            "description": .string(tool.description),
            "tags": .array(tool.tags.map { .string($0) }),
            "file": .string(tool.file),
            "builtin": .bool(tool.isBuiltin),
            "runner": .string(runnerLabel(tool, handlers: handlers)),
        ]
        if let shadowed = catalogue?.overrides[tool.id] {
            object["overrides"] = .array(shadowed.map { .string($0) })
        }
        if !tool.diagnostics.isEmpty {
            object["problems"] = .array(tool.diagnostics.map(\.json))
        }
        return .object(object)
    }

    /// Everything known about a tool: the normalised schema, how it runs, and every other key
    /// of its YAML as written (tiers, examples, usage notes...).
    public static func full(of tool: ToolDefinition, in catalogue: Catalogue? = nil, handlers: HandlerRegistry? = nil) -> JSONValue {
        guard case .object(var object) = summary(of: tool, in: catalogue, handlers: handlers) else { return .null }
        object["tools_dir"] = .string(tool.toolsDirectory)
        if !tool.isBuiltin { object["layout"] = .string(tool.layout.name) }
        if let handler = tool.handler { object["handler"] = .string(handler) }
        if let executable = tool.executable { object["executable"] = executable.json }
        object["input_schema"] = tool.inputSchema
        if let output = tool.outputSchema { object["output_schema"] = output }
        if !tool.annotations.isEmpty { object["annotations"] = tool.annotations.json }  // as read: wrong-typed hints left out
        // As sent to MCP clients: declared over derived over MCP's defaults, per operation too.
        object["wire_annotations"] = WireAnnotations(of: tool, handlers: handlers).json
        for (key, value) in tool.document where !ManifestDecoder.interpretedKeys.contains(key) && object[key] == nil {
            object[key] = value
        }
        return .object(object)
    }

    /// The entry of MCP's `tools/list` result: name = tool id, JSON Schema as `inputSchema`
    /// (a multi-operation tool's in the form every client's model API takes:
    /// `OperationSchemas.wireSchema`), all four hints as `annotations` and each operation's under
    /// `_meta["toolhost/operations"]` (`WireAnnotations`), and the answer schema, when the tool
    /// declares one, as `outputSchema` (`MCPOutputSchema`). `handlers` know what built-in and
    /// network tools do and what their answers wrap; without them only the YAML is read.
    public static func mcp(_ tool: ToolDefinition, handlers: HandlerRegistry? = nil) -> JSONValue {
        var object: JSONObject = ["name": .string(tool.id)]
        if tool.name != tool.id { object["title"] = .string(tool.name) }
        object["description"] = .string(tool.description)
        object["inputSchema"] = OperationSchemas.wireSchema(tool.inputSchema)
        if let schema = handlers?.answerSchema(of: tool) ?? tool.outputSchema { object["outputSchema"] = MCPOutputSchema.wire(schema) }
        let hints = WireAnnotations(of: tool, handlers: handlers)
        object["annotations"] = hints.tool.json
        if let meta = hints.meta { object["_meta"] = meta }
        return .object(object)
    }

    /// The entry of OpenAI's `tools` array for function calling.
    public static func openAI(_ tool: ToolDefinition) -> JSONValue {
        [
            "type": "function",
            "function": [
                "name": .string(openAIFunctionName(tool.id)),
                "description": .string(tool.description),
                "parameters": OperationSchemas.wireSchema(tool.inputSchema),
            ],
        ]
    }

    /// OpenAI function names allow `[A-Za-z0-9_-]{1,64}`; other characters become `_`.
    public static func openAIFunctionName(_ id: String) -> String {
        let cleaned = String(id.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
        return cleaned.isEmpty ? "tool" : String(cleaned.prefix(64))
    }

    /// "handler:NAME", "plugin", "workflow", "stream_producer", "stream_consumer", "custom:MODULE.CLASS", "type:llm", or "unsupported: reason".
    static func runnerLabel(_ tool: ToolDefinition, handlers: HandlerRegistry?) -> String {
        switch tool.runner {
        case .handler(let name):
            if let handlers, handlers.handler(named: name) == nil { return "unsupported: no handler '\(name)'" }
            return "handler:\(name)"
        case .plugin: return "plugin"
        case .workflow: return "workflow"
        case .streamProducer: return "stream_producer"
        case .streamConsumer: return "stream_consumer"
        case .customClass(let spec): return "custom:\(spec.module).\(spec.className)"
        case .typeHandler(let type):
            if let handlers, handlers.handler(for: type) == nil { return "unsupported: no runner for type '\(type)'" }
            return "type:\(type)"
        case .unsupported(let reason): return "unsupported: \(reason)"
        }
    }
}
