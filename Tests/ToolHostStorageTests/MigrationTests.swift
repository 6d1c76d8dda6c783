import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage

@Suite("Migrations")
struct MigrationTests {
    @Test(arguments: Engine.allCases)
    func migratingTwiceAppliesEachMigrationOnce(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        let first = try Migrator.migrate(connection)
        #expect(first.map(\.version) == SchemaMigrations.all.map(\.version))
        #expect(try Migrator.migrate(connection).isEmpty)
        let status = try Migrator.status(connection)
        #expect(status.allSatisfy { $0.appliedAt != nil })
        for table in [BulkSchema.logs, BulkSchema.bugs, BulkSchema.ancestry, BulkSchema.performance, BulkSchema.generatedTools] {
            #expect(try connection.tableExists(table), "\(table) missing")
        }
    }

    @Test(arguments: Engine.allCases)
    func statusListsPendingMigrationsBeforeTheFirstRun(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        let status = try Migrator.status(connection)
        #expect(!status.isEmpty)
        #expect(status.allSatisfy { $0.appliedAt == nil })
    }

    /// An older code-evolver deployment's tables (its DDL as its integration doc gives it) with
    /// rows in them are adopted: migrated twice, every row is still there, unchanged.
    @Test(arguments: Engine.allCases)
    func tablesOfAnOlderDeploymentAreAdoptedWithoutDataLoss(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        let serial = engine == .postgres ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY"
        let json = engine == .postgres ? "JSONB" : "TEXT"
        try connection.executeScript("""
            CREATE TABLE tool_logs (id \(serial), tool_id VARCHAR(255) NOT NULL, log_level VARCHAR(50) NOT NULL,
                message TEXT NOT NULL, details \(json), created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
            CREATE TABLE tool_bugs (id \(serial), bug_id VARCHAR(255) UNIQUE NOT NULL, tool_id VARCHAR(255) NOT NULL,
                severity VARCHAR(50) NOT NULL, message TEXT NOT NULL, stack_trace TEXT, details \(json),
                resolved BOOLEAN DEFAULT FALSE, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
            INSERT INTO tool_logs (tool_id, log_level, message, details, created_at)
                VALUES ('old_tool', 'error', 'kept', '{"k": 1}', '2024-05-01 10:00:00');
            INSERT INTO tool_bugs (bug_id, tool_id, severity, message, stack_trace)
                VALUES ('BUG-1', 'old_tool', 'high', 'still here', 'Traceback...');
            """)
        let logsBefore = try connection.run("SELECT * FROM tool_logs ORDER BY id").rows
        let bugsBefore = try connection.run("SELECT id, bug_id, tool_id, severity, message, stack_trace, resolved FROM tool_bugs").rows
        try Migrator.migrate(connection)
        try Migrator.migrate(connection)
        #expect(try connection.run("SELECT * FROM tool_logs ORDER BY id").rows == logsBefore)
        #expect(try connection.run("SELECT id, bug_id, tool_id, severity, message, stack_trace, resolved FROM tool_bugs").rows == bugsBefore)
        // The column this older tool_bugs lacked was added, nullable.
        #expect(try connection.columns(of: BulkSchema.bugs).contains { $0.name == "resolved_at" && $0.isNullable })
        #expect(logsBefore.first?["created_at"] == "2024-05-01T10:00:00Z")
    }

