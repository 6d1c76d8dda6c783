import ToolHostCore

/// `tools_manager`: the catalogue inspected over JSON, for agents that cannot run the CLI's
/// `list`, `describe` and `validate` commands themselves.
///
/// ```json
/// {"operation": "list", "type": "executable", "tag": "database"}
/// {"operation": "describe", "tool": "word_stats", "format": "mcp"}
/// {"operation": "validate", "tool": "word_stats", "input": {"text": "hi"}}
/// {"operation": "validate", "yaml": "name: X\ntype: executable\n...", "id": "x"}
/// ```
struct ToolsManagerHandler: OperationHandler {
    let name = "tools_manager"

    var operations: [Operation] {
        [
            Operation("list", summary: "Tools of the catalogue, optionally filtered by type and tag", body: list),
            Operation("search", summary: "Tools that best match a described need, with scores (semantic search over the catalogue)", body: search),
            Operation("describe", summary: "One tool in full, or as an MCP or OpenAI tool entry", body: describe),
            Operation("validate", summary: "Check an input against a tool's schema, or lint YAML", body: validate),
            Operation("register_tool", summary: "Install a tool from YAML (and code) so it runs at once", body: registerTool),
            Operation("register_function", summary: "Turn a Python function into an executable tool", body: registerFunction),
            Operation("register_llm", summary: "Install an llm tool (model + system prompt)", body: registerLLM),
        ]
    }

    private func list(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let type = try input.optionalString("type")
        let tag = try input.optionalString("tag")
        return ToolDescription.listing(context.catalogue(), type: type, tag: tag, handlers: context.handlers)
    }

    private func search(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try ToolDiscovery.search(try input.string("query"), type: try input.optionalString("type"), limit: try input.optionalInt("limit") ?? 5,
                                 catalogue: context.catalogue(), config: context.config)
    }

    private func describe(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let id = try input.string("tool")
        let format = try input.optionalString("format") ?? "json"
        let catalogue = context.catalogue()
        let tool = try catalogue.definition(for: id)
        let data: JSONValue
        switch format {
        case "json": data = ToolDescription.full(of: tool, in: catalogue, handlers: context.handlers)
        case "mcp": data = ToolDescription.mcp(tool)
        case "openai": data = ToolDescription.openAI(tool)
        default:
            throw .invalidInput([Violation(path: "/format", message: "must be one of json, mcp, openai")], tool: context.tool.id)
        }
        return ["success": true, "data": data]
    }

    private func validate(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let linter = CatalogueLinter(knownHandlers: Set(context.handlers.names))
        if let yaml = try input.optionalString("yaml") {
            return lintAnswer(linter.lint(yaml: yaml, id: try input.optionalString("id") ?? "tool"))
        }
        if let path = try input.optionalString("path") {
            return lintAnswer(linter.lint(paths: [FilePath.absolute(path)]))
        }
        let id = try input.string("tool")
        let candidate = try input.object("input")
        let tool = try context.tools.definition(for: id)
        let result = SchemaValidator.validate(.object(candidate), against: tool.inputSchema)
        return [
            "success": true,
            "valid": .bool(result.isValid),
            "violations": .array(result.violations.map(\.json)),
            "input": result.value,
        ]
    }

    private func registerTool(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try registration(context).register(yaml: try input.string("yaml"), id: try input.optionalString("id"),
                                           code: try input.optionalString("code"), codeFileName: try input.optionalString("code_file")).answer
    }

    private func registerFunction(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try registration(context).registerFunction(
            name: try input.string("name"), description: try input.optionalString("description") ?? "",
            code: try input.string("code"), parameters: input["parameters"],
            functionName: try input.optionalString("function_name"), tags: try tags(input)).answer
    }

    private func registerLLM(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try registration(context).registerLLM(
            name: try input.string("name"), description: try input.optionalString("description") ?? "",
            model: try input.string("model"), systemPrompt: try input.string("system_prompt"), tags: try tags(input)).answer
    }

    private func registration(_ context: HandlerContext) -> ToolRegistration {
        ToolRegistration(config: context.config, handlers: context.handlers)
    }

    private func tags(_ input: OperationInput) throws(ToolHostError) -> [String] {
        try input.optionalArray("tags")?.compactMap(\.stringValue) ?? []
    }

    private func lintAnswer(_ diagnostics: [Diagnostic]) -> JSONValue {
        [
            "success": true,
            "valid": .bool(!diagnostics.contains { $0.severity == .error }),
            "problems": .array(diagnostics.filter { $0.severity != .note }.map(\.json)),
            "count": .int(diagnostics.filter { $0.severity != .note }.count),
        ]
    }
}
