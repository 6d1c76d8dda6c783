import ToolHostCore

/// One chat completion as ToolHost asks for it, whichever server answers.
struct ChatRequest: Sendable {
    var model: String
    var systemPrompt: String?
    var prompt: String
    var temperature: Double?
    var maxTokens: Int?
    var format: LLMSpec.Format
    /// The tool's `output_schema`, for servers that can constrain output to it.
    var outputSchema: JSONValue?
}

/// What came back: the text and what the server said about it.
struct ChatReply: Sendable {
    var text: String
    /// The model the server says answered (it may differ from the name asked for).
    var model: String?
    var promptTokens: Int?
    var completionTokens: Int?
}

/// Why one request did not give a reply, sorted by what to do next.
enum ChatFailure: Error, Sendable {
    /// Worth another try after a pause: 429, 5xx, a refused or dropped connection.
    /// `retryAfter` is the server's `Retry-After`, in seconds.
    case transient(String, retryAfter: Double?)
    /// The server does not have this model: try the next fallback.
    case modelNotFound(String)
    /// The server refused the request (another 4xx) or answered something unusable.
    case failed(String)
    /// No answer in time; `callDeadline`: the call's own time ran out (not just the
    /// provider's per-request timeout).
    case timedOut(String, callDeadline: Bool)
    case cancelled
}

/// One server API: how a request is written and where it goes, how an answer is read.
protocol ChatAPI: Sendable {
    /// The path under the provider's base URL.
    var path: String { get }
    func body(for request: ChatRequest) -> JSONValue
    /// The reply in a 200 answer.
    func reply(from answer: JSONValue) -> ChatReply?
    /// Whether a non-200 answer says the model is missing.
    func saysModelIsMissing(status: Int, answer: JSONValue?) -> Bool
}

extension ChatAPI {
    /// The server's own words in an error answer (`{"error": "..."}` or `{"error": {"message"}}`).
    static func errorMessage(in answer: JSONValue?, body: [UInt8]) -> String {
        if let text = answer?["error"]?.stringValue ?? answer?["error"]?["message"]?.stringValue ?? answer?["message"]?.stringValue {
            return String(text.prefix(300))
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.isEmpty ? "no details" : text
    }
}
