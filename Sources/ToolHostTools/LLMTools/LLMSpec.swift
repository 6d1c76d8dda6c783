import ToolHostCore
import ToolHostNetwork

/// The `llm:` block of a `type: llm` tool, as code-evolver's catalogues write it:
///
/// ```yaml
/// type: llm
/// llm: {provider: ollama, model: "qwen2.5:1.5b", temperature: 0.1, max_tokens: 500,
///       system_prompt: "You review code.", prompt_template: "Review this: {prompt}",
///       endpoint: "http://127.0.0.1:11434", format: json, fallback_models: ["gemma3:270m"],
///       retries: 2, timeout: 120}
/// ```
/// Only `model` is needed (or `llm.default_model` in the config). Read when the tool is called;
/// a block that cannot be used is `invalid_tool_definition` naming the key.
public struct LLMSpec: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable {
        case text, json
    }

    /// A name of `llm.providers` in the config; nil: `llm.default_provider`.
    public var provider: String?
    public var model: String
    public var temperature: Double?
    public var maxTokens: Int?
    public var systemPrompt: String?
    /// nil: the prompt is the input's `prompt` as given.
    public var template: PromptTemplate?
    /// A base URL that replaces the provider's (`http://127.0.0.1:11434`, `http://host:8080/v1`).
    public var endpoint: String?
    public var format: Format
    /// Tried in order when the model is missing or its server keeps failing.
    public var fallbackModels: [String]
    /// Retries per model on 429, 5xx or a refused connection; nil: the provider's.
    public var retries: Int?

    static let keys = ["provider", "model", "temperature", "max_tokens", "system_prompt", "prompt_template", "endpoint", "format",
                       "fallback_models", "retries", "timeout", "timeout_ms"]

    /// The spec of `tool`; `defaultModel` stands in for a missing `model`.
    public init(tool: ToolDefinition, defaultModel: String?) throws(ToolHostError) {
        func invalid(_ key: String, _ problem: String) -> ToolHostError {
            ToolHostError(.invalidToolDefinition, "Tool '\(tool.id)': llm.\(key) \(problem).",
                          details: ["file": .string(tool.file), "pointer": .string("/llm/\(key)")])
        }
        let block: JSONObject
        switch tool.document["llm"] {
        case .object(let object)?: block = object
        case nil, .null?: block = [:]
        case let other?:
            throw ToolHostError(.invalidToolDefinition, "Tool '\(tool.id)': 'llm' must be a mapping with at least a 'model', not \(other.typeName).",
                                details: ["file": .string(tool.file), "pointer": "/llm"])
        }
        func text(_ key: String) throws(ToolHostError) -> String? {
            switch block[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value.isEmpty ? nil : value
            case let other?: throw invalid(key, "must be text, not \(other.typeName)")
            }
        }
        provider = try text("provider")
        guard let model = try text("model") ?? defaultModel else {
            throw ToolHostError(.invalidToolDefinition,
                                "Tool '\(tool.id)' names no model: give llm.model in its YAML (or llm.default_model in the config).",
                                details: ["file": .string(tool.file), "pointer": "/llm/model"])
        }
        self.model = model
        switch block["temperature"] {
        case nil, .null?: temperature = nil
        case let value?:
            guard let number = value.numberValue, number >= 0, number.isFinite else { throw invalid("temperature", "must be a number of 0 or more") }
            temperature = number
        }
        switch block["max_tokens"] {
        case nil, .null?: maxTokens = nil
        case let value?:
            guard let number = value.integerValue, number > 0 else { throw invalid("max_tokens", "must be a whole number above 0") }
            maxTokens = number
        }
        systemPrompt = try text("system_prompt")
        if let source = try text("prompt_template") {
            do {
                template = try PromptTemplate.parse(source)
            } catch {
                throw invalid("prompt_template", error.reason)
            }
        } else {
            template = nil
        }
        endpoint = try text("endpoint")
        if let endpoint, HTTPURL(endpoint) == nil {
            throw invalid("endpoint", "must be an http:// or https:// URL such as http://127.0.0.1:11434")
        }
        switch try text("format")?.lowercased() {
        case nil, "text": format = tool.outputSchema == nil ? .text : .json
        case "json": format = .json
        case let other?: throw invalid("format", "must be text or json, not \(String(other.prefix(40)))")
        }
        switch block["fallback_models"] {
        case nil, .null?: fallbackModels = []
        case .string(let one)?: fallbackModels = [one]
        case .array(let models)? where models.allSatisfy({ $0.stringValue?.isEmpty == false }):
            fallbackModels = models.compactMap(\.stringValue)
        case _?: throw invalid("fallback_models", "must be a list of model names")
        }
        switch block["retries"] {
        case nil, .null?: retries = nil
        case let value?:
            guard let number = value.integerValue, (0...10).contains(number) else { throw invalid("retries", "must be a whole number from 0 to 10") }
            retries = number
        }
    }

    /// The models to try, in order: the tool's, then its fallbacks (each once).
    public var models: [String] {
        var seen: [String] = []
        for model in [model] + fallbackModels where !seen.contains(model) { seen.append(model) }
        return seen
    }
}
