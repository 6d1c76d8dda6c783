import ToolHostCore
import ToolHostNetwork

/// An embedding server over HTTP: Ollama (`POST /api/embed`, `{"model", "input": [texts]}` →
/// `embeddings`) or any OpenAI-compatible server (`POST /embeddings` under the base URL, →
/// `data[].embedding`). Texts go in batches of `embed_batch_size`; each request has the
/// configured timeout; every failure names the server and what to do about it. Plain http://
/// goes through ToolHost's own client; https:// through libcurl, loaded only then.
public struct HTTPEmbedder: Embedder {
    public enum API: String, Sendable {
        case ollama
        case openAI = "openai"
    }

    public let api: API
    public let baseURL: String
    public let model: String
    let apiKey: String?
    let apiKeyVariable: String
    let timeoutSeconds: Double
    let batchSize: Int
    /// Extra trusted certificates (PEM) for an https:// server.
    let caFile: String?

    public init(api: API, settings: MemorySettings) {
        self.api = api
        baseURL = settings.resolvedEmbedderURL
        model = settings.resolvedEmbedderModel
        apiKey = settings.apiKey
        apiKeyVariable = settings.apiKeyVariable
        timeoutSeconds = settings.embedderTimeoutSeconds
        batchSize = max(settings.embedBatchSize, 1)
        caFile = settings.embedderCAFile
    }

    public var fingerprint: String { "\(api.rawValue):\(model)" }

    public func embed(_ texts: [String]) throws(ToolHostError) -> [[Float]] {
        let endpoint = try self.endpoint()
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start..<min(start + batchSize, texts.count)])
            vectors += try embedBatch(batch, endpoint)
            start += batch.count
        }
        if let first = vectors.first, let odd = vectors.first(where: { $0.count != first.count }) {
            throw ToolHostError(.dimensionMismatch, "\(serverName) returned vectors of \(first.count) and of \(odd.count) dimensions in one answer.")
        }
        return vectors
    }

    private var serverName: String { "The \(api == .ollama ? "Ollama" : "OpenAI-compatible") embedding server at \(baseURL)" }

    /// The base URL without a trailing slash, once it is known to be http:// or https://.
    private func endpoint() throws(ToolHostError) -> String {
        guard HTTPURL(baseURL) != nil else {
            throw ToolHostError(.invalidConfig, "memory.embedder_url \"\(baseURL)\" cannot be used: give an http:// or https:// address such as http://127.0.0.1:11434.")
        }
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    private func embedBatch(_ texts: [String], _ endpoint: String) throws(ToolHostError) -> [[Float]] {
        let body = JSONWriter.bytes(["model": .string(model), "input": .array(texts.map { .string($0) })])
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/json")]
        if api == .openAI, let apiKey { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        let path = api == .ollama ? "/api/embed" : "/embeddings"
        let response: HTTPResponse
        do {
            response = try HTTPClient.send(HTTPRequest(method: "POST", url: endpoint + path, headers: headers, body: body),
                                           timeoutSeconds: timeoutSeconds, caFile: caFile)
        } catch {
            let lowered = error.message.lowercased()
            let unreachable = error.kind == .unreachable || error.kind == .timedOut
            let hint = lowered.contains("certificate") || lowered.contains("ssl")
                ? " Trust the server's certificate with memory.embedder_ca_file (TOOLHOST_EMBEDDER_CA_FILE), a PEM file."
                : unreachable ? (api == .ollama ? " Is Ollama running (`ollama serve`)?" : " Is the server running?") : ""
            throw ToolHostError(.embedderUnavailable, "\(serverName) cannot be used: \(error.message).\(hint)",
                                details: ["embedder": .string(fingerprint)])
        }
        let answer = try? JSONParser.parse(response.body)
        guard response.status == 200 else { throw failure(status: response.status, answer: answer, body: response.body) }
        let vectors: [JSONValue]?
        switch api {
        case .ollama: vectors = answer?["embeddings"]?.arrayValue
        case .openAI:
            // `data` may come in any order; `index` says which text each vector belongs to.
            let items = answer?["data"]?.arrayValue ?? []
            let ordered = items.sorted { ($0["index"]?.integerValue ?? 0) < ($1["index"]?.integerValue ?? 0) }
            vectors = answer?["data"] == nil ? nil : ordered.map { $0["embedding"] ?? .null }
        }
        guard let vectors, vectors.count == texts.count else {
            throw ToolHostError(.embedderFailed, "\(serverName) answered without \(texts.count) embeddings: \(Self.preview(response.body))")
        }
        var result: [[Float]] = []
        result.reserveCapacity(vectors.count)
        for vector in vectors {
            guard let numbers = vector.arrayValue, !numbers.isEmpty else {
                throw ToolHostError(.embedderFailed, "\(serverName) answered with an embedding that is not a list of numbers.")
            }
            var floats: [Float] = []
            floats.reserveCapacity(numbers.count)
            for number in numbers {
                guard let value = number.numberValue, value.isFinite else {
                    throw ToolHostError(.embedderFailed, "\(serverName) answered with an embedding that is not a list of numbers.")
                }
                floats.append(Float(value))
            }
            floats.normalize()
            result.append(floats)
        }
        return result
    }

    /// The server's own error sentence where it gave one, with the code that fits.
    private func failure(status: Int, answer: JSONValue?, body: [UInt8]) -> ToolHostError {
        let message = answer?["error"]?["message"]?.stringValue ?? answer?["error"]?.stringValue ?? Self.preview(body)
        let details: JSONObject = ["embedder": .string(fingerprint), "http_status": .int(status)]
        switch status {
        case 404 where message.lowercased().contains("model"):
            let hint = api == .ollama ? " Pull it with `ollama pull \(model)`, or set memory.embedder_model." : " Set memory.embedder_model to a model the server has."
            return ToolHostError(.embedderUnavailable, "\(serverName) does not serve the model \"\(model)\" (\(message)).\(hint)", details: details)
        case 404:
            let path = api == .ollama ? "/api/embed (Ollama 0.3.4 or later has it)" : "/embeddings under memory.embedder_url (include the /v1 part if the server has one)"
            return ToolHostError(.embedderUnavailable, "\(serverName) has no \(path): HTTP 404 \(message).", details: details)
        case 401, 403:
            let hint = apiKey == nil ? " \(apiKeyVariable) is not set." : " Check the key in \(apiKeyVariable)."
            return ToolHostError(.embedderUnavailable, "\(serverName) refused the credentials (HTTP \(status)).\(hint)", details: details)
        default:
            return ToolHostError(.embedderFailed, "\(serverName) answered HTTP \(status): \(message)", details: details)
        }
    }

    private static func preview(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.isEmpty ? "(empty answer)" : text
    }
}
