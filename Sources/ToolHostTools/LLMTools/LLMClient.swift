#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore
import ToolHostNetwork

/// Sends one chat completion to a provider: each model in turn (the tool's, then its
/// fallbacks), each retried with exponential backoff on 429, 5xx and refused or dropped
/// connections, all within the call's deadline, giving up at once when the call is cancelled.
///
/// A model the server does not have goes straight to the next one; a request the server refuses
/// for another reason (a 4xx) is not retried, since the same request would be refused again.
struct LLMClient {
    let toolID: String
    let providerName: String
    let provider: LLMSettings.Provider
    /// The provider's base URL, or the tool's `endpoint`.
    let baseURL: String
    let api: any ChatAPI
    let retries: Int
    let backoffSeconds: Double
    /// The call's timeout (seconds) and when it runs out (`MonotonicClock`).
    let callTimeoutSeconds: Double
    let deadline: Double
    let cancellation: CallCancellation?

    /// The reply and how it was got.
    struct Outcome {
        var reply: ChatReply
        /// The name the request was sent with (after aliasing).
        var model: String
        /// Requests made, over every model.
        var attempts: Int
    }

    init(toolID: String, providerName: String, provider: LLMSettings.Provider, endpoint: String?, retries: Int,
         backoffSeconds: Double, callTimeoutSeconds: Double, cancellation: CallCancellation?) {
        self.toolID = toolID
        self.providerName = providerName
        self.provider = provider
        var base = endpoint ?? provider.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        // A tool's endpoint may name the API's own path; the client adds it.
        for suffix in ["/api/chat", "/api/generate", "/chat/completions"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
        }
        baseURL = base
        api = provider.kind == .ollama ? OllamaChat() : OpenAIChat()
        self.retries = retries
        self.backoffSeconds = backoffSeconds
        self.callTimeoutSeconds = callTimeoutSeconds
        deadline = MonotonicClock.now() + callTimeoutSeconds
        self.cancellation = cancellation
    }

    var serverName: String { "The \(provider.kind == .ollama ? "Ollama" : "OpenAI-compatible") server at \(baseURL) (provider '\(providerName)')" }

    /// `models`: (the tool's name, the name sent) in the order to try.
    func complete(_ request: ChatRequest, models: [(asked: String, sent: String)]) throws(ToolHostError) -> Outcome {
        var attempts = 0
        var missing: [String] = []
        var lastProblem = "no request was made"
        for model in models {
            var request = request
            request.model = model.sent
            retrying: for attempt in 0...retries {
                try checkCancelled()
                attempts += 1
                switch send(request) {
                case .success(let reply):
                    return Outcome(reply: reply, model: model.sent, attempts: attempts)
                case .failure(.modelNotFound(let message)):
                    missing.append(model.sent)
                    lastProblem = message
                    break retrying
                case .failure(.failed(let message)):
                    throw ToolHostError(.llmFailed, "\(serverName) refused the request for model '\(model.sent)': \(message).",
                                        details: details(attempts: attempts, model: model.sent))
                case .failure(.cancelled):
                    throw cancelled()
                case .failure(.timedOut(let message, let callDeadline)):
                    if callDeadline { throw timedOut(message, attempts: attempts, model: model.sent) }
                    lastProblem = message
                    guard attempt < retries, pause(backoff(attempt, retryAfter: nil)) else { break retrying }
                case .failure(.transient(let message, let retryAfter)):
                    lastProblem = message
                    guard attempt < retries, pause(backoff(attempt, retryAfter: retryAfter)) else { break retrying }
                }
            }
        }
        try checkCancelled()
        let tried = models.map(\.sent)
        if missing.count == tried.count {
            let fix = provider.kind == .ollama
                ? "pull it (`ollama pull \(tried[0])`)"
                : "load it on the server"
            throw ToolHostError(.modelNotFound,
                                "\(serverName) has no model \(tried.map { "'\($0)'" }.joined(separator: " nor ")): \(fix), or map the name to a model it has with llm.model_aliases.",
                                details: details(attempts: attempts, model: tried[0]).merging(["models": .array(tried.map { .string($0) })]))
        }
        let hint = provider.kind == .ollama ? "Is Ollama running (`ollama serve`)?" : "Is the server running?"
        throw ToolHostError(.llmUnavailable,
                            "\(serverName) cannot be used: \(lastProblem) (\(attempts) attempt\(attempts == 1 ? "" : "s") with \(tried.joined(separator: ", "))). \(hint) Or point llm.providers.\(providerName).base_url at one that is.",
                            details: details(attempts: attempts, model: tried.last ?? request.model))
    }

