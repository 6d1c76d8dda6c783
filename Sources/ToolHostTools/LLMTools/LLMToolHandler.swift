import ToolHostCore

/// Runs every `type: llm` tool: renders the prompt from the input, asks the provider's model
/// server (retries, fallbacks, within the call's timeout), and answers
/// `{"success": true, "response", "model", "usage": {prompt_tokens, completion_tokens}, "duration_ms"}`,
/// plus `data`, the parsed and validated JSON, when the tool asks for JSON output.
///
/// The call's notes (`CallNotes`, kept in the tool-execution record's `metadata.llm`) hold what
/// fine-tuning wants and the answer does not carry: the rendered prompt, the system prompt, the
/// response, the model, the tokens and the latency.
public struct LLMToolHandler: NetworkToolHandler {
    public var name: String { "llm" }

    public init() {}

    /// A tool with an `output_schema` answers the model's JSON as `data`, beside the text and
    /// the model: what MCP's `outputSchema` promises and the invoker checks. `data` itself is
    /// checked here first (`parsedJSON`), so a model's bad JSON fails as `llm_output_invalid`
    /// with its words.
    public func answerSchema(of tool: ToolDefinition) -> JSONValue? {
        guard let schema = tool.outputSchema else { return nil }
        return ["type": "object",
                "properties": ["success": ["type": "boolean"], "response": ["type": "string"], "model": ["type": "string"], "data": schema],
                "required": ["success", "response", "model", "data"]]
    }

    public func handle(_ input: JSONObject, context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let tool = context.tool
        let settings = context.config.llm
        let spec = try LLMSpec(tool: tool, defaultModel: settings.defaultModel)
        let (providerName, provider) = try Self.provider(of: spec, tool: tool, settings: settings)
        let prompt = try Self.prompt(of: spec, input: input, toolID: tool.id)
        let request = ChatRequest(model: spec.model, systemPrompt: spec.systemPrompt, prompt: prompt, temperature: spec.temperature,
                                  maxTokens: spec.maxTokens, format: spec.format, outputSchema: tool.outputSchema)
        let client = LLMClient(toolID: tool.id, providerName: providerName, provider: provider, endpoint: spec.endpoint,
                               retries: spec.retries ?? provider.retries, backoffSeconds: settings.retryBackoffSeconds,
                               callTimeoutSeconds: context.timeoutSeconds, cancellation: context.cancellation)
        var note: JSONObject = [
            "provider": .string(providerName), "base_url": .string(client.baseURL), "model": .string(settings.resolvedModel(spec.model)),
            "system_prompt": spec.systemPrompt.map { .string($0) } ?? .null, "prompt": .string(prompt),
        ]
        if let temperature = spec.temperature { note["temperature"] = .double(temperature) }
        if let maxTokens = spec.maxTokens { note["max_tokens"] = .int(maxTokens) }
        context.notes.set("llm", .object(note))

        let started = MonotonicClock.now()
        let outcome: LLMClient.Outcome
        do {
            outcome = try client.complete(request, models: spec.models.map { ($0, settings.resolvedModel($0)) })
        } catch {
            note["error_code"] = .string(error.code.rawValue)
            note["latency_ms"] = .double(Self.milliseconds(since: started))
            context.notes.set("llm", .object(note))
            throw error
        }
        let latency = Self.milliseconds(since: started)
        let reply = outcome.reply
        let usage: JSONValue = ["prompt_tokens": reply.promptTokens.map { .int($0) } ?? .null,
                                "completion_tokens": reply.completionTokens.map { .int($0) } ?? .null]
        note["model"] = .string(outcome.model)
        if let served = reply.model, served != outcome.model { note["server_model"] = .string(served) }
        note["response"] = .string(reply.text)
        note["usage"] = usage
        note["latency_ms"] = .double(latency)
        note["attempts"] = .int(outcome.attempts)
        context.notes.set("llm", .object(note))

        var answer: JSONObject = ["success": true, "response": .string(reply.text), "model": .string(outcome.model), "usage": usage,
                                  "duration_ms": .double(latency)]
        if spec.format == .json {
            answer["data"] = try Self.parsedJSON(reply.text, schema: tool.outputSchema, toolID: tool.id, model: outcome.model)
        }
        return .object(answer)
    }

    /// The provider the tool names (or the default). A name the config lacks still works with
    /// the tool's own `endpoint`: `ollama` speaks Ollama's API there, any other name OpenAI's.
    static func provider(of spec: LLMSpec, tool: ToolDefinition, settings: LLMSettings) throws(ToolHostError) -> (String, LLMSettings.Provider) {
        let name = spec.provider ?? settings.defaultProvider
        if let provider = settings.providers[name] { return (name, provider) }
        if let endpoint = spec.endpoint {
            return (name, LLMSettings.Provider(kind: name.lowercased() == "ollama" ? .ollama : .openAICompatible, baseURL: endpoint))
        }
        throw ToolHostError(.invalidConfig,
                            "Tool '\(tool.id)' uses the LLM provider '\(name)', which the config does not define (llm.providers has: \(settings.providers.keys.sorted().joined(separator: ", "))): add llm.providers.\(name) with kind and base_url, or give the tool an llm.endpoint.",
                            details: ["provider": .string(name)])
    }

    /// The prompt sent: the template filled from the input, else the input's `prompt`.
    static func prompt(of spec: LLMSpec, input: JSONObject, toolID: String) throws(ToolHostError) -> String {
        guard let template = spec.template else {
            guard let prompt = input["prompt"], !prompt.isNull else {
                throw .invalidInput([Violation(path: "/prompt", message: "is required (the text sent to the model)")], tool: toolID)
            }
            return PromptTemplate.text(of: prompt)
        }
        do {
            return try template.render(input)
        } catch {
            throw .invalidInput(error.names.map { Violation(path: "/\($0)", message: "is required by the tool's prompt template ({\($0)})") },
                                tool: toolID)
        }
    }

    /// The response as JSON, validated against `schema` when there is one. A model often wraps
    /// JSON in a Markdown fence (```json ... ```): the fence is taken off first.
    static func parsedJSON(_ text: String, schema: JSONValue?, toolID: String, model: String) throws(ToolHostError) -> JSONValue {
        var body = text.trimmingSpaces
        if body.hasPrefix("```"), body.hasSuffix("```"), body.count >= 6 {
            body = String(body.dropFirst(3).dropLast(3))
            if let newline = body.firstIndex(of: "\n") { body = String(body[body.index(after: newline)...]) }
            body = body.trimmingSpaces
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw ToolHostError(.llmInvalidJSON,
                                "Tool '\(toolID)' asks for JSON, but model '\(model)' answered text that does not parse as JSON (\(error)); see 'response'.",
                                details: ["response": .string(String(text.prefix(4000))), "model": .string(model)])
        }
        guard let schema else { return value }
        let validation = SchemaValidator.validate(value, against: schema)
        guard validation.isValid else {
            let first = validation.violations.first.map { "\($0)" } ?? "it breaks the schema"
            throw ToolHostError(.llmOutputInvalid,
                                "Tool '\(toolID)': model '\(model)' answered JSON that breaks the tool's output_schema: \(first).",
                                details: ["violations": .array(validation.violations.map(\.json)), "response": .string(String(text.prefix(4000))),
                                          "model": .string(model)])
        }
        return validation.value
    }

    static func milliseconds(since started: Double) -> Double {
        ((MonotonicClock.now() - started) * 1_000_000).rounded() / 1000
    }
}
