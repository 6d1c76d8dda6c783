import ToolHostCore

/// Ollama's own chat API: `POST /api/chat` with `"stream": false`, one JSON answer
/// `{"model", "message": {"role", "content"}, "done": true, "prompt_eval_count", "eval_count"}`.
/// `max_tokens` is Ollama's `num_predict`; JSON output is `"format": "json"`, or the output
/// schema itself (Ollama ≥ 0.5 constrains output to a JSON Schema).
/// A missing model is a 404 whose error says "not found" ("model 'x' not found, try pulling it first").
struct OllamaChat: ChatAPI {
    var path: String { "/api/chat" }

    func body(for request: ChatRequest) -> JSONValue {
        var messages: [JSONValue] = []
        if let system = request.systemPrompt { messages.append(["role": "system", "content": .string(system)]) }
        messages.append(["role": "user", "content": .string(request.prompt)])
        var body: JSONObject = ["model": .string(request.model), "messages": .array(messages), "stream": false]
        var options: JSONObject = [:]
        if let temperature = request.temperature { options["temperature"] = .double(temperature) }
        if let maxTokens = request.maxTokens { options["num_predict"] = .int(maxTokens) }
        if !options.isEmpty { body["options"] = .object(options) }
        if request.format == .json { body["format"] = request.outputSchema ?? "json" }
        return .object(body)
    }

    func reply(from answer: JSONValue) -> ChatReply? {
        guard let text = answer["message"]?["content"]?.stringValue else { return nil }
        return ChatReply(text: text, model: answer["model"]?.stringValue, promptTokens: answer["prompt_eval_count"]?.integerValue,
                         completionTokens: answer["eval_count"]?.integerValue)
    }

    func saysModelIsMissing(status: Int, answer: JSONValue?) -> Bool {
        status == 404 && (Self.errorMessage(in: answer, body: []).lowercased().contains("not found") || answer == nil)
    }
}
