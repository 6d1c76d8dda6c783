import Testing
import ToolHostTestSupport
@testable import ToolHostStorage

/// A database at any earlier migration level, with rows, upgrades to exactly the schema a
/// fresh database gets, as the engine's catalogue describes both, and keeps every row.
@Suite("Migration upgrades")
struct MigrationUpgradeTests {
    @Test(arguments: Engine.allCases, StartingLevel.all)
    func anEarlierDatabaseUpgradesToTheFreshSchemaKeepingEveryRow(engine: Engine, start: StartingLevel) throws {
        let fresh = try TestDatabase(engine)
        let freshConnection = try fresh.connect()
        try Migrator.migrate(freshConnection)
        let expected = try SchemaCatalogue(freshConnection)

        let earlier = try TestDatabase(engine)
        let connection = try earlier.connect()
        try Migrator.migrate(connection, start.migrations)
        try SeededRows.seed(connection)
        let before = try SeededRows.snapshot(connection)
        try Migrator.migrate(connection)

        let differences = try SchemaCatalogue(connection).differences(from: expected)
        #expect(differences.isEmpty, "upgraded from \(start) (-) differs from fresh (+):\n\(differences.joined(separator: "\n"))")
        let changes = SeededRows.changes(from: before, to: try SeededRows.snapshot(connection))
        #expect(changes.isEmpty, "rows changed upgrading from \(start):\n\(changes.joined(separator: "\n"))")
        let seededTables = before.count
        #expect(start.migrations.isEmpty || seededTables > 0, "nothing was seeded at \(start)")
    }
}
