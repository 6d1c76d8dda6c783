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

    /// Plain operations: the catalogue is files. `search` keeps its index in semantic memory
    /// and registering copies a tool to the database after writing its files, each on a
    /// connection of its own (a copy that fails leaves the files and says so).
    var operations: [Operation] {
        [
            Operation("list", nature: .readOnly, body: list),
            Operation("search", nature: .write, body: search),  // refreshes its index of the catalogue first
            Operation("describe", nature: .readOnly, body: describe),
            Operation("validate", nature: .readOnly, body: validate),
            Operation("register_tool", nature: .destructive, body: registerTool),  // replaces a generated tool of the same id
            Operation("register_function", nature: .destructive, body: registerFunction),
            Operation("register_llm", nature: .destructive, body: registerLLM),
        ]
    }

    private func list(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        // The listing is `toolhost list --json`'s answer too, so it comes whole; the envelope's
        // `success` is the mechanism's.
        let listing = ToolDescription.listing(context.catalogue(), type: try input.optionalString("type"),
                                              tag: try input.optionalString("tag"), handlers: context.handlers)
        return .fields(listing.objectValue ?? [:])
    }

    /// `limit` (1...100, default 5) comes bounded by the schema.
    private func search(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        try ToolDiscovery.matches(try input.string("query"), type: try input.optionalString("type"), limit: try input.int("limit"),
                                  catalogue: context.catalogue(), config: context.config)
    }

    /// `format` (json, mcp or openai; default json) comes checked by the schema.
    private func describe(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        let catalogue = context.catalogue()
        let tool = try catalogue.definition(for: try input.string("tool"))
        let data: JSONValue = switch try input.optionalString("format") {
        case "mcp": ToolDescription.mcp(tool, handlers: context.handlers)
        case "openai": ToolDescription.openAI(tool)
        default: ToolDescription.full(of: tool, in: catalogue, handlers: context.handlers)
        }
        return .fields(["data": data])
    }

    /// Lints `yaml` (or the files at `path`), or checks `input` against the schema of `tool`.
    private func validate(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        let linter = CatalogueLinter(knownHandlers: Set(context.handlers.names), handlers: context.handlers)
        if let yaml = try input.optionalString("yaml") {
            return lintAnswer(linter.lint(yaml: yaml, id: try input.optionalString("id") ?? "tool"))
        }
        if let path = try input.optionalString("path") {
            return lintAnswer(linter.lint(paths: [FilePath.absolute(path)]))
        }
        let tool = try context.tools.definition(for: try input.string("tool"))
        let result = SchemaValidator.validate(.object(try input.object("input")), against: tool.inputSchema)
        return .fields(["valid": .bool(result.isValid), "violations": .array(result.violations.map(\.json)), "input": result.value])
    }

    private func registerTool(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        try registration(context).register(yaml: try input.string("yaml"), id: try input.optionalString("id"),
                                           code: try input.optionalString("code"), codeFileName: try input.optionalString("code_file")).fields
    }

    private func registerFunction(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        try registration(context).registerFunction(
            name: try input.string("name"), description: try input.optionalString("description") ?? "",
            code: try input.string("code"), parameters: input["parameters"],
            functionName: try input.optionalString("function_name"), tags: try tags(input)).fields
    }

    private func registerLLM(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        try registration(context).registerLLM(
            name: try input.string("name"), description: try input.optionalString("description") ?? "",
            model: try input.string("model"), systemPrompt: try input.string("system_prompt"), tags: try tags(input)).fields
    }

    private func registration(_ context: HandlerContext) -> ToolRegistration {
        ToolRegistration(config: context.config, handlers: context.handlers)
    }

    private func tags(_ input: OperationInput) throws(ToolHostError) -> [String] {
        try input.optionalArray("tags")?.compactMap(\.stringValue) ?? []
    }

    private func lintAnswer(_ diagnostics: [Diagnostic]) -> OperationAnswer {
        let problems = diagnostics.filter { $0.severity != .note }
        return .fields([
            "valid": .bool(!diagnostics.contains { $0.severity == .error }),
            "problems": .array(problems.map(\.json)),
            "count": .int(problems.count),
        ])
    }
}
