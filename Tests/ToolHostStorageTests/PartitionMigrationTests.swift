import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// Migration 7: the training events and tool executions of a database at migration level 5
/// become monthly-partitioned tables on PostgreSQL, keeping every row and id; SQLite only
/// records the migration.
@Suite("Migrations: monthly partitions of the training tables")
struct PartitionMigrationTests {
    static let levelFive = SchemaMigrations.all.filter { $0.version <= 5 }

    /// A table's rows as they read before any migration, in id order.
    private func rows(_ table: TableName, on connection: any DatabaseConnection) throws -> [JSONObject] {
        let name = SQLStatementBuilder(dialect: connection.dialect).table(table)
        return try connection.run("SELECT * FROM \(name) ORDER BY id").rows
    }

    @Test func aLevelFiveDatabaseKeepsEveryTrainingRowAndIdWhenPartitioned() throws {
        let test = try TestDatabase(.postgres)
        let connection = try test.connect()
        try Migrator.migrate(connection, Self.levelFive)
        try connection.executeScript("""
            INSERT INTO training_data.training_events (event_type, agent_id, payload, created_at) VALUES
                ('old', 'a', '{"n": 1}', '2025-11-15T10:00:00Z'),
                ('edge', 'a', '{"n": 2}', '2026-01-31T23:59:59.999999Z'),
                ('edge', 'b', '{"n": 3}', '2026-02-01T00:00:00Z'),
                ('gone', 'b', NULL, '2026-02-02T00:00:00Z');
            DELETE FROM training_data.training_events WHERE event_type = 'gone';
            INSERT INTO training_data.training_tool_executions (execution_id, tool_name, success, created_at) VALUES
                ('e1', 'parser', true, '2024-07-04T12:00:00+02:00'), ('e2', 'parser', false, '2026-02-10T08:00:00Z');
            """)
        let eventsBefore = try rows(TrainingSchema.events, on: connection)
        let executionsBefore = try rows(TrainingSchema.executions, on: connection)

        let applied = try Migrator.migrate(connection).map(\.version)
        #expect(applied.contains(7))

        let eventsAfter = try rows(TrainingSchema.events, on: connection)
        let executionsAfter = try rows(TrainingSchema.executions, on: connection)
        #expect(eventsAfter == eventsBefore)
        #expect(executionsAfter == executionsBefore)
        for table in TrainingSchema.monthlyPartitioned {
            let partitioned = try MonthlyPartitions(table).isPartitioned(on: connection)
            #expect(partitioned, "\(table)")
        }

        // Each row sits in its month's partition (UTC), the instant at a month's end included.
        let placed = try connection.run("""
            SELECT id, tableoid::regclass::text AS partition FROM training_data.training_events ORDER BY id
            """).rows.map { $0["partition"]?.stringValue ?? "" }
        #expect(placed == ["training_data.training_events_y2025m11", "training_data.training_events_y2026m01",
                           "training_data.training_events_y2026m02"])
        let executionPartitions = try connection.run("""
            SELECT tableoid::regclass::text AS partition FROM training_data.training_tool_executions ORDER BY id
            """).rows.map { $0["partition"]?.stringValue ?? "" }
        #expect(executionPartitions == ["training_data.training_tool_executions_y2024m07", "training_data.training_tool_executions_y2026m02"])

        // Ids continue after the old ones (after the deleted row's too: the same sequence), and
        // the default time still fills created_at, in the current month's partition.
        let inserted = try connection.run("""
            INSERT INTO training_data.training_events (event_type) VALUES ('new') RETURNING id, created_at, tableoid::regclass::text AS partition
            """).rows.first
        let newID = inserted?["id"]?.integerValue
        #expect(newID == 5)
        let current = "training_data.training_events_" + PartitionMonth(containing: .now()).suffix
        let partition = inserted?["partition"]?.stringValue
        #expect(partition == current)
        let createdAt = inserted?["created_at"]
        #expect(createdAt != nil && createdAt != .null)

        // The current month and three ahead exist, and the DEFAULT partition.
        let names = Set(try MonthlyPartitions(TrainingSchema.events).partitions(on: connection).map(\.name.name))
        let now = PartitionMonth(containing: .now())
        let expected = now.through(now.advanced(by: 3)).map { "training_events_" + $0.suffix } + ["training_events_default"]
        #expect(names.isSuperset(of: expected), "\(names.sorted())")

        // Every index of the table spec, and the primary key, on the partitioned tables.
        for spec in TrainingSchema.tables where TrainingSchema.monthlyPartitioned.contains(spec.table) {
            let indexes = Set(try connection.run("SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'training_data' AND tablename = $1",
                                                 [.text(spec.table.name)]).rows.compactMap { $0["name"]?.stringValue })
            let wanted = Set(spec.indexes.map(\.name) + [spec.table.name + "_pkey"])
            #expect(indexes.isSuperset(of: wanted), "\(spec.table): \(indexes.sorted())")
        }
        let key = try connection.run("""
            SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
            WHERE conrelid = 'training_data.training_events'::regclass AND contype = 'p'
            """).rows.first?["definition"]?.stringValue
        #expect(key == "PRIMARY KEY (id, created_at)")
        let again = try Migrator.migrate(connection)
        #expect(again.isEmpty)
    }

    /// A row stored without a time by raw SQL cannot sit in a partitioned table: it is kept with
    /// the migration's time instead of being lost.
    @Test func aRowWithoutATimeIsKeptWithTheMigrationsTime() throws {
        let test = try TestDatabase(.postgres)
        let connection = try test.connect()
        try Migrator.migrate(connection, Self.levelFive)
        try connection.executeScript("INSERT INTO training_data.training_events (event_type, created_at) VALUES ('timeless', NULL)")
        try Migrator.migrate(connection)
        let row = try connection.run("SELECT id, created_at FROM training_data.training_events").rows
        let count = row.count
        #expect(count == 1)
        let time = row.first?["created_at"]?.stringValue.flatMap { Timestamp(parsing: $0) }
        let recent = time.map { Timestamp.now().seconds - $0.seconds < 600 } ?? false
        #expect(recent)
    }

    @Test func upgradingSQLiteRecordsMigrationSevenAndChangesNothing() throws {
        let test = try TestDatabase(.sqlite)
        let connection = try test.connect()
        try Migrator.migrate(connection, Self.levelFive)
        try connection.executeScript("""
            INSERT INTO training_events (event_type, created_at) VALUES ('old', '2025-11-15T10:00:00.000000Z');
            INSERT INTO training_tool_executions (execution_id, tool_name) VALUES ('e1', 'parser');
            """)
        // The training tables' definitions and indexes (other migrations may add tables).
        func schema() throws -> [JSONObject] {
            try connection.run("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name LIKE 'training%' ORDER BY name").rows
        }
        let schemaBefore = try schema()
        let eventsBefore = try rows(TrainingSchema.events, on: connection)
        let executionsBefore = try rows(TrainingSchema.executions, on: connection)

        // Up to 7 (later migrations add training tables of their own: the call rollup).
        try Migrator.migrate(connection, SchemaMigrations.all.filter { $0.version <= 7 })

        let recorded = try Migrator.status(connection).first { $0.version == 7 }?.appliedAt
        #expect(recorded != nil)
        let schemaAfter = try schema()
        #expect(schemaBefore.count >= 8)
        #expect(schemaAfter == schemaBefore)
        let eventsAfter = try rows(TrainingSchema.events, on: connection)
        let executionsAfter = try rows(TrainingSchema.executions, on: connection)
        #expect(eventsAfter == eventsBefore)
        #expect(executionsAfter == executionsBefore)
        let partitioned = try MonthlyPartitions(TrainingSchema.events).isPartitioned(on: connection)
        #expect(!partitioned)
    }
}
