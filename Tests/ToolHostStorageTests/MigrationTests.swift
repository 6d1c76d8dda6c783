import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

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
        try connection.executeScript(OlderDeployment.bulkTables(engine))
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
        try connection.executeScript(OlderDeployment.conversationTables(engine))
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
