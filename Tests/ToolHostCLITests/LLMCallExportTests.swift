import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `toolhost export llm_calls` through the real binary on both engines: recorded model calls
/// (a `type: llm` tool answered by scripts/ollama-standin.py) and the tool calls they caused,
/// linked by trace and agent as `LLMCallExamples` documents, as tool-calling examples.
@Suite("Tool-calling examples from recorded model calls")
struct LLMCallExportTests {
    let folder = EmptyFolder()
    static let traceA = "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-00f067aa0ba902b7-01"
    static let traceB = "00-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-00f067aa0ba902b7-01"

    private func setUp(_ standin: ReadyServer) {
        folder.root.write("toolhost.yaml", """
            tools:
              paths: [tools]
            llm:
              default_provider: standin
              providers:
                standin: {kind: ollama, base_url: "\(standin.baseURL)"}
            """)
        folder.root.write("tools/planner.yaml", """
            name: planner
            type: llm
            llm: {model: "gemma3:270m", system_prompt: "You plan tool calls.", prompt_template: "Plan: {task}"}
            input_schema:
              task: {type: string, required: true}
            """)
        folder.root.write("tools/echo.yaml", """
            name: echo
            type: executable
            description: Prints its input back
            executable: {command: cat}
            input_schema:
              message: {type: string, required: true}
            """)
    }

    private func run(_ arguments: [String], _ input: String? = nil, database: TestDatabase, _ extra: [String: String] = [:]) throws -> ToolHostBinary.Result {
        try folder.run(arguments + ["--config", folder.root.url("toolhost.yaml")], input: input,
                       environment: database.environment.merging(extra) { $1 })
    }

    private func call(_ tool: String, _ input: String, database: TestDatabase, agent: String? = nil, trace: String? = nil) throws {
        var environment: [String: String] = [:]
        if let agent { environment["TOOLHOST_AGENT_ID"] = agent }
        if let trace { environment["TRACEPARENT"] = trace }
        _ = try run(["run", tool], input, database: database, environment)
    }

    @Test(arguments: Engine.allCases)
    func aModelCallAndTheCallsItCausedAreOneExample(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let standin = try startOllamaStandin()
        setUp(standin)
        try call("planner", #"{"task": "store a log"}"#, database: database, agent: "a1")
        try call("bulk_data_store", #"{"operation": "store_log", "tool_id": "planner", "log_level": "INFO", "message": "planned"}"#, database: database, agent: "a1")
        try call("bulk_data_store", #"{"operation": "store_log"}"#, database: database, agent: "a1")  // refused: left out
        try call("echo", #"{"message": "no model asked for me"}"#, database: database, agent: "a2")  // unlinked
        try call("planner", #"{"task": "say hello"}"#, database: database, agent: "a3", trace: Self.traceA)
        try call("echo", #"{"message": "hello"}"#, database: database, agent: "a3", trace: Self.traceA)
        try call("echo", #"{"message": "another trace"}"#, database: database, agent: "a3", trace: Self.traceB)  // never across traces
        try call("echo", #"{"message": "by trace"}"#, database: database, trace: Self.traceA)  // the trace links it, agent or not
        try call("planner", #"{"task": "nothing to do"}"#, database: database, agent: "a1")  // closes a1's first

        let exported = try run(["export", "llm_calls", "--out", "calls.jsonl", "--system-prompt", "Be exact.", "--system-prompt-mode", "merge"],
                               database: database)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("exported 3 examples of 3 model calls (openai-chat) to calls.jsonl"), "\(exported.stderr)")
        #expect(exported.stderr.contains("2 with tool calls, 3 calls linked, 1 failed left out, 2 not caused by a model call"), "\(exported.stderr)")
        #expect(exported.stderr.contains("check: ok, 0 warnings"), "\(exported.stderr)")
        let examples = try (folder.root.read("work/calls.jsonl") ?? "").split(separator: "\n").map { try JSONParser.parse(String($0)) }
        func example(_ prompt: String) -> JSONValue? { examples.first { $0["messages"]?[1]?["content"]?.stringValue == prompt } }

        let stored = try #require(example("Plan: store a log"), "\(examples)")
        #expect(stored["messages"]?[0] == ["role": "system", "content": "Be exact.\n\nYou plan tool calls."])
        let answer = stored["messages"]?[2]
        #expect(answer?["role"] == "assistant" && answer?["content"] == "[You plan tool calls.] echo: Plan: store a log", "\(String(describing: answer))")
        let calls = answer?["tool_calls"]?.arrayValue ?? []
        #expect(calls.count == 1 && calls.first?["function"]?["name"] == "bulk_data_store")
        let arguments = try JSONParser.parse(calls.first?["function"]?["arguments"]?.stringValue ?? "")
        #expect(arguments["operation"] == "store_log" && arguments["message"] == "planned", "\(arguments)")
        #expect(stored["tools"]?[0]?["function"]?["parameters"]?["properties"]?["operation"] != nil)

        let traced = try #require(example("Plan: say hello"))
        let tracedCalls = traced["messages"]?[2]?["tool_calls"]?.arrayValue ?? []
        let messages = tracedCalls.compactMap { try? JSONParser.parse($0["function"]?["arguments"]?.stringValue ?? "")["message"]?.stringValue }
        #expect(messages == ["hello", "by trace"], "\(tracedCalls)")
        #expect(traced["tools"]?[0]?["function"]?["name"] == "echo")

        let alone = try #require(example("Plan: nothing to do"))
        #expect(alone["messages"]?[2]?["tool_calls"] == nil && alone["tools"] == nil)

        // The store's operation does the same, for agents and MCP clients.
        let tool = try run(["run", "training_data_store"], #"{"operation": "export_llm_calls", "output_path": "tool.jsonl", "split": 0.5}"#, database: database)
        let answer2 = tool.json
        #expect(answer2["count"] == 3 && answer2["model_calls"] == 3 && answer2["calls_linked"] == 3 && answer2["with_tool_calls"] == 2, "\(tool.stdoutText)")
        #expect(answer2["calls_left_out"] == ["failed": 1, "input_cut": 0] && answer2["calls_unlinked"] == 2 && answer2["scrubbed"] == [:])
        let sides = ["train", "validation"].compactMap { answer2["split"]?[$0]?["count"]?.integerValue }
        #expect(sides.count == 2 && sides.reduce(0, +) == 3 && answer2["split"]?["train"]?["check"]?["error_count"] == 0, "\(tool.stdoutText)")

        // A window shorter than the time between the calls links nothing.
        let narrow = try run(["export", "llm_calls", "--out", "narrow.jsonl", "--link-window", "0.000001"], database: database)
        #expect(narrow.stderr.contains("0 with tool calls, 0 calls linked"), "\(narrow.stderr)")
        let refused = try run(["export", "llm_calls", "--out", "x.jsonl", "--format", "jsonl"], database: database)
        #expect(refused.status != 0 && refused.stderr.contains("llm_calls are exported as openai-chat examples, not as jsonl."), "\(refused.stderr)")
    }
}
