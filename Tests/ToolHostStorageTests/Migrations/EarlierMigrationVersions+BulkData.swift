import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// Migration 1 (bulk data) as it first shipped.
extension EarlierMigrationVersions {
    /// Migration 1 as first shipped (551b50b): two more log indexes, search indexed by insert
    /// triggers (SQLite) or expression indexes of other names (PostgreSQL), SQLite ids without
    /// AUTOINCREMENT.
    static func bulkDataFirstVersion(_ dialect: SQLDialect) -> String {
        dialect == .postgres ? bulkDataFirstPostgres : bulkDataFirstSQLite
    }

    private static let bulkDataFirstPostgres = #"""
        CREATE TABLE IF NOT EXISTS "tool_logs" (
            "id" BIGSERIAL PRIMARY KEY,
            "tool_id" VARCHAR(255) NOT NULL,
            "log_level" VARCHAR(50) NOT NULL,
            "message" TEXT NOT NULL,
            "details" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_id" ON "tool_logs" (tool_id, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_level" ON "tool_logs" (log_level, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_created_at" ON "tool_logs" (created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_level" ON "tool_logs" (tool_id, log_level, created_at DESC)
        ;
        CREATE TABLE IF NOT EXISTS "tool_bugs" (
            "id" BIGSERIAL PRIMARY KEY,
            "bug_id" VARCHAR(255) NOT NULL UNIQUE,
            "tool_id" VARCHAR(255) NOT NULL,
            "severity" VARCHAR(50) NOT NULL,
            "message" TEXT NOT NULL,
            "stack_trace" TEXT,
            "details" JSONB,
            "resolved" BOOLEAN DEFAULT FALSE,
            "created_at" TIMESTAMPTZ DEFAULT now(),
            "resolved_at" TIMESTAMPTZ
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_tool_id" ON "tool_bugs" (tool_id, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_severity" ON "tool_bugs" (severity)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_resolved" ON "tool_bugs" (resolved)
        ;
        CREATE TABLE IF NOT EXISTS "tool_ancestry" (
            "id" BIGSERIAL PRIMARY KEY,
            "parent_tool_id" VARCHAR(255) NOT NULL,
            "child_tool_id" VARCHAR(255) NOT NULL,
            "relationship_type" VARCHAR(100) NOT NULL,
            "details" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_parent" ON "tool_ancestry" (parent_tool_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_child" ON "tool_ancestry" (child_tool_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_type" ON "tool_ancestry" (relationship_type)
        ;
        CREATE TABLE IF NOT EXISTS "tool_performance" (
            "id" BIGSERIAL PRIMARY KEY,
            "tool_id" VARCHAR(255) NOT NULL,
            "metric_name" VARCHAR(100) NOT NULL,
            "metric_value" NUMERIC,
            "unit" VARCHAR(50),
            "details" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_tool_metric" ON "tool_performance" (tool_id, metric_name, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_metric" ON "tool_performance" (metric_name)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_created_at" ON "tool_performance" (created_at DESC)
        ;
        CREATE TABLE IF NOT EXISTS "generated_tools" (
            "id" BIGSERIAL PRIMARY KEY,
            "tool_id" VARCHAR(255) NOT NULL UNIQUE,
            "tool_name" VARCHAR(255) NOT NULL,
            "tool_type" VARCHAR(50) NOT NULL,
            "tool_yaml" TEXT,
            "tool_code" TEXT,
            "metadata" JSONB,
            "created_at" TIMESTAMPTZ DEFAULT now(),
            "updated_at" TIMESTAMPTZ DEFAULT now()
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_type" ON "generated_tools" (tool_type)
        ;
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_created_at" ON "generated_tools" (created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS idx_tool_logs_search ON tool_logs USING GIN (to_tsvector('english', message));
        CREATE INDEX IF NOT EXISTS idx_tool_bugs_search ON tool_bugs USING GIN (to_tsvector('english', message || ' ' || coalesce(stack_trace, '')));

        """#

    private static let bulkDataFirstSQLite = #"""
        CREATE TABLE IF NOT EXISTS "tool_logs" (
            "id" INTEGER PRIMARY KEY,
            "tool_id" TEXT NOT NULL,
            "log_level" TEXT NOT NULL,
            "message" TEXT NOT NULL,
            "details" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_id" ON "tool_logs" (tool_id, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_level" ON "tool_logs" (log_level, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_created_at" ON "tool_logs" (created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_level" ON "tool_logs" (tool_id, log_level, created_at DESC)
        ;
        CREATE TABLE IF NOT EXISTS "tool_bugs" (
            "id" INTEGER PRIMARY KEY,
            "bug_id" TEXT NOT NULL UNIQUE,
            "tool_id" TEXT NOT NULL,
            "severity" TEXT NOT NULL,
            "message" TEXT NOT NULL,
            "stack_trace" TEXT,
            "details" JSON,
            "resolved" BOOLEAN DEFAULT FALSE,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
            "resolved_at" TIMESTAMP
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_tool_id" ON "tool_bugs" (tool_id, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_severity" ON "tool_bugs" (severity)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_resolved" ON "tool_bugs" (resolved)
        ;
        CREATE TABLE IF NOT EXISTS "tool_ancestry" (
            "id" INTEGER PRIMARY KEY,
            "parent_tool_id" TEXT NOT NULL,
            "child_tool_id" TEXT NOT NULL,
            "relationship_type" TEXT NOT NULL,
            "details" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_parent" ON "tool_ancestry" (parent_tool_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_child" ON "tool_ancestry" (child_tool_id)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_type" ON "tool_ancestry" (relationship_type)
        ;
        CREATE TABLE IF NOT EXISTS "tool_performance" (
            "id" INTEGER PRIMARY KEY,
            "tool_id" TEXT NOT NULL,
            "metric_name" TEXT NOT NULL,
            "metric_value" REAL,
            "unit" TEXT,
            "details" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_tool_metric" ON "tool_performance" (tool_id, metric_name, created_at DESC)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_metric" ON "tool_performance" (metric_name)
        ;
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_created_at" ON "tool_performance" (created_at DESC)
        ;
        CREATE TABLE IF NOT EXISTS "generated_tools" (
            "id" INTEGER PRIMARY KEY,
            "tool_id" TEXT NOT NULL UNIQUE,
            "tool_name" TEXT NOT NULL,
            "tool_type" TEXT NOT NULL,
            "tool_yaml" TEXT,
            "tool_code" TEXT,
            "metadata" JSON,
            "created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
            "updated_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
        )
        ;
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_type" ON "generated_tools" (tool_type)
        ;
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_created_at" ON "generated_tools" (created_at DESC)
        ;
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

        """#
}
