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

/// A random RFC 4122 version 4 UUID, for execution ids the caller did not give.
enum RandomUUID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-" + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
}
