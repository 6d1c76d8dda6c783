import ToolHostCore
import ToolHostNetwork

/// Runs every `type: openapi` tool (registered for the type in `BuiltinHandlers`): reads its
/// `openapi:` block, loads its spec when it has one, turns the call into an HTTP request,
/// and answers with what the API said.
///
/// The order is the contract: the input is checked against the spec (parameters and body)
/// and the host against `network.allowed_hosts` before any request leaves; the secret of
/// `auth:` is read from its environment variable last, and kept out of every error.
public struct OpenAPIToolHandler: NetworkToolHandler {
    public let name = "openapi"
    /// The largest answer taken from an API; larger is refused rather than held in memory.
    static let maxResponseBytes = 32 << 20

    public init() {}

    public func handle(_ input: JSONObject, context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let tool = context.tool
        let started = MonotonicClock.now()
        let block = try OpenAPIBlock.read(from: tool)
        let network = context.config.network
        let call = try OpenAPICallInput(input)
        var document: OpenAPIDocument?
        if let spec = block.spec {
            let loader = OpenAPISpecLoader(toolID: tool.id, dataDirectory: context.config.dataDirectory, network: network,
                                           maxAgeSeconds: context.config.openAPI.specMaxAgeSeconds,
                                           timeoutSeconds: context.timeoutSeconds, cancellation: context.cancellation, warn: context.warn)
            document = try loader.load(spec)
        }
        let baseURL = try Self.baseURL(of: tool, block: block, document: document, settings: context.config.openAPI)

        var (builder, label) = try OpenAPIRequestBuilder.forCall(call, document: document, toolID: tool.id)
        builder.headers.insert(contentsOf: block.headers, at: 0)
        for (name, value) in call.headers where !value.isNull { builder.headers.append((name, OpenAPIRequestBuilder.text(value))) }

        var request = builder.request(baseURL: baseURL)
        guard let target = HTTPURL(request.url) else {
            throw ToolHostError(.invalidToolDefinition, "Tool '\(tool.id)' cannot run: its base URL \(baseURL) is not an http:// or https:// URL; fix 'openapi.base_url' (or openapi.base_urls.\(tool.id) in the config).")
        }
        guard network.allows(host: target.host) else { throw network.refusal(host: target.host, toolID: tool.id) }
        let environment = ProcessEnvironment.current()
        var secrets: [String] = []
        if let auth = block.auth {
            let credentials = try auth.credentials(toolID: tool.id, environment: environment)
            secrets = auth.secrets(environment: environment)
            request.headers += credentials.headers.map { HTTPHeader($0.0, $0.1) }
            if !credentials.query.isEmpty {
                let pairs = credentials.query.map { "\(PercentEncoding.component($0.0))=\(PercentEncoding.component($0.1))" }.joined(separator: "&")
                request.url += (request.url.contains("?") ? "&" : "?") + pairs
            }
        }
        let described = "\(label) on \(target.host):\(target.port)"
        let remaining = max(0.001, context.timeoutSeconds - (MonotonicClock.now() - started))
        let response: HTTPResponse
        do {
            response = try HTTPClient.send(request, timeoutSeconds: remaining, cancellation: context.cancellation,
                                           maxResponseBytes: Self.maxResponseBytes)
        } catch {
            throw Self.failure(error, call: described, toolID: tool.id, timeout: context.timeoutSeconds, secrets: secrets)
        }
        return try OpenAPIAnswer.answer(response, call: described, toolID: tool.id, secrets: secrets)
    }

    /// The server to call: the config's `openapi.base_urls.<id>`, else the tool's `base_url`,
    /// else the spec's first absolute server (a relative one is taken against the spec's URL).
    static func baseURL(of tool: ToolDefinition, block: OpenAPIBlock, document: OpenAPIDocument?,
                        settings: OpenAPISettings) throws(ToolHostError) -> String {
        if let configured = settings.baseURLs[tool.id] { return configured }
        if let baseURL = block.baseURL { return baseURL }
        for server in document?.servers ?? [] where !server.contains("{") {
            if server.hasPrefix("http://") || server.hasPrefix("https://") { return server }
            if server.hasPrefix("/"), case .url(let specURL)? = block.spec, let spec = HTTPURL(specURL) {
                let host = spec.host.contains(":") ? "[\(spec.host)]" : spec.host
                return "\(spec.scheme)://\(host):\(spec.port)\(server)"
            }
        }
        throw ToolHostError(.invalidToolDefinition,
                            "Tool '\(tool.id)' cannot run: it has no base URL; give 'openapi.base_url' in its YAML (\(tool.file)) or openapi.base_urls.\(tool.id) in the config.")
    }

    static func failure(_ failure: HTTPFailure, call: String, toolID: String, timeout: Double, secrets: [String]) -> ToolHostError {
        let message = OpenAPIAnswer.scrub(failure.message, secrets)
        switch failure.kind {
        case .timedOut:
            return ToolHostError(.timeout, "Tool '\(toolID)': \(call) did not answer within \(timeout.compactText) s.",
                                 details: ["timeout_seconds": .double(timeout)])
        case .cancelled:
            return ToolHostError(.cancelled, "The call of '\(toolID)' was cancelled while \(call) was waited for.")
        case .tooLarge:
            return ToolHostError(.outputLimitExceeded, "Tool '\(toolID)': the answer of \(call) is larger than \(maxResponseBytes >> 20) MiB; ask for less.")
        case .badURL:
            return ToolHostError(.invalidToolDefinition, "Tool '\(toolID)' cannot run: \(message)")
        case .unreachable, .protocolError:
            return ToolHostError(.apiUnreachable, "Tool '\(toolID)' could not reach \(call): \(message)")
        }
    }
}
