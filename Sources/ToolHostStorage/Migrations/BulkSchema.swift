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
            Index("idx_tool_logs_tool_id", "tool_id, created_at DESC"),
            Index("idx_tool_logs_level", "log_level, created_at DESC"),
            Index("idx_tool_logs_created_at", "created_at DESC"),
            Index("idx_tool_logs_tool_level", "tool_id, log_level, created_at DESC"),
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

    /// Full-text search over log messages and over bug messages with stack traces: GIN
    /// expression indexes on PostgreSQL, FTS5 tables kept in sync by triggers on SQLite.
    static func createSearch(on connection: any DatabaseConnection) throws(DatabaseError) {
        switch connection.dialect {
        case .postgres:
            try connection.executeScript("""
                CREATE INDEX IF NOT EXISTS idx_tool_logs_search ON tool_logs USING GIN (\(logsDocument));
                CREATE INDEX IF NOT EXISTS idx_tool_bugs_search ON tool_bugs USING GIN (\(bugsDocument));
                """)
        case .sqlite:
            try connection.executeScript("""
                CREATE VIRTUAL TABLE IF NOT EXISTS tool_logs_fts USING fts5(message, content='tool_logs', content_rowid='id');
                CREATE TRIGGER IF NOT EXISTS tool_logs_fts_insert AFTER INSERT ON tool_logs BEGIN
                    INSERT INTO tool_logs_fts(rowid, message) VALUES (new.id, new.message);
                END;
                CREATE TRIGGER IF NOT EXISTS tool_logs_fts_delete AFTER DELETE ON tool_logs BEGIN
                    INSERT INTO tool_logs_fts(tool_logs_fts, rowid, message) VALUES ('delete', old.id, old.message);
                END;
                CREATE TRIGGER IF NOT EXISTS tool_logs_fts_update AFTER UPDATE OF message ON tool_logs BEGIN
                    INSERT INTO tool_logs_fts(tool_logs_fts, rowid, message) VALUES ('delete', old.id, old.message);
                    INSERT INTO tool_logs_fts(rowid, message) VALUES (new.id, new.message);
                END;
                INSERT INTO tool_logs_fts(tool_logs_fts) VALUES ('rebuild');
                CREATE VIRTUAL TABLE IF NOT EXISTS tool_bugs_fts USING fts5(message, stack_trace, content='tool_bugs', content_rowid='id');
                CREATE TRIGGER IF NOT EXISTS tool_bugs_fts_insert AFTER INSERT ON tool_bugs BEGIN
                    INSERT INTO tool_bugs_fts(rowid, message, stack_trace) VALUES (new.id, new.message, new.stack_trace);
                END;
                CREATE TRIGGER IF NOT EXISTS tool_bugs_fts_delete AFTER DELETE ON tool_bugs BEGIN
                    INSERT INTO tool_bugs_fts(tool_bugs_fts, rowid, message, stack_trace) VALUES ('delete', old.id, old.message, old.stack_trace);
                END;
                CREATE TRIGGER IF NOT EXISTS tool_bugs_fts_update AFTER UPDATE OF message, stack_trace ON tool_bugs BEGIN
                    INSERT INTO tool_bugs_fts(tool_bugs_fts, rowid, message, stack_trace) VALUES ('delete', old.id, old.message, old.stack_trace);
                    INSERT INTO tool_bugs_fts(rowid, message, stack_trace) VALUES (new.id, new.message, new.stack_trace);
                END;
                INSERT INTO tool_bugs_fts(tool_bugs_fts) VALUES ('rebuild');
                """)
        }
    }

    /// The documents the PostgreSQL search indexes cover (queries must use the same expression).
    public static let logsDocument = "to_tsvector('english', message)"
    public static let bugsDocument = "to_tsvector('english', message || ' ' || coalesce(stack_trace, ''))"
}
