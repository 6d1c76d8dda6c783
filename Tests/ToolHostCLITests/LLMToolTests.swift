import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `type: llm` tools (issue 17) through the real binary: a real small model (Gemma 3 270M on
/// llama.cpp's OpenAI-compatible server) and, for Ollama's own API, scripts/ollama-standin.py,
/// which the official `ollama` Python client is shown to accept.
@Suite("LLM tools")
struct LLMToolTests {
    let folder = EmptyFolder()

    /// Writes `tools/<id>.yaml` as a `type: llm` tool with `llm` as its block (YAML flow mapping
    /// body) and `extra` top-level lines.
    private func tool(_ id: String, _ llm: String, extra: String = "") {
        folder.root.write("tools/\(id).yaml", "name: \(id)\ntype: llm\nllm: {\(llm)}\n\(extra)")
    }

    /// The config: the stand-in as the default provider `standin`, the real model as `llama`
    /// when given, short backoffs so retries do not slow the tests.
    private func configure(standin: ReadyServer? = nil, llama: ReadyServer? = nil, extra: String = "") {
        var providers = ""
        if let standin { providers += "    standin: {kind: ollama, base_url: \"\(standin.baseURL)\", retries: 2}\n" }
        if let llama { providers += "    llama: {kind: openai-compatible, base_url: \"\(llama.baseURL)/v1\"}\n" }
        folder.root.write("toolhost.yaml", """
            tools:
              paths: [tools]
            llm:
              default_provider: \(standin != nil ? "standin" : "llama")
              retry_backoff_seconds: 0.05
              providers:
            \(providers)\(extra)
            """)
    }

    private var config: [String] { ["--config", folder.root.url("toolhost.yaml")] }

    private func run(_ tool: String, _ input: String, environment: [String: String] = ["TOOLHOST_DATABASE_TYPE": "sqlite"],
                     arguments: [String] = []) throws -> ToolHostBinary.Result {
        try folder.run(["run", tool] + config + arguments, input: input, environment: environment)
    }

    // MARK: The real model

    @Test func theRealModelAnswersWithResponseModelUsageAndDuration() throws {
        let llama = try LocalModel.server()
        configure(llama: llama)
        tool("capital", #"provider: llama, model: gemma3-270m, temperature: 0, max_tokens: 12, system_prompt: "Answer in a few words.", prompt_template: "What is the capital of {country}?""#,
             extra: "input_schema:\n  country: {type: string, required: true}\n")
        let result = try run("capital", #"{"country": "France"}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let answer = result.json
        #expect(answer["success"] == true)
        let response = answer["response"]?.stringValue ?? ""
        #expect(!response.isEmpty, "\(result.stdoutText)")
        #expect(answer["model"] == "gemma3-270m")
        let promptTokens = answer["usage"]?["prompt_tokens"]?.integerValue ?? 0
        let completionTokens = answer["usage"]?["completion_tokens"]?.integerValue ?? 0
        #expect(promptTokens > 5, "\(result.stdoutText)")
        #expect((1...12).contains(completionTokens), "\(result.stdoutText)")
        #expect(answer["duration_ms"]?.numberValue != nil)
        #expect(answer.objectValue?.keys.sorted() == ["duration_ms", "model", "response", "success", "usage"])
    }

    /// With an output schema the server is asked for JSON of that shape (llama.cpp makes it a
    /// grammar), and the answer carries it parsed and validated as `data`.
    @Test func theRealModelAnswersJSONOfTheOutputSchema() throws {
        let llama = try LocalModel.server()
        configure(llama: llama)
        tool("classify", #"provider: llama, model: gemma3-270m, temperature: 0, max_tokens: 60, prompt_template: "Is this text positive or negative? {prompt}""#,
             extra: """
                output_schema:
                  type: object
                  properties:
                    sentiment: {type: string, enum: [positive, negative]}
                  required: [sentiment]
                """)
        let result = try run("classify", #"{"prompt": "I love this, it is wonderful."}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let sentiment = result.json["data"]?["sentiment"]?.stringValue
        #expect(sentiment == "positive" || sentiment == "negative", "\(result.stdoutText)")
    }

    // MARK: Prompts

    @Test func templateVariablesFillThePromptAndAMissingOneIsInvalidInput() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("translate", #"model: "gemma3:270m", system_prompt: "You translate.", prompt_template: "Translate {text} into {language} ({{literally}})""#)
        let result = try run("translate", #"{"text": "hello", "language": "French"}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json["response"] == "[You translate.] echo: Translate hello into French ({literally})")
        #expect(result.json["model"] == "gemma3:270m")
        #expect(result.json["usage"] == ["prompt_tokens": 7, "completion_tokens": 8])

        // Without an input_schema the template's fields are the tool's required input.
        let missing = try run("translate", #"{"text": "hello"}"#)
        #expect(missing.status == 2)
        let answer = missing.json
        #expect(answer["error_code"] == "invalid_input", "\(missing.stdoutText)")
        #expect(answer["violations"]?[0]?["path"] == "/language")
        let described = try folder.run(["describe", "translate", "--format", "json"] + config)
        let properties = described.json["input_schema"]?["properties"]?.objectValue?.keys.sorted()
        #expect(properties == ["language", "text"], "\(described.stdoutText)")
        // As str.format, a placeholder takes a number or a flag too (a flag as Python writes it).
        let scalars = try run("translate", #"{"text": 3, "language": true}"#)
        #expect(scalars.json["response"] == "[You translate.] echo: Translate 3 into True ({literally})", "\(scalars.stdoutText)")
        let list = try run("translate", #"{"text": [1], "language": "French"}"#)
        #expect(list.json["error_code"] == "invalid_input", "\(list.stdoutText)")
        // With a schema of its own that does not ask for a field, the template still needs it.
        tool("loose", #"model: "gemma3:270m", prompt_template: "Say {greeting}""#, extra: "input_schema:\n  other: {type: string}\n")
        let loose = try run("loose", #"{"other": "x"}"#)
        #expect(loose.status == 2)
        #expect(loose.json["error_code"] == "invalid_input", "\(loose.stdoutText)")
        #expect(loose.json["violations"]?[0]?["path"] == "/greeting")
        #expect(loose.json["error"]?.stringValue?.contains("prompt template ({greeting})") == true, "\(loose.stdoutText)")
        // Without a template the prompt is the input's `prompt`, which is then required.
        tool("plain", #"model: "gemma3:270m""#)
        let plain = try run("plain", #"{"prompt": "hi there"}"#)
        #expect(plain.json["response"] == "echo: hi there", "\(plain.stdoutText)")
        let none = try run("plain", "{}")
        #expect(none.json["error_code"] == "invalid_input")
        #expect(none.json["violations"]?[0]?["path"] == "/prompt")
    }

    @Test(arguments: [("{0}", "positional"), ("{name:>10}", "format spec"), ("{name!r}", "conversion"), ("{a.b}", "attribute"),
                      ("oops }", "lone '}'"), ("{open", "never closed")])
    func aTemplateToolHostCannotFillIsAnErrorOfTheDefinition(template: String, says: String) throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("bad", #"model: "gemma3:270m", prompt_template: "\#(template)""#)
        let result = try run("bad", #"{"prompt": "x"}"#)
        #expect(result.json["error_code"] == "invalid_tool_definition", "\(result.stdoutText)")
        #expect(result.json["error"]?.stringValue?.contains(says) == true, "\(result.stdoutText)")
        #expect(result.json["pointer"] == "/llm/prompt_template")
    }

    // MARK: JSON output

    @Test func jsonFormatParsesTheResponseAndSaysWhenItDoesNot() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("structured", #"model: "gemma3:270m", format: json"#)
        let parsed = try run("structured", #"{"prompt": "hi"}"#)
        #expect(parsed.json["data"] == ["echo": "hi"], "\(parsed.stdoutText)")

        tool("prose", #"model: notjson, format: json"#)
        let result = try run("prose", #"{"prompt": "hi"}"#)
        #expect(result.status == 1)
        #expect(result.json["error_code"] == "llm_invalid_json", "\(result.stdoutText)")
        #expect(result.json["response"] == "this is not JSON")
        #expect(result.json["error"]?.stringValue?.contains("does not parse as JSON") == true)

        tool("shaped", #"model: "gemma3:270m""#, extra: "output_schema:\n  type: object\n  required: [answer]\n")
        let invalid = try run("shaped", #"{"prompt": "hi"}"#)
        #expect(invalid.json["error_code"] == "llm_output_invalid", "\(invalid.stdoutText)")
        #expect(invalid.json["violations"]?[0]?["path"] == "/answer")
    }

    // MARK: Servers that fail

    @Test func aModelTheServerLacksIsModelNotFoundSayingHowToPullIt() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("reviewer", #"model: "qwen2.5:1.5b""#)
        let result = try run("reviewer", #"{"prompt": "x"}"#)
        #expect(result.status == 1)
        #expect(result.json["error_code"] == "model_not_found", "\(result.stdoutText)")
        #expect(result.json["error"]?.stringValue?.contains("ollama pull qwen2.5:1.5b") == true, "\(result.stdoutText)")
        #expect(result.json["error"]?.stringValue?.contains("llm.model_aliases") == true)
    }

    @Test func aFallbackModelAnswersWhenTheFirstIsMissing() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("fallback", #"model: "qwen2.5:1.5b", fallback_models: ["llama3:8b", "gemma3:270m"]"#)
        let result = try run("fallback", #"{"prompt": "x"}"#)
        #expect(result.status == 0, "\(result.stdoutText)")
        #expect(result.json["model"] == "gemma3:270m")
        #expect(result.json["response"] == "echo: x")
    }

    @Test func aModelAliasLetsACatalogueRunOnAnotherServer() throws {
        let standin = try startOllamaStandin(models: ["gemma3-270m"])
        defer { standin.stop() }
        configure(standin: standin, extra: "  model_aliases: {\"qwen2.5:1.5b\": gemma3-270m}\n")
        tool("reviewer", #"model: "qwen2.5:1.5b", prompt_template: "Review this: {prompt}""#)
        let result = try run("reviewer", #"{"prompt": "x = 1"}"#)
        #expect(result.status == 0, "\(result.stdoutText)")
        #expect(result.json["model"] == "gemma3-270m")
        #expect(result.json["response"] == "echo: Review this: x = 1")
    }

    @Test func nothingListeningIsLLMUnavailableAfterBoundedRetries() throws {
        let port = LoopbackPort.closed()
        folder.root.write("toolhost.yaml", """
            tools:
              paths: [tools]
            llm:
              retry_backoff_seconds: 0.05
              providers:
                ollama: {kind: ollama, base_url: "http://127.0.0.1:\(port)", retries: 3}
            """)
        tool("offline", #"provider: ollama, model: "gemma3:270m""#)
        let result = try run("offline", #"{"prompt": "x"}"#)
        #expect(result.status == 1)
        let answer = result.json
        #expect(answer["error_code"] == "llm_unavailable", "\(result.stdoutText)")
        #expect(answer["attempts"] == 4)
        #expect(answer["error"]?.stringValue?.contains("ollama serve") == true, "\(result.stdoutText)")
        #expect(answer["error"]?.stringValue?.contains("llm.providers.ollama.base_url") == true)
        // The tool's own retries win over the provider's.
        tool("offline_once", #"provider: ollama, model: "gemma3:270m", retries: 0"#)
        let once = try run("offline_once", #"{"prompt": "x"}"#)
        #expect(once.json["attempts"] == 1, "\(once.stdoutText)")
    }

    /// `toolhost validate` reads an `llm:` block as a call would, before any call.
    @Test func validateReportsAnLLMBlockThatCannotWork() throws {
        tool("typo", #"model: "gemma3:270m", temprature: 0.2, prompt_template: "Say {0}""#)
        tool("fine", #"model: "gemma3:270m", prompt_template: "Say {greeting}""#)
        let result = try folder.run(["validate", folder.root.url("tools/typo.yaml"), folder.root.url("tools/fine.yaml")])
        #expect(result.status == 1, "\(result.stdoutText)")
        #expect(result.stdoutText.contains("unknown llm key 'temprature'; did you mean 'temperature'?"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("llm.prompt_template"), "\(result.stdoutText)")
        #expect(!result.stdoutText.contains("fine.yaml"), "\(result.stdoutText)")
    }

    /// Served over HTTP, a model server that cannot be used is the upstream's failure (502),
    /// not ToolHost's (500); an answer is 200.
    @Test func servedOverHTTPAnUnusableModelServerIsBadGateway() async throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("chat", #"provider: standin, model: "gemma3:270m""#)
        tool("missing_model", #"provider: standin, model: "no-such-model""#)
        let server = try await HTTPServer.start(binary: folder.binary, in: folder.root.path, config,
                                                environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
        let answered = try await server.send("POST", "/api/tools/chat/invoke", #"{"prompt": "over http"}"#)
        #expect(answered.status == 200, "\(answered.json)")
        #expect(answered.json["response"] == "echo: over http")
        let missing = try await server.send("POST", "/api/tools/missing_model/invoke", #"{"prompt": "x"}"#)
        #expect(missing.status == 502, "\(missing.json)")
        #expect(missing.json["error_code"] == "model_not_found")
        let invalid = try await server.send("POST", "/api/tools/chat/invoke", #"{"nothing": 1}"#)
        #expect(invalid.status == 400, "\(invalid.json)")
        try await server.expectCleanExit()
    }

    @Test func aServerThatAnswers503IsRetriedThenGivenUpOnAndAFlakyOneIsRetriedToSuccess() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("busy", "model: overloaded")
        let busy = try run("busy", #"{"prompt": "x"}"#)
        #expect(busy.json["error_code"] == "llm_unavailable", "\(busy.stdoutText)")
        #expect(busy.json["error"]?.stringValue?.contains("503") == true)
        let counts = try requestCounts(standin)
        #expect(counts["by_model"]?["overloaded"] == 3, "\(counts)")

        tool("flaky", "model: flaky")
        let flaky = try run("flaky", #"{"prompt": "once more"}"#)
        #expect(flaky.status == 0, "\(flaky.stdoutText)")
        #expect(flaky.json["response"] == "echo: once more")
    }

    @Test func aServerThatNeverAnswersIsATimeoutAtTheToolsTimeout() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("stuck", "model: hang, timeout: 1")
        let started = Date()
        let result = try run("stuck", #"{"prompt": "x"}"#)
        #expect(result.status == 124, "\(result.stdoutText)")
        #expect(result.json["error_code"] == "timeout")
        #expect(result.json["error"]?.stringValue?.contains("timed out after 1 s") == true, "\(result.stdoutText)")
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func aSignalCancelsACallWaitingForTheModel() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("stuck", "model: hang, timeout: 600")
        let host = try folder.start(["run", "stuck"] + config, environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
        host.write(#"{"prompt": "x"}"#)
        host.closeInput()
        Thread.sleep(forTimeInterval: 1)
        host.signal(SIGINT)
        let ended = try host.waitForExit(within: 20)
        #expect(ended.status == 130, "\(host.stderr)")
        let answer = try? JSONParser.parse(ended.remaining.joined(separator: "\n"))
        #expect(answer?["error_code"] == "cancelled", "\(ended.remaining)")
    }

    @Test func aProviderTheConfigLacksIsInvalidConfigUnlessTheToolHasAnEndpoint() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("elsewhere", #"provider: anthropic, model: "gemma3:270m""#)
        let result = try run("elsewhere", #"{"prompt": "x"}"#)
        #expect(result.json["error_code"] == "invalid_config", "\(result.stdoutText)")
        #expect(result.json["error"]?.stringValue?.contains("llm.providers.anthropic") == true)
        // code-evolver's `provider: ollama` with its own endpoint (even the API's full path).
        tool("direct", #"provider: ollama, model: "gemma3:270m", endpoint: "\#(standin.baseURL)/api/chat""#)
        folder.root.write("toolhost.yaml", "tools:\n  paths: [tools]\n")
        let direct = try run("direct", #"{"prompt": "x"}"#)
        #expect(direct.json["response"] == "echo: x", "\(direct.stdoutText)")
    }

    // MARK: Recording and front ends

    /// Every call is a tool-execution row whose `metadata.llm` keeps what fine-tuning needs:
    /// the rendered prompt, the system prompt, the response, the model, tokens and latency.
    @Test(arguments: Engine.allCases)
    func callsAreRecordedAsTrainingDataOnEitherEngine(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("translate", #"model: "gemma3:270m", system_prompt: "You translate.", prompt_template: "Translate {text}""#)
        tool("reviewer", #"model: "qwen2.5:1.5b""#)
        let answered = try run("translate", #"{"text": "hello"}"#, environment: database.environment)
        #expect(answered.status == 0, "\(answered.stdoutText) \(answered.stderr)")
        _ = try run("reviewer", #"{"prompt": "x"}"#, environment: database.environment)

        let query = #"{"operation": "query", "data_type": "tool_executions", "filters": {"tool_name": "%@"}}"#
        let recorded = try folder.run(["run", "training_data_store"] + config, input: query.replacingOccurrences(of: "%@", with: "translate"),
                                      environment: database.environment)
        let row = recorded.json["data"]?[0]
        #expect(row?["success"] == true, "\(recorded.stdoutText)")
        let llm = row?["metadata"]?["llm"]
        #expect(llm?["prompt"] == "Translate hello", "\(recorded.stdoutText)")
        #expect(llm?["system_prompt"] == "You translate.")
        #expect(llm?["response"] == "[You translate.] echo: Translate hello")
        #expect(llm?["model"] == "gemma3:270m")
        #expect(llm?["usage"] == ["prompt_tokens": 4, "completion_tokens": 5])
        #expect(llm?["latency_ms"]?.numberValue != nil)
        #expect(row?["output_result"]?["response"] == "[You translate.] echo: Translate hello")

        let failed = try folder.run(["run", "training_data_store"] + config, input: query.replacingOccurrences(of: "%@", with: "reviewer"),
                                    environment: database.environment)
        let failure = failed.json["data"]?[0]
        #expect(failure?["error_code"] == "model_not_found", "\(failed.stdoutText)")
        #expect(failure?["metadata"]?["llm"]?["prompt"] == "x")
        #expect(failure?["metadata"]?["llm"]?["error_code"] == "model_not_found")
    }

    @Test func serveJSONLinesAnswersAnLLMToolAsRunDoes() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("plain", #"model: "gemma3:270m""#)
        tool("stuck", "model: hang, timeout: 1")
        let lines = [#"{"id": 1, "tool": "plain", "input": {"prompt": "one"}}"#, #"{"id": 2, "tool": "plain", "input": {}}"#,
                     #"{"id": 3, "tool": "stuck", "input": {"prompt": "x"}}"#]
        let result = try folder.run(["serve", "--jsonl"] + config, input: lines.map { $0 + "\n" }.joined(),
                                    environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"])
        let answers = result.stdoutText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        let byID = Dictionary(answers.compactMap { answer in answer["id"]?.integerValue.map { ($0, answer) } }) { first, _ in first }
        #expect(byID[1]?["result"]?["response"] == "echo: one", "\(result.stdoutText) \(result.stderr)")
        #expect(byID[1]?["exit_code"] == 0)
        #expect(byID[2]?["result"]?["error_code"] == "invalid_input", "\(result.stdoutText)")
        #expect(byID[3]?["result"]?["error_code"] == "timeout", "\(result.stdoutText)")
        #expect(byID[3]?["exit_code"] == 124)
    }

    /// An MCP client (the official Python SDK) sees what the prompt needs and gets the answer.
    @Test func anMCPClientSeesTheTemplatesFieldsAndCallsTheTool() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        configure(standin: standin)
        tool("translate", #"model: "gemma3:270m", prompt_template: "Translate {text} into {language}""#)
        let server = [folder.binary.path, "serve", "--mcp"] + config
        let environment = folder.environment(["TOOLHOST_DATABASE_TYPE": "sqlite"])
        let listed = try MCPClient.run(["list"], server: server, environment: environment, directory: folder.work)
        let schema = listed.json["tools"]?.arrayValue?.first { $0["name"] == "translate" }?["inputSchema"]
        #expect(schema?["required"] == ["text", "language"], "\(listed.json)")
        let called = try MCPClient.run(["call", "translate", #"{"text": "hello", "language": "French"}"#], server: server,
                                       environment: environment, directory: folder.work)
        #expect(called.json["isError"] == false, "\(called.json)")
        #expect(called.json["text"]?.stringValue?.contains("echo: Translate hello into French") == true, "\(called.json)")
    }

    // MARK: Ollama's API, for real

    /// The stand-in is only worth testing against if Ollama's own client accepts it: the
    /// official `ollama` Python package's chat() and generate() get back what was sent.
    @Test func theOfficialOllamaClientAcceptsTheStandin() throws {
        let standin = try startOllamaStandin()
        defer { standin.stop() }
        let script = """
            import json, sys, ollama
            client = ollama.Client(host=sys.argv[1])
            chat = client.chat(model="gemma3:270m", messages=[{"role": "user", "content": "ping 42"}], options={"temperature": 0})
            generated = client.generate(model="gemma3:270m", prompt="pong 7")
            try:
                client.chat(model="absent", messages=[{"role": "user", "content": "x"}])
                missing = None
            except ollama.ResponseError as error:
                missing = error.status_code
            print(json.dumps({"chat": chat.message.content, "role": chat.message.role, "done": chat.done, "model": chat.model,
                              "generate": generated.response, "missing": missing,
                              "models": [m.model for m in client.list().models]}))
            """
        let output = try python(["-c", script, standin.baseURL])
        let answer = try JSONParser.parse(output)
        #expect(answer == ["chat": "echo: ping 42", "role": "assistant", "done": true, "model": "gemma3:270m", "generate": "echo: pong 7",
                           "missing": 404, "models": ["gemma3:270m"]], "\(output)")
    }

    /// `kind: ollama` against Ollama's API in front of the real model.
    @Test func theOllamaProviderReachesTheRealModelThroughOllamasAPI() throws {
        let llama = try LocalModel.server()
        let standin = try startOllamaStandin(upstream: llama.baseURL + "/v1", models: ["gemma3-270m"])
        defer { standin.stop() }
        configure(standin: standin)
        tool("capital", #"model: gemma3-270m, temperature: 0, max_tokens: 10, prompt_template: "The capital of {country} is""#)
        let result = try run("capital", #"{"country": "Italy"}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json["response"]?.stringValue?.isEmpty == false)
        let completionTokens = result.json["usage"]?["completion_tokens"]?.integerValue ?? 0
        #expect((1...10).contains(completionTokens), "\(result.stdoutText)")
    }

    // MARK: Helpers

    private func requestCounts(_ server: ReadyServer) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(string: server.baseURL + "/test/requests")!)))
    }

    private func python(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["TOOLHOST_TEST_PYTHON"] ?? "/usr/bin/python3")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
