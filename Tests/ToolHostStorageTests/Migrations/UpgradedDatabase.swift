import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory
import ToolHostTestSupport

/// A database of its own taken to a starting level, given a row in every table, then migrated
/// to the latest level: what the upgrade tests examine.
struct UpgradedDatabase {
    /// Kept so the database lives as long as the connection.
    let database: TestDatabase
    let connection: any DatabaseConnection
    /// Every seeded table's rows as they were before the upgrade (`SeededRows.snapshot`).
    let rowsBefore: [String: [JSONObject]]

    init(_ engine: Engine, from start: StartingLevel) throws {
        database = try TestDatabase(engine)
        connection = try database.connect()
        try Migrator.migrate(connection, start.migrations)
        try SeededRows.seed(connection)
        rowsBefore = try SeededRows.snapshot(connection)
        try Migrator.migrate(connection)
    }
}
