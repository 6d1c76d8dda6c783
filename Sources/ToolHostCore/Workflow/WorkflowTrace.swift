/// What a workflow run leaves for the training store besides its call record: its steps in
/// order and how it ended, so the recorder can keep the run as a workflow with its phases.
public struct WorkflowTrace: Sendable {
    /// Each step's `{name, tool, status, output}`, as in the answer.
    public let steps: [JSONValue]
    public let succeeded: Bool

    /// The trace of `result` when `tool` is a workflow, else nil. A run refused before its
    /// first step (a cycle, an unknown step tool) is a failed run with no steps.
    init?(tool: ToolDefinition, result: ToolInvoker.Result) {
        guard tool.runner == .workflow else { return nil }
        switch result {
        case .answer(let answer):
            steps = answer["steps"]?.arrayValue ?? []
            succeeded = true
        case .failure(let error):
            steps = error.details["steps"]?.arrayValue ?? []
            succeeded = false
        case .plugin:
            return nil
        }
    }
}
