extension ErrorCode {
    /// A call succeeded but its answer breaks the schema its tool declares (`output_schema`):
    /// the tool promised a shape and did not keep it. The answer carries `pointer` (where the
    /// first problem is, a JSON Pointer into the answer; "" for the whole answer) and
    /// `violations`. Fix the tool, or its `output_schema`.
    public static let outputSchemaMismatch = ErrorCode("output_schema_mismatch")
}

/// Holds a successful answer to the schema its tool declares (`HandlerRegistry.answerSchema`):
/// the one place every front end's calls pass (`ToolInvoker.invoke`), so a CLI run, an HTTP
/// call and an MCP `tools/call` fail alike, and an MCP client that was promised an
/// `outputSchema` never receives structured content that breaks it.
///
/// An `llm` tool's handler checks the model's JSON itself first (`llm_output_invalid`, with the
/// model's words); its answer schema wraps that same schema under `data`, so this check passes
/// what the handler already passed.
enum OutputSchemaCheck {
    /// `result` unchanged, or a failure when it succeeded with an answer `schema` refuses.
    static func checked(_ result: ToolInvoker.Result, tool: ToolDefinition, schema: JSONValue?) -> ToolInvoker.Result {
        guard let schema, result.succeeded else { return result }
        let answer: JSONValue
        switch result {
        case .answer(let value):
            answer = value
        case .plugin(let run):
            guard case .success(let value)? = run.parsedOutput else {
                return .failure(ToolHostError(.outputSchemaMismatch,
                                              "Tool '\(tool.id)' declares an output_schema but printed output that is not JSON: make it print one JSON value, or remove its output_schema.",
                                              details: ["pointer": "", "violations": [["path": "", "message": "is not JSON"]]]))
            }
            answer = value
        case .failure:
            return result
        }
        let validation = SchemaValidator.validate(answer, against: schema)
        guard !validation.isValid, let first = validation.violations.first else { return result }
        let more = validation.violations.count > 1 ? " (\(validation.violations.count) problems)" : ""
        let place = first.path.isEmpty ? "the answer" : "the answer at \(first.path)"
        return .failure(ToolHostError(.outputSchemaMismatch,
                                      "Tool '\(tool.id)' answered output that breaks its output_schema: \(place) \(first.message)\(more); fix the tool or its output_schema.",
                                      details: ["pointer": .string(first.path), "violations": .array(validation.violations.map(\.json))]))
    }
}
