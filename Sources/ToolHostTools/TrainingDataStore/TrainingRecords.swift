import ToolHostCore
import ToolHostStorage

/// The fields of each kind of training record, as `training_data_store` accepts them.
enum TrainingRecords {
    static let event = RecordSpec(
        table: TrainingSchema.events, required: ["event_type"], optional: ["agent_id", "payload", "metadata"],
        json: ["payload", "metadata"])

    static let task = RecordSpec(
        table: TrainingSchema.tasks, required: ["task_id", "status"],
        optional: ["agent_id", "task_type", "input", "output", "error", "duration_ms", "metadata"],
        json: ["input", "output", "metadata"], numbers: ["duration_ms"])

    static let execution = RecordSpec(
        table: TrainingSchema.executions, required: ["execution_id", "tool_name"],
        optional: ["agent_id", "input_params", "output_result", "success", "duration_ms", "error", "exit_code", "error_code", "metadata"],
        json: ["input_params", "output_result", "metadata"], numbers: ["duration_ms", "exit_code"], booleans: ["success"])

    static let workflow = RecordSpec(
        table: TrainingSchema.workflows, required: ["workflow_id", "phase"], optional: ["workflow_type", "state", "metadata"],
        json: ["state", "metadata"])

    static func spec(_ type: TrainingDataType) -> RecordSpec {
        switch type {
        case .events: event
        case .tasks: task
        case .toolExecutions: execution
        case .workflows: workflow
        }
    }

    /// The key that makes storing the same record again an update (tasks, workflows), and the
    /// event that keeps the history of those updates.
    static func upsertKey(_ type: TrainingDataType) -> (key: String, historyEvent: String, historyFields: [String])? {
        switch type {
        case .tasks: ("task_id", "task_status", ["task_id", "task_type", "status", "error", "duration_ms"])
        case .workflows: ("workflow_id", "workflow_phase", ["workflow_id", "workflow_type", "phase"])
        default: nil
        }
    }
}
