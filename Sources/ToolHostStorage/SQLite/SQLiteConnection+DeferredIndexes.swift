import CSQLite
import ToolHostCore

/// An index that a large bulk insert set aside (`SQLiteDeferredIndexes`), built again.
public struct BuiltIndex: Sendable, Equatable {
    public let name: String
    public let table: String
}

extension DatabaseConnection {
    /// Builds every index that large bulk inserts set aside, and returns them ([] when none
    /// wait, the usual case: one read of a small table). SQLite only; PostgreSQL keeps its
    /// indexes current. A built-in tool's every use of a connection that may read calls it
    /// first (`HandlerContext.withConnection`), and so does the migrator, so no query runs
    /// without an index it could use for longer than the first.
    public func buildDeferredIndexes() throws(DatabaseError) -> [BuiltIndex] {
        guard let sqlite = ((self as? TracedConnection)?.wrapped ?? self) as? SQLiteConnection else { return [] }
        return try sqlite.buildDeferredIndexes()
    }
}

extension SQLiteConnection {
    /// Auxiliary threads SQLite's sorter may use for an index build (its `PRAGMA threads`).
    private static var sorterThreads: Int { max(1, min(Processors.online, 4)) }

    /// The sorter's memory per sorted run while an index is built. Runs this small stay in the
    /// CPU's caches while they are sorted, and each is sorted by a thread of its own; measured
    /// on the two indexes of a million `tool_logs` rows (SQLite 3.40, two cores): 1.25 s with
    /// 4 MiB runs and two threads, 2.0 s with the 256 MiB page cache in one run.
    private static let sorterRunKiB = 4096

    func buildDeferredIndexes() throws(DatabaseError) -> [BuiltIndex] {
        guard try !deferredIndexes().isEmpty else { return [] }
        return try withIndexBuildSorter { () throws(DatabaseError) -> [BuiltIndex] in
            try transaction { () throws(DatabaseError) -> [BuiltIndex] in
                // Again under the write lock: another connection may have built them meanwhile.
                let waiting = try deferredIndexes()
                for index in waiting {
                    let exists = try run("SELECT 1 AS found FROM sqlite_master WHERE type = 'index' AND name = ?1", [.text(index.name)]).rows
                    if exists.isEmpty { try executeScript(index.sql) }
                    _ = try run("DELETE FROM \(SQLIdentifier.quote(DeferredIndexLedger.table.name)) WHERE name = ?1", [.text(index.name)])
                }
                return waiting.map { BuiltIndex(name: $0.name, table: $0.table) }
            }
        }
    }

    /// The indexes waiting to be built, in the order they were set aside; [] on a database
    /// without the ledger (one migration 12 has not reached).
    private func deferredIndexes() throws(DatabaseError) -> [(name: String, table: String, sql: String)] {
        let rows: [JSONObject]
        do {
            rows = try run("SELECT name, table_name, sql FROM \(SQLIdentifier.quote(DeferredIndexLedger.table.name)) ORDER BY rowid").rows
        } catch where error.message.contains("no such table") {
            return []
        }
        return rows.compactMap { row in
            guard let name = row["name"]?.stringValue, let table = row["table_name"]?.stringValue, let sql = row["sql"]?.stringValue else { return nil }
            return (name, table, sql)
        }
    }

    /// Runs `body` with the sorter set up for index builds: several small sorted runs, sorted by
    /// auxiliary threads, which SQLite allows only with temporary files (`temp_store = FILE`,
    /// where sorts too large for memory spill; the page cache absorbs them). The connection's
    /// own settings come back after. Inside a transaction the temporary store cannot change,
    /// and the build runs as the connection is set.
    private func withIndexBuildSorter<T>(_ body: () throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        guard !inTransaction else { return try body() }
        let cacheSize = try run("PRAGMA cache_size").rows.first?["cache_size"]?.integerValue ?? -Self.pageCacheKiB
        let tempStore = try run("PRAGMA temp_store").rows.first?["temp_store"]?.integerValue ?? 2
        let threads = try run("PRAGMA threads").rows.first?["threads"]?.integerValue ?? 0
        try executeScript("PRAGMA temp_store = FILE; PRAGMA threads = \(Self.sorterThreads); PRAGMA cache_size = -\(Self.sorterRunKiB)")
        defer { try? executeScript("PRAGMA cache_size = \(cacheSize); PRAGMA threads = \(threads); PRAGMA temp_store = \(tempStore)") }
        return try body()
    }
}
