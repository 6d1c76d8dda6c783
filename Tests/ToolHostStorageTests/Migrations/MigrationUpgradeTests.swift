import Testing
import ToolHostTestSupport
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

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

        let upgraded = try UpgradedDatabase(engine, from: start)
        let differences = try SchemaCatalogue(upgraded.connection).differences(from: expected)
        #expect(differences.isEmpty, "upgraded from \(start) (-) differs from fresh (+):\n\(differences.joined(separator: "\n"))")
        let changes = SeededRows.changes(from: upgraded.rowsBefore, to: try SeededRows.snapshot(upgraded.connection))
        #expect(changes.isEmpty, "rows changed upgrading from \(start):\n\(changes.joined(separator: "\n"))")
        let seededTables = upgraded.rowsBefore.count
        #expect(start.migrations.isEmpty || seededTables > 0, "nothing was seeded at \(start)")
    }
}
