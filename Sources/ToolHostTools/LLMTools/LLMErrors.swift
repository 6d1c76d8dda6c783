import ToolHostCore

/// The error codes of `type: llm` tools (README "LLM tools"), besides Core's `invalid_input`,
/// `invalid_tool_definition`, `invalid_config`, `timeout` and `cancelled`.
extension ErrorCode {
    /// The model server could not be reached, or kept answering 429/5xx, after the retries
    /// and every fallback model: start it, or point the provider's `base_url` at one.
    public static let llmUnavailable = ErrorCode("llm_unavailable")
    /// The server does not have the model (nor any fallback): pull it (`ollama pull X`), load
    /// it, or map the name to one it has with `llm.model_aliases`.
    public static let modelNotFound = ErrorCode("model_not_found")
    /// The server refused the request (a 4xx other than a missing model or 429), or answered
    /// something that is not a chat completion.
    public static let llmFailed = ErrorCode("llm_failed")
    /// The tool asks for JSON (`format: json` or an `output_schema`) and the model's response
    /// does not parse as JSON.
    public static let llmInvalidJSON = ErrorCode("llm_invalid_json")
    /// The response parsed as JSON but breaks the tool's `output_schema` (with `violations`).
    public static let llmOutputInvalid = ErrorCode("llm_output_invalid")
}
