/// The `execute_tool` span of one call, named and attributed by OpenTelemetry's GenAI semantic
/// conventions (`gen_ai.operation.name`, `gen_ai.tool.name`, `gen_ai.tool.type`,
/// `gen_ai.tool.call.id`, and with `tracing.capture_content` the call's arguments and result),
/// with ToolHost's own outcome: `toolhost.call.outcome`, the error code as `error.type`, a
/// plugin's exit status.
struct InvocationSpan {
    let span: Span
    let tracer: Tracer

    /// Nil when tracing is off. `parent`: the caller's span (a front end's request, a
    /// workflow's step), else whatever span this code runs in.
    static func start(_ tool: ToolDefinition, input: JSONObject, callID: String?, parent: SpanContext?) -> InvocationSpan? {
        guard let tracer = Tracer.current else { return nil }
        let span = tracer.startSpan("execute_tool \(tool.id)", kind: .internal, parent: parent)
        span.set("gen_ai.operation.name", "execute_tool")
        span.set("gen_ai.tool.name", tool.id)
        span.set("gen_ai.tool.type", toolType(of: tool))
        span.set("gen_ai.tool.call.id", callID)
        span.set("gen_ai.tool.description", tool.description.isEmpty ? nil : String(tool.description.prefix(300)))
        span.set("toolhost.tool.type", tool.type.name)
        span.set("toolhost.operation", input["operation"]?.stringValue)
        span.set("gen_ai.tool.call.arguments", tracer.content(.object(input)))
        return InvocationSpan(span: span, tracer: tracer)
    }

    /// The conventions' kinds: ToolHost's own stores are data sources, network tools reach
    /// other services, and every other tool is a function run here.
    private static func toolType(of tool: ToolDefinition) -> String {
        switch (tool.runner, tool.type) {
        case (.handler, _): "datastore"
        case (_, .llm), (_, .openapi), (_, .mcp): "extension"
        default: "function"
        }
    }

    func finish(_ result: ToolInvoker.Result) {
        defer { span.end() }
        if case .plugin(let run) = result { span.set("process.exit.code", Int(run.exitCode)) }
        guard let code = result.errorCode else {
            span.set("toolhost.call.outcome", "success")
            span.set("gen_ai.tool.call.result", answer(of: result).flatMap(tracer.content))
            return
        }
        span.set("toolhost.call.outcome", "error")
        span.fail(type: code.rawValue, message: tracer.redaction.redact(errorSentence(of: result) ?? "The call failed (\(code.rawValue))."))
    }

    private func answer(of result: ToolInvoker.Result) -> JSONValue? {
        switch result {
        case .answer(let value): value
        case .plugin(let run): if case .success(let value)? = run.parsedOutput { value } else { nil }
        case .failure: nil
        }
    }

    private func errorSentence(of result: ToolInvoker.Result) -> String? {
        switch result {
        case .answer: nil
        case .failure(let error): error.message
        case .plugin(let run): run.hostError?.message ?? run.envelope["error"]?.stringValue
        }
    }
}
