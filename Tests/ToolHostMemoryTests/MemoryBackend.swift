import ToolHostCore
import ToolHostStorage
import ToolHostTestSupport
@testable import ToolHostMemory

/// Every place vectors can live, each tested for the same behaviour: the `sql` index on both
/// engines, and pgvector on the PostgreSQL server that has the extension.
enum MemoryBackend: String, CaseIterable, CustomStringConvertible {
    case sqliteSQL = "sqlite+sql", postgresSQL = "postgres+sql", pgvector
    var description: String { rawValue }

    func database() throws -> TestDatabase {
        switch self {
        case .sqliteSQL: try TestDatabase(.sqlite)
        case .postgresSQL: try TestDatabase(.postgres)
        case .pgvector: try TestDatabase.withPgvector()
        }
    }

    /// The backend's index, and a routing strategy that sends the corpus of these tests to all
    /// three routes (code fixes and bug reports to both stores, performance records to bulk
    /// storage only, prompts to the index only); the default routing has tests of its own.
    var settings: MemorySettings {
        var settings = MemorySettings()
        settings.index = self == .pgvector ? .pgvector : .sql
        settings.routing.bulkTypes = ["performance", "evaluation", "debug_data", "perf_data"]
        settings.routing.vectorTypes = ["prompt", "pattern"]
        settings.routing.hybridTypes = ["plan", "function", "tool", "failure", "bug_report", "code_fix"]
        return settings
    }
}

/// One test's memory: a fresh database, migrated, and an `ArtifactMemory` over it.
final class MemoryFixture {
    let database: TestDatabase
    let pool: Database
    let backend: MemoryBackend

    init(_ backend: MemoryBackend) throws {
        self.backend = backend
        database = try backend.database()
        pool = database.database()
    }

    /// Names this database for resident vectors and vector files.
    var scope: String { database.settings.displayName + database.settings.path }

    /// Runs `body` with memory configured as `settings` (the backend's by default), keeping
    /// vector files in `vectorFiles` (none by default) under `scope` (this database's).
    func with<T>(_ settings: MemorySettings? = nil, embedder: (any Embedder)? = nil, vectorFiles: String? = nil, scope: String? = nil,
                 _ body: (ArtifactMemory) throws(ToolHostError) -> T) throws -> T {
        try pool.withConnection { (connection) throws(ToolHostError) -> T in
            try body(try ArtifactMemory(connection: connection, settings: settings ?? backend.settings,
                                        scope: scope ?? self.scope, vectorFiles: vectorFiles, embedder: embedder))
        }
    }

    func count(_ sql: String) throws -> Int {
        (try database.connect().run(sql).rows.first).flatMap { row in row.keys.first.flatMap { row[$0]?.integerValue } } ?? -1
    }

    /// How many index entries the backend holds, over every table it uses.
    func indexEntries() throws -> Int {
        switch backend {
        case .sqliteSQL, .postgresSQL: return try count("SELECT count(*) FROM memory_vectors")
        case .pgvector:
            let tables = try database.connect().run("SELECT tablename FROM pg_tables WHERE tablename LIKE 'memory_pgvector_%'").rows
                .compactMap { $0["tablename"]?.stringValue }
            return try tables.reduce(0) { total, table in total + (try count("SELECT count(*) FROM \(table)")) }
        }
    }
}
