import ToolHostCore
import ToolHostStorage

/// Training data: agent events, tasks, tool executions and workflow phases, kept for
/// fine-tuning. On PostgreSQL they live in their own schema `training_data`, so they can be
/// granted and backed up apart from production data; SQLite has no schemas and uses the same
/// table names.
public enum TrainingSchema {
    public static let schema = "training_data"
    public static let events = TableName("training_events", schema: schema)
    public static let tasks = TableName("training_tasks", schema: schema)
    public static let executions = TableName("training_tool_executions", schema: schema)
    public static let workflows = TableName("training_workflows", schema: schema)
    /// Rows stored but not yet published to the live stream (see `StreamOutbox`).
    public static let outbox = TableName("toolhost_outbox")

    /// The tables partitioned by month on PostgreSQL (migration 7): the append-only ones that
    /// grow fastest. Tasks and workflows are not: they are upserted on `task_id` /
    /// `workflow_id`, a uniqueness a partitioned table cannot enforce without the partition key.
    public static let monthlyPartitioned = [events, executions]

    typealias Column = TableSpec.Column
    typealias Index = TableSpec.Index

    static let tables: [TableSpec] = [
        TableSpec(events, columns: [
            Column("id", .id),
            Column("event_type", .string(100), notNull: true),
            Column("agent_id", .string(255)),
            Column("payload", .json),
            Column("metadata", .json),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_training_events_created_at", "created_at"),
            Index("idx_training_events_agent", "agent_id, created_at"),
            Index("idx_training_events_type", "event_type, created_at"),
            Index("idx_training_events_payload", "payload jsonb_path_ops", postgresMethod: "GIN"),
        ]),
        TableSpec(tasks, columns: [
            Column("id", .id),
            Column("task_id", .string(255), notNull: true, unique: true),
            Column("agent_id", .string(255)),
            Column("task_type", .string(100)),
            Column("status", .string(50), notNull: true),
            Column("input", .json),
            Column("output", .json),
            Column("error", .text),
            Column("duration_ms", .double),
            Column("metadata", .json),
            Column("created_at", .timestamp, defaultNow: true),
            Column("updated_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_training_tasks_created_at", "created_at"),
            Index("idx_training_tasks_agent", "agent_id, created_at"),
            Index("idx_training_tasks_status", "status, created_at"),
            Index("idx_training_tasks_type", "task_type, created_at"),
        ]),
        TableSpec(executions, columns: [
            Column("id", .id),
            Column("execution_id", .string(64), notNull: true),
            Column("agent_id", .string(255)),
            Column("tool_name", .string(255), notNull: true),
            Column("input_params", .json),
            Column("output_result", .json),
            Column("success", .boolean),
            Column("duration_ms", .double),
            Column("error", .text),
            Column("exit_code", .integer),
            Column("error_code", .string(100)),
            Column("metadata", .json),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_training_executions_created_at", "created_at"),
            Index("idx_training_executions_agent", "agent_id, created_at"),
            Index("idx_training_executions_tool", "tool_name, created_at"),
        ]),
        TableSpec(workflows, columns: [
            Column("id", .id),
            Column("workflow_id", .string(255), notNull: true, unique: true),
            Column("workflow_type", .string(100)),
            Column("phase", .string(100), notNull: true),
            Column("state", .json),
            Column("metadata", .json),
            Column("created_at", .timestamp, defaultNow: true),
            Column("updated_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_training_workflows_created_at", "created_at"),
            Index("idx_training_workflows_type", "workflow_type, created_at"),
            Index("idx_training_workflows_phase", "phase, created_at"),
        ]),
        TableSpec(outbox, columns: [
            Column("id", .id),
            Column("data_type", .string(50), notNull: true),
            Column("row_id", .bigint, notNull: true),
            Column("payload", .json, notNull: true),
            Column("created_at", .timestamp, defaultNow: true),
        ]),
    ]

    static func spec(_ table: TableName) -> TableSpec? { tables.first { $0.table == table } }

    /// Migration 7: partitions `monthlyPartitioned` by month (PostgreSQL; SQLite has no
    /// partitions and keeps its tables).
    static func partitionByMonth(on connection: any DatabaseConnection) throws(DatabaseError) {
        guard connection.dialect == .postgres else { return }
        for table in monthlyPartitioned {
            guard let spec = spec(table) else { continue }
            try MonthlyPartitions.convert(spec, monthsAhead: MonthlyPartitions.defaultMonthsAhead, on: connection)
        }
    }

    static func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        if connection.dialect == .postgres {
            try connection.executeScript("CREATE SCHEMA IF NOT EXISTS \(SQLIdentifier.quote(schema))")
        }
        for table in tables { try table.create(on: connection) }
    }
}
