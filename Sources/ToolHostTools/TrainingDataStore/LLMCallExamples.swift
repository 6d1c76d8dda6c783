import ToolHostCore
import ToolHostStorage

/// Tool-calling examples from the host's own records: a recorded model call (a `type: llm`
/// tool's execution, whose `metadata.llm` keeps its prompt and response) and the tool calls it
/// caused become one openai-chat example — the model's system prompt and prompt, then its
/// answer with those calls as `tool_calls`.
///
/// How calls are linked, reading tool executions in the order they were recorded:
/// - a call **caused** by a model call is a later successful execution of a non-llm tool in the
///   same trace (the `trace_id` recorded with every call made in one: the caller's
///   `TRACEPARENT` / `traceparent` / MCP `_meta`); a call without a trace, or whose trace has
///   no model call, is linked by its agent (`agent_id`, from `TOOLHOST_AGENT_ID`) to that
///   agent's latest model call — when that one has no trace or the call none: never across
///   two traces;
/// - it belongs to the **latest** model call of its trace (or agent): a new model call there
///   closes the previous one's example (a traced model call leaves its agent's model call of
///   another trace open for that trace's calls);
/// - at most `linkWindowSeconds` after the model call: later, it is no longer its consequence.
///   This bounds memory too: only model calls of the last window are kept, with their calls.
///
/// A model call that failed, or whose record was cut (`training.max_recorded_bytes`), still
/// closes and claims as any other (its calls are not someone else's) but gives no example:
/// counted as left out. A failed call is left out (it would teach a wrong call), and so is one
/// whose recorded input was cut: its arguments are not what was called. A model call that
/// caused no calls is an example of its prompt and answer alone. Each example's id for the
/// split is the model call's row id. Rows are read in the order they were recorded, which is
/// when each call ended: a slow call that ends after the next model call is linked to that one.
public struct LLMCallExamples {
    public struct Counts: Sendable {
        /// Recorded model calls that answered (each an example, unless a duplicate).
        public internal(set) var modelCalls = 0
        public internal(set) var withToolCalls = 0
        public internal(set) var linkedCalls = 0
        /// Model calls that failed or whose record was cut: no example.
        public internal(set) var modelCallsLeftOut = 0
        /// Calls that were linked but failed, or whose recorded input was cut.
        public internal(set) var failedLeftOut = 0
        public internal(set) var truncatedLeftOut = 0
        /// Tool executions no open model call claimed.
        public internal(set) var unlinked = 0
    }

    /// A model call whose example is still open.
    private struct Open {
        let row: Int64
        let trace: String?
        let agent: String?
        /// nil: a model call that gives no example (failed, or its record cut).
        let text: (system: String?, prompt: String, response: String)?
        var calls: [JSONValue] = []
        let started: Timestamp
    }

    let rules: ChatExampleRules
    let linkWindowSeconds: Double
    private(set) var counts = Counts()
    private var open: [Int64: Open] = [:]
    private var byTrace: [String: Int64] = [:]
    private var byAgent: [String: Int64] = [:]
    private var rowsSinceSweep = 0

    init(rules: ChatExampleRules, linkWindowSeconds: Double) {
        self.rules = rules
        self.linkWindowSeconds = linkWindowSeconds
    }

