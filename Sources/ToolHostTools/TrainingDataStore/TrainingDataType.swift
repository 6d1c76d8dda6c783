import ToolHostStorage
import ToolHostCore

/// The kinds of training data, by the names callers use (`data_type`).
public enum TrainingDataType: String, CaseIterable, Sendable {
    case events
    case tasks
    case toolExecutions = "tool_executions"
    case workflows

    /// Accepts the canonical names, their singulars and the table names
    /// (`event`, `training_events`, `executions`...).
    public init?(name: String) {
        switch name.lowercased() {
        case "events", "event", "agent_events", "training_events": self = .events
        case "tasks", "task", "agent_tasks", "training_tasks": self = .tasks
        case "tool_executions", "tool_execution", "executions", "execution", "training_tool_executions": self = .toolExecutions
        case "workflows", "workflow", "workflow_data", "training_workflows": self = .workflows
        default: return nil
        }
    }

    public static var names: [String] { allCases.map(\.rawValue) }

    /// The type called `name`, or an invalid_input error listing the valid names.
    public static func named(_ name: String) throws(ToolHostError) -> TrainingDataType {
        guard let type = TrainingDataType(name: name) else {
            throw ToolHostError(.invalidInput, "Unknown data type '\(name)'; use one of \(names.joined(separator: ", ")).",
                                details: ["data_types": .array(names.map { .string($0) })])
        }
        return type
    }

    public var table: TableName {
        switch self {
        case .events: TrainingSchema.events
        case .tasks: TrainingSchema.tasks
        case .toolExecutions: TrainingSchema.executions
        case .workflows: TrainingSchema.workflows
        }
    }

    private var spec: TableSpec? { TrainingSchema.spec(table) }

    /// Every column, in table order (the default export columns).
    public var columns: [String] { spec?.columns.map(\.name) ?? [] }

    /// Columns holding JSON (exported as JSON text in CSV, nested in JSONL).
    public var jsonColumns: Set<String> { Set(spec?.columns.filter { $0.type == .json }.map(\.name) ?? []) }

    /// The type of a column, nil when the type has no such column.
    public func columnType(_ name: String) -> TableSpec.ColumnType? {
        spec?.columns.first { $0.name == name }?.type
    }

    /// The JSON column that JSON-path filters (`payload_filters`) look into.
    public var documentColumn: String {
        switch self {
        case .events: "payload"
        case .tasks: "input"
        case .toolExecutions: "input_params"
        case .workflows: "state"
        }
    }
}
