/// Keeps a record of each tool call (the training data of the agent system). Implemented by
/// the storage side; the invoker only reports what happened.
public protocol InvocationRecorder: Sendable {
    /// Stores `record`. Never fails the call: a problem comes back as a warning sentence.
    func record(_ record: InvocationRecord) -> String?
    /// Stores several records, in one transaction where the store can.
    func record(_ records: [InvocationRecord]) -> String?
}

extension InvocationRecorder {
    public func record(_ records: [InvocationRecord]) -> String? {
        let warnings = records.compactMap { record($0) }
        return warnings.isEmpty ? nil : Set(warnings).sorted().joined(separator: "; ")
    }
}

/// What one tool call did.
public struct InvocationRecord: Sendable {
    public var toolID: String
    /// From `TOOLHOST_AGENT_ID`, when the calling agent says who it is.
    public var agentID: String?
    public var input: JSONObject
    public var output: JSONValue
    public var success: Bool
    public var exitCode: Int32
    public var errorCode: String?
    public var error: String?
    public var durationSeconds: Double
    /// What the operator's policy decided, when it was not a plain allow (a refusal, or a call
    /// a person confirmed).
    public var policy: PolicyOutcome?
    /// The steps of a workflow run (nil for any other call).
    public var workflow: WorkflowTrace?
    /// What the handler asked to keep with the record (`HandlerContext.notes`), stored under
    /// the row's `metadata` (an llm call's prompt, response, model and tokens).
    public var notes: JSONObject = [:]
    /// The W3C trace the call ran in (32 hex digits), when there was one: the caller's
    /// (`TRACEPARENT`, `traceparent`, MCP `_meta`) or the one tracing started. Recorded so
    /// that calls caused by one model call can be linked to it (`LLMCallExamples`).
    public var traceID: String?

    public init(toolID: String, agentID: String?, input: JSONObject, output: JSONValue, success: Bool, exitCode: Int32,
                errorCode: String?, error: String?, durationSeconds: Double, policy: PolicyOutcome? = nil) {
        self.toolID = toolID
        self.agentID = agentID
        self.input = input
        self.output = output
        self.success = success
        self.exitCode = exitCode
        self.errorCode = errorCode
        self.error = error
        self.durationSeconds = durationSeconds
        self.policy = policy
    }
}
