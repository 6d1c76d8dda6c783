import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory
import ToolHostTestSupport

/// The statements each migration runs on a fresh database, recorded through a
/// `RecordingConnection`, and their SHA-256: what `MigrationChecksumTests` pins.
enum MigrationRecording {
    /// Applies every migration in order on a fresh database of `engine` (holding what
    /// `existing` creates first, if given: tables to adopt), each in its own transaction as the
    /// Migrator runs it, and returns each one's statements by version.
    static func statements(_ engine: Engine, existing: String? = nil) throws -> [Int: [String]] {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        if let existing { try connection.executeScript(existing) }
        let recorder = RecordingConnection(connection)
        var statements: [Int: [String]] = [:]
        for migration in SchemaMigrations.all.sorted(by: { $0.version < $1.version }) {
            try recorder.transaction { () throws(DatabaseError) in try migration.apply(recorder) }
            statements[migration.version] = recorder.takeStatements()
        }
        return statements
    }

    /// The SHA-256 of the statements, each on its own, with the months a partition is named
    /// and bounded by (migration 7 makes this month's and the next three) written as `MONTH`:
    /// they change with the calendar, not with the migration.
    static func checksum(_ statements: [String]) -> String {
        SHA256.hex(statements.map(withoutMonths).joined(separator: "\n;\n"))
    }

    private static func withoutMonths(_ statement: String) -> String {
        statement
            .replacing(/_y\d{4}m\d{2}/, with: "_yMONTH")
            .replacing(/\d{4}-\d{2}-01 00:00:00\+00/, with: "MONTH-01 00:00:00+00")
    }
}
