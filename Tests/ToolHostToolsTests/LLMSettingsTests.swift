import Testing
import ToolHostTestSupport
import ToolHostCore
@testable import ToolHostTools

/// The `llm:` config section and the prompt templates of llm tools, read without a server.
@Suite("LLM settings and prompt templates")
struct LLMSettingsTests {
    private func load(_ yaml: String, environment: [String: String] = [:]) throws -> HostConfig {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", yaml)
        return try ConfigLoader.load(environment: environment, currentDirectory: directory.path, sections: HostSections.all)
    }

    @Test func withoutASectionOllamaOnTheLocalPortIsTheOneProvider() throws {
        let config = try load("tools:\n  paths: [tools]\n")
        let settings = config.llm
        #expect(settings.defaultProvider == "ollama")
        #expect(settings.providers["ollama"] == LLMSettings.Provider(kind: .ollama, baseURL: "http://127.0.0.1:11434"))
    }

    @Test func providersAliasesAndTheAPIKeyComeFromTheFileAndTheEnvironment() throws {
        let config = try load("""
            llm:
              default_provider: local
              providers:
                local: {kind: openai-compatible, base_url: "http://127.0.0.1:8080/v1", api_key_env: LOCAL_KEY, timeout: 30, retries: 4}
              model_aliases: {"qwen2.5:1.5b": gemma3-270m}
            """, environment: ["LOCAL_KEY": "sk-test"])
        let settings = config.llm
        let local = try #require(settings.providers["local"])
        #expect(local.kind == .openAICompatible)
        #expect(local.apiKey == "sk-test")
        #expect(local.timeoutSeconds == 30)
        #expect(local.retries == 4)
        #expect(settings.resolvedModel("qwen2.5:1.5b") == "gemma3-270m")
        #expect(settings.resolvedModel("other") == "other")
        #expect(config.warnings.isEmpty)
    }

    @Test func aProviderThatCannotBeUsedIsAConfigErrorNamingItsKey() throws {
        let error = try #require(throws: ToolHostError.self) {
            try load("llm:\n  providers:\n    bad: {kind: anthropic, base_url: \"http://x\"}\n")
        }
        #expect(error.message.contains("llm.providers.bad.kind must be ollama or openai-compatible"), "\(error.message)")
        let missing = try #require(throws: ToolHostError.self) {
            try load("llm:\n  default_provider: nowhere\n")
        }
        #expect(missing.message.contains("llm.default_provider 'nowhere'"), "\(missing.message)")
    }

    @Test func theRepositorysConfigDocumentsTheSection() throws {
        let repository = FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath)))
        let config = try ConfigLoader.load(explicitPath: FilePath.join(repository, "config.yaml"), environment: [:], currentDirectory: repository,
                                           sections: HostSections.all)
        #expect(config.llm.providers["ollama"]?.retries == 2)
        #expect(config.warnings.isEmpty)
    }

    @Test func aTemplateFillsNamedFieldsAndKeepsDoubledBraces() throws {
        let template = try PromptTemplate.parse("Review {prompt} as {{json}} for {who}, {prompt}")
        #expect(template.fieldNames == ["prompt", "who"])
        let text = try template.render(["prompt": "x", "who": .int(3)])
        #expect(text == "Review x as {json} for 3, x")
        let flag = try template.render(["prompt": .bool(false), "who": .double(2.5)])
        #expect(flag == "Review False as {json} for 2.5, False")
        let missing = try #require(throws: PromptTemplate.Missing.self) { try template.render(["prompt": "x", "who": .null]) }
        #expect(missing.names == ["who"])
    }

    @Test(arguments: ["{}", "{0}", "{a:>3}", "{a!r}", "{a.b}", "{a[0]}", "a } b", "{a", "{1a}"])
    func whatStrFormatAllowsBeyondNamesIsRefused(text: String) {
        #expect(throws: PromptTemplate.Malformed.self) { try PromptTemplate.parse(text) }
    }
}
