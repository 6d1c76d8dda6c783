@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// Where an upgrade starts: the migrations a database recorded, as they ran when it recorded
/// them. Either today's 1 through N, or today's up to one that shipped in an earlier version
/// and that version itself (`EarlierMigrationVersions`), recorded under its number.
struct StartingLevel: Sendable, CustomStringConvertible {
    let description: String
    let migrations: [Migration]

    /// Migrations 1 through `level` as they are today (0: an empty database).
    static func level(_ level: Int) -> StartingLevel {
        StartingLevel(description: "level \(level)", migrations: SchemaMigrations.all.filter { $0.version <= level })
    }

    /// Today's migrations before `version`, then `version` as `fixture` renders it.
    static func earlier(_ version: Int, _ name: String, _ fixture: @escaping @Sendable (SQLDialect) -> String) -> StartingLevel {
        let shipped = Migration(version, name) { connection throws(DatabaseError) in try connection.executeScript(fixture(connection.dialect)) }
        return StartingLevel(description: "level \(version), \(name)", migrations: SchemaMigrations.all.filter { $0.version < version } + [shipped])
    }

    /// Every level a shipped ToolHost can have left a database at.
    static let all: [StartingLevel] = (0...12).map(level) + [
        earlier(1, "first version of 1", EarlierMigrationVersions.bulkDataFirstVersion),
        earlier(4, "first version of 4", EarlierMigrationVersions.promptEvolutionFirstVersion),
        earlier(5, "first version of 5", EarlierMigrationVersions.memoryFirstVersion),
        earlier(5, "second version of 5", EarlierMigrationVersions.memorySecondVersion),
    ]
}