    /// Takes the next tool execution (oldest first); `emit` gets each example that is complete.
    mutating func add(_ row: JSONObject, emit: (JSONObject, Int64) throws(ToolHostError) -> Void) throws(ToolHostError) {
        guard let id = row["id"]?.integerValue.map(Int64.init) else { return }
        let metadata = row["metadata"]?.objectValue ?? [:]
        let trace = metadata["trace_id"]?.stringValue
        let agent = row["agent_id"]?.stringValue
        let time = row["created_at"]?.stringValue.flatMap(Timestamp.init(parsing:)) ?? Timestamp.now()
        rowsSinceSweep += 1
        if rowsSinceSweep >= 256 {
            rowsSinceSweep = 0
            try closeIdle(before: time, emit: emit)
        }
        if let llm = metadata["llm"]?.objectValue {
            var text: (String?, String, String)?
            if row["success"] != false, let prompt = llm["prompt"]?.stringValue, let response = llm["response"]?.stringValue {
                text = (llm["system_prompt"]?.stringValue, prompt, response)
                counts.modelCalls += 1
            } else {
                counts.modelCallsLeftOut += 1
            }
            // The trace's previous model call is done; so is the agent's, unless it belongs to
            // another trace (whose calls may still come).
            var done: [Int64] = []
            if let trace, let previous = byTrace[trace] { done.append(previous) }
            if let agent, let previous = byAgent[agent], open[previous]?.trace == nil || open[previous]?.trace == trace { done.append(previous) }
            for previous in Set(done).sorted() { try close(previous, emit: emit) }
            open[id] = Open(row: id, trace: trace, agent: agent, text: text, started: time)
            if let trace { byTrace[trace] = id }
            if let agent { byAgent[agent] = id }
            return
        }
        guard let caller = caller(trace: trace, agent: agent), var example = open[caller],
              Self.seconds(from: example.started, to: time) <= linkWindowSeconds else {
            counts.unlinked += 1
            return
        }
        // A left-out model call's calls are nobody's example.
        guard example.text != nil else { return }
        guard row["success"] == true else {
            counts.failedLeftOut += 1
            return
        }
        guard let input = row["input_params"]?.objectValue, input["truncated"] != true, let name = row["tool_name"]?.stringValue else {
            counts.truncatedLeftOut += 1
            return
        }
        let callID = "call_" + (row["execution_id"]?.stringValue ?? String(id))
        example.calls.append(["id": .string(callID), "type": "function",
                              "function": ["name": .string(ToolDescription.openAIFunctionName(name)), "arguments": .string(JSONWriter.string(.object(input)))]])
        open[caller] = example
        counts.linkedCalls += 1
    }

    /// Emits every example still open.
    mutating func finish(emit: (JSONObject, Int64) throws(ToolHostError) -> Void) throws(ToolHostError) {
        for id in open.keys.sorted() { try close(id, emit: emit) }
    }

    /// The open model call a call with this trace and agent belongs to.
    private func caller(trace: String?, agent: String?) -> Int64? {
        if let trace, let id = byTrace[trace] { return id }
        guard let agent, let id = byAgent[agent], let candidate = open[id] else { return nil }
        // Never across two traces.
        if trace != nil, candidate.trace != nil { return nil }
        return id
    }

    private mutating func closeIdle(before now: Timestamp, emit: (JSONObject, Int64) throws(ToolHostError) -> Void) throws(ToolHostError) {
        let idle = open.values.filter { Self.seconds(from: $0.started, to: now) > linkWindowSeconds }.map(\.row).sorted()
        for id in idle { try close(id, emit: emit) }
    }

    private static func seconds(from start: Timestamp, to end: Timestamp) -> Double {
        Double(end.seconds - start.seconds) + Double(end.microseconds - start.microseconds) / 1_000_000
    }

    private mutating func close(_ id: Int64, emit: (JSONObject, Int64) throws(ToolHostError) -> Void) throws(ToolHostError) {
        guard let example = open.removeValue(forKey: id) else { return }
        if let trace = example.trace, byTrace[trace] == id { byTrace[trace] = nil }
        if let agent = example.agent, byAgent[agent] == id { byAgent[agent] = nil }
        guard let text = example.text else { return }
        var messages: [JSONValue] = []
        if let system = rules.system(conversations: text.system.map { [$0] } ?? []) { messages.append(["role": "system", "content": .string(system)]) }
        messages.append(["role": "user", "content": .string(text.prompt)])
        var answer: JSONObject = ["role": "assistant"]
        if !text.response.isEmpty || example.calls.isEmpty { answer["content"] = .string(text.response) }
        if !example.calls.isEmpty {
            answer["tool_calls"] = .array(example.calls)
            counts.withToolCalls += 1
        }
        messages.append(.object(answer))
        try emit(["messages": .array(messages)], example.row)
    }
}
