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
}
