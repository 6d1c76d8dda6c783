import Testing
import ToolHostCore
import ToolHostStorage
@testable import ToolHostTools

/// The rules that make examples a fine-tuning job takes, on their own: tool calls paired with
/// the answers right after them, model calls linked to the calls they caused, near duplicates.
@Suite("Fine-tuning example rules")
struct FineTuningRulesTests {
    private static func call(_ id: String, _ name: String = "f") -> JSONValue {
        ["id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": "{}"]]
    }

    private static func example(_ messages: [JSONObject]) -> JSONObject? {
        let document: JSONObject = ["messages": .array(messages.map { .object($0) })]
        guard case .example(let example, _) = ChatExampleRules().example(of: document) else { return nil }
        return example
    }

    private static func check(_ example: JSONObject) -> FineTuningExample {
        FineTuningExample(.object(example))
    }

    @Test func callsKeepOnlyTheAnswersRightAfterThemAndReusedIDsBecomeUnique() throws {
        let example = try #require(Self.example([
            ["role": "user", "content": "go"],
            ["role": "assistant", "tool_calls": [Self.call("call_0", "get.weather"), Self.call("late")]],
            ["role": "tool", "tool_call_id": "call_0", "content": "sunny"],
            ["role": "user", "content": "and now?"],
            ["role": "tool", "tool_call_id": "late", "content": "too late: a user spoke first"],
            ["role": "assistant", "tool_calls": [Self.call("call_0")]],  // an SDK that numbers calls per turn
            ["role": "tool", "tool_call_id": "call_0", "content": "done"],
            ["role": "assistant", "content": "All done."],
        ]))
        let messages = example["messages"]?.arrayValue ?? []
        #expect(messages.compactMap { $0["role"]?.stringValue } == ["user", "assistant", "tool", "user", "assistant", "tool", "assistant"])
        #expect(messages[1]["tool_calls"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["call_0"])
        #expect(messages[1]["tool_calls"]?[0]?["function"]?["name"] == "get_weather", "names a job takes")
        #expect(messages[4]["tool_calls"]?[0]?["id"] == "call_0~2" && messages[5]["tool_call_id"] == "call_0~2")
        let checked = Self.check(example)
        #expect(checked.errors.isEmpty, "\(checked.errors)")
    }

    @Test func theCheckWantsAnswersRightAfterTheirCallsAndFunctionNamesAJobTakes() {
        let late: JSONObject = ["messages": [["role": "user", "content": "go"], ["role": "assistant", "tool_calls": [Self.call("a")]],
                                             ["role": "user", "content": "hm"], ["role": "tool", "tool_call_id": "a", "content": "x"],
                                             ["role": "assistant", "content": "ok"]]]
        let codes = Self.check(late).errors.map(\.code)
        #expect(codes == ["tool_call_unanswered", "tool_message_unmatched"], "\(codes)")
        let badName: JSONObject = ["messages": [["role": "user", "content": "go"], ["role": "assistant", "tool_calls": [Self.call("a", "a.b")]]]]
        #expect(Self.check(badName).errors.map(\.code) == ["invalid_function_name"])
    }

    @Test func nearDuplicatesIgnoreCaseSpacingPunctuationAndCallIDs() {
        var deduplicator = ExampleDeduplicator()
        func verdict(_ text: String, id: String) -> ExampleDeduplicator.Verdict {
            let example: JSONObject = ["messages": [["role": "user", "content": .string(text)],
                                                    ["role": "assistant", "tool_calls": [Self.call(id)]]]]
            return deduplicator.verdict(on: example, bytes: Array(JSONWriter.string(.object(example)).utf8))
        }
        #expect(verdict("Reset my password, please.", id: "c1") == .new)
        #expect(verdict("Reset my password, please.", id: "c1") == .exact)
        #expect(verdict("reset   my PASSWORD please", id: "c2") == .near)
        #expect(verdict("Reset my passwords, please.", id: "c3") == .new)
    }

    // MARK: Linking recorded model calls

    /// A tool execution `seconds` into the test's time, its row id from that time.
    private static func execution(_ tool: String, trace: String? = nil, agent: String? = nil, seconds: Int64, success: Bool = true,
                                  llm: JSONObject? = nil) -> JSONObject {
        let row = Int(seconds) + 1
        var metadata: JSONObject = [:]
        if let trace { metadata["trace_id"] = .string(trace) }
        if let llm { metadata["llm"] = .object(llm) }
        return ["id": .int(row), "execution_id": .string("e\(row)"), "tool_name": .string(tool), "agent_id": agent.map { .string($0) } ?? .null,
                "input_params": ["n": .int(row)], "success": .bool(success), "metadata": .object(metadata),
                "created_at": .string(Timestamp(seconds: 1_800_000_000 + seconds).iso8601)]
    }

    private static func model(_ prompt: String, trace: String? = nil, agent: String? = nil, seconds: Int64, success: Bool = true) -> JSONObject {
        execution("planner", trace: trace, agent: agent, seconds: seconds, success: success,
                  llm: success ? ["prompt": .string(prompt), "response": "ok"] : ["prompt": .string(prompt), "error_code": "llm_unavailable"])
    }

    /// The examples' prompts with the calls' tools, as linked.
    private static func link(_ rows: [JSONObject], window: Double = 600) throws -> (examples: [String: [String]], counts: LLMCallExamples.Counts) {
        var linker = LLMCallExamples(rules: ChatExampleRules(), linkWindowSeconds: window)
        var examples: [String: [String]] = [:]
        func emit(_ example: JSONObject, _ id: Int64) {
            let messages = example["messages"]?.arrayValue ?? []
            let prompt = messages.first { $0["role"] == "user" }?["content"]?.stringValue ?? "?"
            examples[prompt] = (messages.last?["tool_calls"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue }
        }
        for row in rows { try linker.add(row, emit: emit) }
        try linker.finish(emit: emit)
        return (examples, linker.counts)
    }

    @Test func aFailedModelCallClaimsItsCallsAndGivesNoExample() throws {
        let linked = try Self.link([
            Self.model("first", agent: "a", seconds: 0),
            Self.execution("search", agent: "a", seconds: 1),
            Self.model("failed", agent: "a", seconds: 2, success: false),
            Self.execution("store", agent: "a", seconds: 3),  // the failed call's: nobody's example
        ])
        #expect(linked.examples == ["first": ["search"]])
        #expect(linked.counts.modelCallsLeftOut == 1 && linked.counts.linkedCalls == 1)
    }

    @Test func anAgentsTracesKeepTheirOwnModelCalls() throws {
        let linked = try Self.link([
            Self.model("in t1", trace: "t1", agent: "a", seconds: 0),
            Self.model("in t2", trace: "t2", agent: "a", seconds: 1),
            Self.execution("one", trace: "t1", agent: "a", seconds: 2),  // t1's model call is still open
            Self.execution("two", trace: "t2", agent: "a", seconds: 3),
            Self.execution("untraced", agent: "a", seconds: 4),  // the agent's latest, when the call has no trace
            Self.execution("other trace", trace: "t3", agent: "a", seconds: 5),  // never across traces
        ])
        #expect(linked.examples == ["in t1": ["one"], "in t2": ["two", "untraced"]])
        #expect(linked.counts.unlinked == 1)
    }

    @Test func theWindowCountsFromTheModelCall() throws {
        let linked = try Self.link([
            Self.model("plan", agent: "a", seconds: 0),
            Self.execution("soon", agent: "a", seconds: 50),
            Self.execution("still", agent: "a", seconds: 90),
            Self.execution("too late", agent: "a", seconds: 120),
        ], window: 100)
        #expect(linked.examples == ["plan": ["soon", "still"]])
        #expect(linked.counts.unlinked == 1)
    }
}
