import ToolHostCore
import ToolHostStorage

/// The bulk data tables: logs, bug reports, tool lineage, performance metrics and generated
/// tools. Names and columns are code-evolver's own, so an older deployment's tables are
/// adopted as they are; the indexes its DDL meant to create (but wrote inside CREATE TABLE,
/// which PostgreSQL rejects) are created properly.
public enum BulkSchema {
    public static let logs = TableName("tool_logs")
    public static let bugs = TableName("tool_bugs")
    public static let ancestry = TableName("tool_ancestry")
    public static let performance = TableName("tool_performance")
    public static let generatedTools = TableName("generated_tools")

    typealias Column = TableSpec.Column
    typealias Index = TableSpec.Index

    static let tables: [TableSpec] = [
        TableSpec(logs, columns: [
            Column("id", .id),
            Column("tool_id", .string(255), notNull: true),
            Column("log_level", .string(50), notNull: true),
            Column("message", .text, notNull: true),
            Column("details", .json),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            // Two indexes serve every query_logs filter; each more costs bulk ingest dearly
            // (measured on SQLite: 2 → 4 indexes halves the rows per second).
            Index("idx_tool_logs_tool_level", "tool_id, log_level, created_at DESC"),
            Index("idx_tool_logs_created_at", "created_at DESC"),
        ]),
        TableSpec(bugs, columns: [
            Column("id", .id),
            Column("bug_id", .string(255), notNull: true, unique: true),
            Column("tool_id", .string(255), notNull: true),
            Column("severity", .string(50), notNull: true),
            Column("message", .text, notNull: true),
            Column("stack_trace", .text),
            Column("details", .json),
            Column("resolved", .boolean, defaultSQL: "FALSE"),
            Column("created_at", .timestamp, defaultNow: true),
            Column("resolved_at", .timestamp),
        ], indexes: [
            Index("idx_tool_bugs_tool_id", "tool_id, created_at DESC"),
            Index("idx_tool_bugs_severity", "severity"),
            Index("idx_tool_bugs_resolved", "resolved"),
        ]),
        TableSpec(ancestry, columns: [
            Column("id", .id),
            Column("parent_tool_id", .string(255), notNull: true),
            Column("child_tool_id", .string(255), notNull: true),
            Column("relationship_type", .string(100), notNull: true),
            Column("details", .json),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_tool_ancestry_parent", "parent_tool_id"),
            Index("idx_tool_ancestry_child", "child_tool_id"),
            Index("idx_tool_ancestry_type", "relationship_type"),
        ]),
        TableSpec(performance, columns: [
            Column("id", .id),
            Column("tool_id", .string(255), notNull: true),
            Column("metric_name", .string(100), notNull: true),
            Column("metric_value", .numeric),
            Column("unit", .string(50)),
            Column("details", .json),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_tool_perf_tool_metric", "tool_id, metric_name, created_at DESC"),
            Index("idx_tool_perf_metric", "metric_name"),
            Index("idx_tool_perf_created_at", "created_at DESC"),
        ]),
        TableSpec(generatedTools, columns: [
            Column("id", .id),
            Column("tool_id", .string(255), notNull: true, unique: true),
            Column("tool_name", .string(255), notNull: true),
            Column("tool_type", .string(50), notNull: true),
            Column("tool_yaml", .text),
            Column("tool_code", .text),
            Column("metadata", .json),
            Column("created_at", .timestamp, defaultNow: true),
            Column("updated_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_generated_tools_type", "tool_type"),
            Index("idx_generated_tools_created_at", "created_at DESC"),
        ]),
    ]

    /// Full-text search over log messages, and over bug messages with their stack traces.
    public static let logSearch = SearchIndex(table: logs, columns: ["message"])
    public static let bugSearch = SearchIndex(table: bugs, columns: ["message", "stack_trace"])

    static func createSearch(on connection: any DatabaseConnection) throws(DatabaseError) {
        try logSearch.create(on: connection)
        try bugSearch.create(on: connection)
    }
}
