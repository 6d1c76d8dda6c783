import ToolHostCore

/// Where `type: llm` tools find their models (the config's `llm:` section): named providers, a
/// default one, and a model alias map, so that a catalogue written for one server runs on
/// another.
///
/// ```yaml
/// llm:
///   default_provider: ollama
///   providers:
///     ollama: {kind: ollama, base_url: "http://127.0.0.1:11434", timeout: 120, retries: 2}
///     local:  {kind: openai-compatible, base_url: "http://127.0.0.1:8080/v1", api_key_env: LOCAL_KEY}
///   model_aliases: {"qwen2.5:1.5b": "gemma3-270m"}
/// ```
/// Without a section, `ollama` (kind ollama, http://127.0.0.1:11434) is the one provider.
public struct LLMSettings: Sendable, Equatable {
    public struct Provider: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable, CaseIterable {
            /// Ollama's own API: `POST {base_url}/api/chat`.
            case ollama
            /// OpenAI's chat API, as llama.cpp, vLLM, LM Studio... serve it:
            /// `POST {base_url}/chat/completions` (base_url ends in `/v1`).
            case openAICompatible = "openai-compatible"
        }

        public var kind: Kind
        public var baseURL: String
        /// The environment variable holding the API key (sent as `Authorization: Bearer`).
        public var apiKeyVariable: String?
        /// The key read from `apiKeyVariable` when the config was loaded.
        public var apiKey: String?
        /// Seconds one request may take (the call's own timeout bounds all requests together).
        public var timeoutSeconds: Double
        /// Retries of one model on 429, 5xx or a refused connection.
        public var retries: Int

        public init(kind: Kind, baseURL: String, apiKeyVariable: String? = nil, apiKey: String? = nil,
                    timeoutSeconds: Double = 120, retries: Int = 2) {
            self.kind = kind
            self.baseURL = baseURL
            self.apiKeyVariable = apiKeyVariable
            self.apiKey = apiKey
            self.timeoutSeconds = timeoutSeconds
            self.retries = retries
        }
    }

    public var providers: [String: Provider] = ["ollama": Provider(kind: .ollama, baseURL: "http://127.0.0.1:11434")]
    public var defaultProvider = "ollama"
    /// Used by a tool that names no model.
    public var defaultModel: String?
    /// A tool's model name → the name sent to the server (applied to fallbacks too).
    public var modelAliases: [String: String] = [:]
    /// The first retry waits this long; each next one twice as long (at most 8 s).
    public var retryBackoffSeconds: Double = 0.5

    public init() {}

    /// The model a tool's `name` is sent as.
    public func resolvedModel(_ name: String) -> String { modelAliases[name] ?? name }
}

extension LLMSettings: ConfigSection {
    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        self.init()
        if let found = reader.value("llm.providers") {
            if case .object(let object) = found.value {
                providers = [:]
                for (name, raw) in object {
                    if let provider = Self.provider(named: name, raw, reader: &reader, environment: context.environment) {
                        providers[name] = provider
                    }
                }
            } else {
                reader.report("llm.providers must be a mapping of provider names to {kind, base_url}, not \(found.value.typeName)")
            }
        }
        defaultProvider = reader.string("llm.default_provider", env: "TOOLHOST_LLM_PROVIDER") ?? defaultProvider
        if providers[defaultProvider] == nil {
            reader.report("llm.default_provider '\(defaultProvider)' is not one of llm.providers (\(providers.keys.sorted().joined(separator: ", ")))")
        }
        defaultModel = reader.string("llm.default_model").flatMap { $0.isEmpty ? nil : $0 }
        modelAliases = reader.stringMap("llm.model_aliases") ?? [:]
        retryBackoffSeconds = reader.number("llm.retry_backoff_seconds", default: retryBackoffSeconds)
    }

    /// One entry of `llm.providers`; nil (and a reported problem) when it cannot be used.
    private static func provider(named name: String, _ raw: JSONValue, reader: inout ConfigReader,
                                 environment: [String: String]) -> Provider? {
        let path = "llm.providers.\(name)"
        guard case .object(let entry) = raw else {
            reader.report("\(path) must be a mapping with kind and base_url, not \(raw.typeName)")
            return nil
        }
        let known = ["kind", "base_url", "api_key_env", "timeout", "retries"]
        for key in entry.keys where !known.contains(key) {
            reader.report("\(path).\(key) is not a provider setting (known: \(known.joined(separator: ", ")))")
        }
        let kindName = entry["kind"]?.stringValue?.lowercased() ?? (name == "ollama" ? "ollama" : "")
        let kind: Provider.Kind
        switch kindName {
        case "ollama": kind = .ollama
        case "openai-compatible", "openai", "openai_compatible": kind = .openAICompatible
        default:
            reader.report("\(path).kind must be ollama or openai-compatible\(kindName.isEmpty ? "" : ", not '\(kindName)'")")
            return nil
        }
        guard let baseURL = entry["base_url"]?.stringValue, baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            reader.report("\(path).base_url must be an http:// or https:// URL (e.g. http://127.0.0.1:11434)")
            return nil
        }
        var provider = Provider(kind: kind, baseURL: baseURL)
        if let variable = entry["api_key_env"]?.stringValue, !variable.isEmpty {
            provider.apiKeyVariable = variable
            provider.apiKey = environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        if let timeout = entry["timeout"] {
            guard let seconds = timeout.numberValue, seconds > 0 else {
                reader.report("\(path).timeout must be a positive number of seconds")
                return nil
            }
            provider.timeoutSeconds = seconds
        }
        if let retries = entry["retries"] {
            guard let count = retries.integerValue, (0...10).contains(count) else {
                reader.report("\(path).retries must be a whole number from 0 to 10")
                return nil
            }
            provider.retries = count
        }
        return provider
    }
}

extension HostConfig {
    /// The `llm:` section, as loaded.
    public var llm: LLMSettings {
        get { self[section: LLMSettings.self] }
        set { self[section: LLMSettings.self] = newValue }
    }
}
