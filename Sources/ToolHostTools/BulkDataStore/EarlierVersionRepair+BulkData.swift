import ToolHostCore
import ToolHostStorage

/// Migration 1's first version (551b50b): the log indexes it had more, its full-text search
/// (row-by-row insert triggers on SQLite, other index names on PostgreSQL), and on SQLite the
/// ids it made without AUTOINCREMENT.
extension EarlierVersionRepair {
    static let postgresBulkData = """
        DROP INDEX IF EXISTS idx_tool_logs_tool_id;
        DROP INDEX IF EXISTS idx_tool_logs_level;
        DROP INDEX IF EXISTS idx_tool_logs_search;
        DROP INDEX IF EXISTS idx_tool_bugs_search;
        CREATE INDEX IF NOT EXISTS "tool_logs_fts" ON "tool_logs" USING GIN (to_tsvector('english', "message"));
        CREATE INDEX IF NOT EXISTS "tool_bugs_fts" ON "tool_bugs" USING GIN (to_tsvector('english', "message" || ' ' || coalesce("stack_trace", '')));
        """

    /// Only the first version made an insert trigger for the log search: its presence says the
    /// database recorded that version. Then its search is taken down, each table it made is
    /// made again with AUTOINCREMENT (a table of another shape, adopted from an older
    /// deployment, is left as it is), and today's indexes and search are made, the search
    /// indexing every row.
    static func repairSQLiteBulkData(on connection: any DatabaseConnection) throws(DatabaseError) {
        let marker = "SELECT 1 AS found FROM sqlite_master WHERE type = 'trigger' AND name = 'tool_logs_fts_insert'"
        guard try !connection.run(marker).rows.isEmpty else { return }
        try connection.executeScript(sqliteFirstVersionSearch)
        for table in sqliteBulkTables {
            let stored = try connection.run("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [.text(table.name)]).rows.first?["sql"]?.stringValue
            if let stored, SQLiteBulkTable.collapsed(stored) == SQLiteBulkTable.collapsed(table.firstVersionCreate) {
                try connection.executeScript(table.rebuild)
            }
        }
        try connection.executeScript(sqliteBulkIndexes)
        try connection.executeScript(sqliteBulkSearch)
    }

    /// A bulk table as migration 1 makes it today on SQLite.
    struct SQLiteBulkTable {
        let name: String
        let columns: [String]

        init(_ name: String, _ columns: [String]) {
            self.name = name
            self.columns = columns
        }

        /// The table as the first version stored it: the same, but ids without AUTOINCREMENT.
        var firstVersionCreate: String {
            "CREATE TABLE \(SQLIdentifier.quote(name)) (\n    " + columns.joined(separator: ",\n    ").replacing(" AUTOINCREMENT", with: "") + "\n)"
        }

        /// SQLite cannot add AUTOINCREMENT to a table: today's table is made beside it, takes
        /// its rows (same columns, same order), and its name. Its indexes and triggers go with
        /// the old table; the caller makes them again.
        var rebuild: String {
            """
            CREATE TABLE "toolhost_rebuilt" (
                \(columns.joined(separator: ",\n    "))
            );
            INSERT INTO "toolhost_rebuilt" SELECT * FROM \(SQLIdentifier.quote(name));
            DROP TABLE \(SQLIdentifier.quote(name));
            ALTER TABLE "toolhost_rebuilt" RENAME TO \(SQLIdentifier.quote(name));
            """
        }

        static func collapsed(_ sql: String) -> String {
            sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
    }

    static let sqliteBulkTables = [
        SQLiteBulkTable("tool_logs", [
            #""id" INTEGER PRIMARY KEY AUTOINCREMENT"#,
            #""tool_id" TEXT NOT NULL"#,
            #""log_level" TEXT NOT NULL"#,
            #""message" TEXT NOT NULL"#,
            #""details" JSON"#,
            #""created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))"#,
        ]),
        SQLiteBulkTable("tool_bugs", [
            #""id" INTEGER PRIMARY KEY AUTOINCREMENT"#,
            #""bug_id" TEXT NOT NULL UNIQUE"#,
            #""tool_id" TEXT NOT NULL"#,
            #""severity" TEXT NOT NULL"#,
            #""message" TEXT NOT NULL"#,
            #""stack_trace" TEXT"#,
            #""details" JSON"#,
            #""resolved" BOOLEAN DEFAULT FALSE"#,
            #""created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))"#,
            #""resolved_at" TIMESTAMP"#,
        ]),
        SQLiteBulkTable("tool_ancestry", [
            #""id" INTEGER PRIMARY KEY AUTOINCREMENT"#,
            #""parent_tool_id" TEXT NOT NULL"#,
            #""child_tool_id" TEXT NOT NULL"#,
            #""relationship_type" TEXT NOT NULL"#,
            #""details" JSON"#,
            #""created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))"#,
        ]),
        SQLiteBulkTable("tool_performance", [
            #""id" INTEGER PRIMARY KEY AUTOINCREMENT"#,
            #""tool_id" TEXT NOT NULL"#,
            #""metric_name" TEXT NOT NULL"#,
            #""metric_value" REAL"#,
            #""unit" TEXT"#,
            #""details" JSON"#,
            #""created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))"#,
        ]),
        SQLiteBulkTable("generated_tools", [
            #""id" INTEGER PRIMARY KEY AUTOINCREMENT"#,
            #""tool_id" TEXT NOT NULL UNIQUE"#,
            #""tool_name" TEXT NOT NULL"#,
            #""tool_type" TEXT NOT NULL"#,
            #""tool_yaml" TEXT"#,
            #""tool_code" TEXT"#,
            #""metadata" JSON"#,
            #""created_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))"#,
            #""updated_at" TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))"#,
        ]),
    ]

    private static let sqliteFirstVersionSearch = """
        DROP TRIGGER IF EXISTS tool_logs_fts_insert;
        DROP TRIGGER IF EXISTS tool_logs_fts_delete;
        DROP TRIGGER IF EXISTS tool_logs_fts_update;
        DROP TRIGGER IF EXISTS tool_bugs_fts_insert;
        DROP TRIGGER IF EXISTS tool_bugs_fts_delete;
        DROP TRIGGER IF EXISTS tool_bugs_fts_update;
        DROP TABLE IF EXISTS tool_logs_fts;
        DROP TABLE IF EXISTS tool_bugs_fts;
        DROP INDEX IF EXISTS idx_tool_logs_tool_id;
        DROP INDEX IF EXISTS idx_tool_logs_level;
        """

    private static let sqliteBulkIndexes = """
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_tool_level" ON "tool_logs" (tool_id, log_level, created_at DESC);
        CREATE INDEX IF NOT EXISTS "idx_tool_logs_created_at" ON "tool_logs" (created_at DESC);
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_tool_id" ON "tool_bugs" (tool_id, created_at DESC);
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_severity" ON "tool_bugs" (severity);
        CREATE INDEX IF NOT EXISTS "idx_tool_bugs_resolved" ON "tool_bugs" (resolved);
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_parent" ON "tool_ancestry" (parent_tool_id);
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_child" ON "tool_ancestry" (child_tool_id);
        CREATE INDEX IF NOT EXISTS "idx_tool_ancestry_type" ON "tool_ancestry" (relationship_type);
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_tool_metric" ON "tool_performance" (tool_id, metric_name, created_at DESC);
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_metric" ON "tool_performance" (metric_name);
        CREATE INDEX IF NOT EXISTS "idx_tool_perf_created_at" ON "tool_performance" (created_at DESC);
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_type" ON "generated_tools" (tool_type);
        CREATE INDEX IF NOT EXISTS "idx_generated_tools_created_at" ON "generated_tools" (created_at DESC);
        """

    private static let sqliteBulkSearch = """
        CREATE TABLE IF NOT EXISTS toolhost_search_sync (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
        INSERT OR IGNORE INTO toolhost_search_sync (name, last_id) VALUES ('tool_logs_fts', 0);
        CREATE VIRTUAL TABLE IF NOT EXISTS "tool_logs_fts" USING fts5("message", content="tool_logs", content_rowid='id');
        CREATE TRIGGER IF NOT EXISTS "tool_logs_fts_delete" AFTER DELETE ON "tool_logs" WHEN old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = 'tool_logs_fts') BEGIN
            INSERT INTO "tool_logs_fts"("tool_logs_fts", rowid, "message") VALUES ('delete', old.id, old."message");
        END;
        CREATE TRIGGER IF NOT EXISTS "tool_logs_fts_update" AFTER UPDATE OF "message" ON "tool_logs" WHEN old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = 'tool_logs_fts') BEGIN
            INSERT INTO "tool_logs_fts"("tool_logs_fts", rowid, "message") VALUES ('delete', old.id, old."message");
            INSERT INTO "tool_logs_fts"(rowid, "message") VALUES (new.id, new."message");
        END;
        INSERT INTO "tool_logs_fts"(rowid, "message") SELECT id, "message" FROM "tool_logs" WHERE id > (SELECT last_id FROM toolhost_search_sync WHERE name = 'tool_logs_fts');
        UPDATE toolhost_search_sync SET last_id = (SELECT coalesce(max(id), last_id) FROM "tool_logs") WHERE name = 'tool_logs_fts';
        CREATE TABLE IF NOT EXISTS toolhost_search_sync (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
        INSERT OR IGNORE INTO toolhost_search_sync (name, last_id) VALUES ('tool_bugs_fts', 0);
        CREATE VIRTUAL TABLE IF NOT EXISTS "tool_bugs_fts" USING fts5("message", "stack_trace", content="tool_bugs", content_rowid='id');
        CREATE TRIGGER IF NOT EXISTS "tool_bugs_fts_delete" AFTER DELETE ON "tool_bugs" WHEN old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = 'tool_bugs_fts') BEGIN
            INSERT INTO "tool_bugs_fts"("tool_bugs_fts", rowid, "message", "stack_trace") VALUES ('delete', old.id, old."message", old."stack_trace");
        END;
        CREATE TRIGGER IF NOT EXISTS "tool_bugs_fts_update" AFTER UPDATE OF "message", "stack_trace" ON "tool_bugs" WHEN old.id <= (SELECT last_id FROM toolhost_search_sync WHERE name = 'tool_bugs_fts') BEGIN
            INSERT INTO "tool_bugs_fts"("tool_bugs_fts", rowid, "message", "stack_trace") VALUES ('delete', old.id, old."message", old."stack_trace");
            INSERT INTO "tool_bugs_fts"(rowid, "message", "stack_trace") VALUES (new.id, new."message", new."stack_trace");
        END;
        INSERT INTO "tool_bugs_fts"(rowid, "message", "stack_trace") SELECT id, "message", "stack_trace" FROM "tool_bugs" WHERE id > (SELECT last_id FROM toolhost_search_sync WHERE name = 'tool_bugs_fts');
        UPDATE toolhost_search_sync SET last_id = (SELECT coalesce(max(id), last_id) FROM "tool_bugs") WHERE name = 'tool_bugs_fts';
        """
}