    // MARK: One request

    private func send(_ request: ChatRequest) -> Result<ChatReply, ChatFailure> {
        let left = remaining()
        let wait = min(provider.timeoutSeconds, left)
        guard wait > 0 else { return .failure(.timedOut("the call's time ran out", callDeadline: true)) }
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/json")]
        if let key = provider.apiKey { headers.append(HTTPHeader("Authorization", "Bearer \(key)")) }
        let http = HTTPRequest(method: "POST", url: baseURL + api.path, headers: headers, body: JSONWriter.bytes(api.body(for: request)))
        let response: HTTPResponse
        do {
            response = try HTTPClient.send(http, timeoutSeconds: wait, cancellation: cancellation)
        } catch {
            switch error.kind {
            case .unreachable, .protocolError: return .failure(.transient(error.message, retryAfter: nil))
            case .timedOut: return .failure(.timedOut(error.message, callDeadline: left <= provider.timeoutSeconds))
            case .cancelled: return .failure(.cancelled)
            case .tooLarge, .badURL: return .failure(.failed(error.message))
            }
        }
        let answer = try? JSONParser.parse(response.body)
        switch response.status {
        case 200:
            guard let answer, let reply = api.reply(from: answer) else {
                return .failure(.failed("it answered 200 without a chat completion: \(String(decoding: response.body.prefix(200), as: UTF8.self))"))
            }
            return .success(reply)
        case 429, 500...599:
            let retryAfter = response.header("Retry-After").flatMap { Double($0.trimmingSpaces) }
            return .failure(.transient("it answered \(response.status): \(OllamaChat.errorMessage(in: answer, body: response.body))",
                                       retryAfter: retryAfter))
        case let status where api.saysModelIsMissing(status: status, answer: answer):
            return .failure(.modelNotFound("it answered \(status): \(OllamaChat.errorMessage(in: answer, body: response.body))"))
        case let status:
            return .failure(.failed("it answered \(status): \(OllamaChat.errorMessage(in: answer, body: response.body))"))
        }
    }

    // MARK: Time

    private func remaining() -> Double { deadline - MonotonicClock.now() }

    /// The pause before retry `attempt + 1`: the server's Retry-After when it gives one, else
    /// the backoff doubled per attempt; at most 8 s either way.
    private func backoff(_ attempt: Int, retryAfter: Double?) -> Double {
        min(retryAfter ?? backoffSeconds * Double(1 << min(attempt, 10)), 8)
    }

    /// Waits `seconds`, waking early when the call is cancelled; false when the pause would
    /// not end before the deadline (no time for another try) or the call was cancelled.
    private func pause(_ seconds: Double) -> Bool {
        guard seconds < remaining() else { return false }
        guard seconds > 0 else { return true }
        if let descriptor = cancellation?.wakeDescriptor {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, Int32(seconds * 1000))
        } else {
            usleep(UInt32(seconds * 1_000_000))
        }
        return cancellation?.isCancelled != true
    }

    private func checkCancelled() throws(ToolHostError) {
        if cancellation?.isCancelled == true { throw cancelled() }
    }

    private func cancelled() -> ToolHostError {
        ToolHostError(.cancelled, "The call of '\(toolID)' was cancelled while waiting for \(serverName).")
    }

    private func timedOut(_ message: String, attempts: Int, model: String) -> ToolHostError {
        ToolHostError(.timeout,
                      "Tool '\(toolID)' timed out after \(Self.seconds(callTimeoutSeconds)) s waiting for \(serverName) (\(message)); raise llm.timeout in the tool or pass run --timeout.",
                      details: details(attempts: attempts, model: model))
    }

    private func details(attempts: Int, model: String) -> JSONObject {
        ["provider": .string(providerName), "base_url": .string(baseURL), "model": .string(model), "attempts": .int(attempts)]
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

private extension JSONObject {
    func merging(_ other: JSONObject) -> JSONObject {
        var merged = self
        for (key, value) in other { merged[key] = value }
        return merged
    }
}