    /// A conversational agent's older tables, with rows: the conversation migration adds every
    /// new column (nullable) and index, any number of times, and every row keeps its values.
    @Test(arguments: Engine.allCases)
    func olderConversationTablesAreUpgradedInPlace(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        let serial = engine == .postgres ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY"
        let json = engine == .postgres ? "JSONB" : "TEXT"
        try connection.executeScript("""
            CREATE TABLE conversations (id \(serial), session_id VARCHAR(255), user_id VARCHAR(255), started_at TIMESTAMP, ended_at TIMESTAMP);
            CREATE TABLE messages (id \(serial), conversation_id INTEGER NOT NULL, role VARCHAR(20) NOT NULL, content TEXT,
                emotion VARCHAR(50), created_at TIMESTAMP);
            CREATE TABLE memories (id \(serial), user_id VARCHAR(255), tier VARCHAR(50), content TEXT, importance REAL, created_at TIMESTAMP);
            CREATE TABLE agent_logs (id \(serial), agent_name VARCHAR(100), action VARCHAR(255), output \(json), created_at TIMESTAMP);
            INSERT INTO conversations (session_id, user_id, started_at, ended_at) VALUES
                ('s1', 'u1', '2024-05-01 10:00:00', '2024-05-01 10:30:00'), ('s2', 'u2', '2024-05-02 09:00:00', NULL);
            INSERT INTO messages (conversation_id, role, content, emotion, created_at) VALUES
                (1, 'user', 'hello', 'happy', '2024-05-01 10:00:01'), (1, 'assistant', 'hi there', NULL, '2024-05-01 10:00:02');
            INSERT INTO memories (user_id, tier, content, importance, created_at) VALUES ('u1', 'core', 'likes tea', 0.9, '2024-05-01 10:10:00');
            INSERT INTO agent_logs (agent_name, action, output, created_at) VALUES ('critic', 'score', '{"ok": true}', '2024-05-01 10:00:03');
            """)
        let tables = ["conversations", "messages", "memories", "agent_logs"]
        func snapshot() throws -> [String: [JSONObject]] {
            var rows: [String: [JSONObject]] = [:]
            for table in tables {
                let old = try connection.run("SELECT * FROM \(table) ORDER BY id").rows
                rows[table] = old
            }
            return rows
        }
        let before = try snapshot()
        try ConversationSchema.create(on: connection)
        try Migrator.migrate(connection)
        try Migrator.migrate(connection)
        try ConversationSchema.create(on: connection)

        for table in ConversationSchema.tables {
            let columns = try connection.columns(of: table.table)
            for column in table.columns {
                #expect(columns.contains { $0.name == column.name }, "\(table.table.name).\(column.name) missing")
            }
            let oldNames = Set((before[table.table.name]?.first.map { Array($0.keys) }) ?? [])
            // Every column the migration added is nullable: old rows stay valid.
            let added = columns.filter { !oldNames.contains($0.name) }
            #expect(!added.isEmpty && added.allSatisfy { $0.isNullable }, "\(table.table.name)")
        }
        let after = try snapshot()
        for table in tables {
            let old = before[table] ?? []
            let new = after[table] ?? []
            #expect(old.count == new.count, "\(table) lost rows")
            for (oldRow, newRow) in zip(old, new) {
                for (column, value) in oldRow { #expect(newRow[column] == value, "\(table).\(column) changed") }
            }
        }
        #expect(before["conversations"]?.count == 2 && before["messages"]?.count == 2)
        // Adopted conversations got their statistics; the one that had ended is inactive.
        let conversations = after["conversations"] ?? []
        #expect(conversations.map { $0["total_messages"] } == [2, 0])
        #expect(conversations.map { $0["is_active"] } == [false, true])
        #expect(conversations.map { $0["training_data_exported"] } == [false, false])
        #expect(after["messages"]?.map { $0["training_flag"] } == [true, true])
        // Adopted times compare as times: on SQLite they now have ToolHost's one spelling.
        let since = SQLStatementBuilder(dialect: connection.dialect).timestampValue(try #require(Timestamp(parsing: "2024-05-01")))
        let placeholder = engine == .postgres ? "$1" : "?1"
        #expect(try connection.run("SELECT count(*) AS n FROM conversations WHERE started_at >= \(placeholder)", [since]).rows.first?["n"] == 2)
        if engine == .sqlite {
            let raw = try connection.run("SELECT CAST(started_at AS TEXT) AS t FROM conversations ORDER BY id").rows
            #expect(raw.map { $0["t"] } == ["2024-05-01T10:00:00.000000Z", "2024-05-02T09:00:00.000000Z"])
        }
        let indexes = engine == .postgres
            ? try connection.run("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'messages'").rows
            : try connection.run("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'").rows
        let names = Set(indexes.compactMap { $0["name"]?.stringValue })
        #expect(names.isSuperset(of: ["idx_messages_conversation_id", "idx_messages_emotion", "idx_messages_role"]))
    }
}
