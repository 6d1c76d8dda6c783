import ToolHostCore

/// OpenAI's chat completions API, as OpenAI and the servers that copy it (llama.cpp's
/// llama-server, vLLM, LM Studio, LiteLLM...) serve it: `POST {base_url}/chat/completions`,
/// answer `{"model", "choices": [{"message": {"content"}}], "usage": {"prompt_tokens",
/// "completion_tokens"}}`. JSON output is `response_format` `json_object`, or `json_schema`
/// with the tool's output schema (llama.cpp turns either into a grammar).
/// A missing model is a 404, or an error whose code is `model_not_found`.
struct OpenAIChat: ChatAPI {
    var path: String { "/chat/completions" }

    func body(for request: ChatRequest) -> JSONValue {
        var messages: [JSONValue] = []
        if let system = request.systemPrompt { messages.append(["role": "system", "content": .string(system)]) }
        messages.append(["role": "user", "content": .string(request.prompt)])
        var body: JSONObject = ["model": .string(request.model), "messages": .array(messages), "stream": false]
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if let maxTokens = request.maxTokens { body["max_tokens"] = .int(maxTokens) }
        if request.format == .json {
            if let schema = request.outputSchema {
                body["response_format"] = ["type": "json_schema", "json_schema": ["name": "output", "schema": schema]]
            } else {
                body["response_format"] = ["type": "json_object"]
            }
        }
        return .object(body)
    }

    func reply(from answer: JSONValue) -> ChatReply? {
        guard let text = answer["choices"]?[0]?["message"]?["content"]?.stringValue else { return nil }
        return ChatReply(text: text, model: answer["model"]?.stringValue, promptTokens: answer["usage"]?["prompt_tokens"]?.integerValue,
                         completionTokens: answer["usage"]?["completion_tokens"]?.integerValue)
    }

    func saysModelIsMissing(status: Int, answer: JSONValue?) -> Bool {
        if answer?["error"]?["code"]?.stringValue == "model_not_found" { return true }
        let message = Self.errorMessage(in: answer, body: []).lowercased()
        return status == 404 && (message.contains("model") || answer == nil)
    }
}
