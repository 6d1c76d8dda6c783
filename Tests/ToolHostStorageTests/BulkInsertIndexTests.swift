import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// A bulk insert large enough for SQLite to set the table's indexes aside
/// (`SQLiteDeferredIndexes`) leaves them for the first read, which builds the same indexes,
/// complete (`buildDeferredIndexes`); one that fails leaves the table and its indexes as they
/// were. PostgreSQL keeps its indexes current throughout.
@Suite("Bulk inserts and the table's indexes")
struct BulkInsertIndexTests {
    /// Not a whole number of SQLite's multi-row statements: the last one is shorter.
    private static let batchRows = SQLiteDeferredIndexes.minimumBatchRows * 2 + 7
    private static let columns = ["tool_id", "log_level", "message", "details"]

    private static func rows(_ count: Int, nullMessageAt bad: Int? = nil) -> [[SQLValue]] {
        (0..<count).map { index in
            [.text("tool\(index % 13)"), .text(index % 3 == 0 ? "error" : "info"),
             index == bad ? .null : .text("line \(index)"), .json(["n": .int(index)])]
        }
    }

    private func indexes(on connection: any DatabaseConnection) throws -> [JSONObject] {
        try connection.indexes(of: "tool_logs")
    }

    /// What waits in the ledger: name and statement of each set-aside index, by name.
    private func waiting(on connection: any DatabaseConnection) throws -> [JSONObject] {
        try connection.run("SELECT name, sql FROM toolhost_deferred_indexes ORDER BY name").rows
    }

    /// A fresh database of `engine`, migrated, with 100 rows in tool_logs.
    private func seeded(_ engine: Engine) throws -> (TestDatabase, any DatabaseConnection) {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try Migrator.migrate(connection)
        _ = try connection.transaction { () throws(DatabaseError) -> Int in
            try connection.bulkInsert(into: BulkSchema.logs, columns: Self.columns, rows: Self.rows(100))
        }
        return (test, connection)
    }

    private func insertBatch(_ rows: Int, on connection: any DatabaseConnection) throws -> Int {
        try connection.transaction { () throws(DatabaseError) -> Int in
            try connection.bulkInsert(into: BulkSchema.logs, columns: Self.columns, rows: Self.rows(rows))
        }
    }

    private func definitions(_ indexes: [JSONObject]) -> [JSONObject] {
        indexes.map { index in JSONObject(index.filter { $0.key != "rootpage" }.map { ($0.key, $0.value) }) }
    }

    private func integrityCheck(_ connection: any DatabaseConnection) throws -> JSONValue? {
        try connection.run("PRAGMA integrity_check").rows.first?["integrity_check"]
    }

    /// tool4's errors, counted by a query an index serves (or a scan, while it is set aside).
    private func toolFourErrors(_ connection: any DatabaseConnection) throws -> JSONValue? {
        try connection.run("SELECT count(*) AS n FROM tool_logs WHERE tool_id = 'tool4' AND log_level = 'error'").rows.first?["n"]
    }

    private static func expectedToolFourErrors(batches: [Int]) -> JSONValue {
        .int(batches.map { rows in (0..<rows).filter { $0 % 13 == 4 && $0 % 3 == 0 }.count }.reduce(0, +))
    }

    @Test(arguments: Engine.allCases)
    func aBatchLargerThanItsTableLeavesTheSameCompleteIndexesToTheFirstRead(engine: Engine) throws {
        let (test, connection) = try seeded(engine)
        defer { withExtendedLifetime(test) {} }
        let before = try indexes(on: connection)
        #expect(before.count >= 2)
        let count = try insertBatch(Self.batchRows, on: connection)
        #expect(count == Self.batchRows)
        // Ids follow the order of the rows across SQLite's multi-row statements.
        let messages = try connection.run("SELECT message FROM tool_logs ORDER BY id").rows.compactMap { $0["message"]?.stringValue }
        let sent = (0..<100).map { "line \($0)" } + (0..<Self.batchRows).map { "line \($0)" }
        #expect(messages == sent)
        let expected = Self.expectedToolFourErrors(batches: [100, Self.batchRows])
        let counted = try toolFourErrors(connection)
        #expect(counted == expected)
        if engine == .sqlite {
            // Set aside: gone from the schema, each recorded with the statement that makes it.
            let setAside = try indexes(on: connection)
            #expect(setAside.isEmpty, "\(setAside)")
            let ledger = try waiting(on: connection)
            let recorded = ledger == definitions(before)
            #expect(recorded, "\(ledger) for \(before)")
        }
        let built = try connection.buildDeferredIndexes()
        #expect(built.map(\.name) == (engine == .sqlite ? before.compactMap { $0["name"]?.stringValue } : []))
        let after = try indexes(on: connection)
        let sameDefinitions = definitions(after) == definitions(before)
        #expect(sameDefinitions, "\(before) became \(after)")
        let countedAfter = try toolFourErrors(connection)
        #expect(countedAfter == expected)
        let again = try connection.buildDeferredIndexes()
        #expect(again.isEmpty)
        if engine == .sqlite {
            // Built again, not kept current: each tree starts somewhere new, and holds every row.
            let rootPages = after.map { $0["rootpage"] }
            let movedRoots = zip(rootPages, before.map { $0["rootpage"] }).allSatisfy { $0 != $1 }
            #expect(movedRoots, "\(before) → \(after)")
            let check = try integrityCheck(connection)
            #expect(check == "ok")
            let plan = try connection.run("EXPLAIN QUERY PLAN SELECT id FROM tool_logs WHERE tool_id = 'tool4' AND log_level = 'error'").rows
            let usesIndex = plan.contains { ($0["detail"]?.stringValue ?? "").contains("idx_tool_logs_tool_level") }
            #expect(usesIndex, "\(plan)")
            let ledger = try waiting(on: connection)
            #expect(ledger.isEmpty)
        }
    }

    /// While the indexes wait, further batches (of any size) and single rows go in with nothing
    /// to maintain, and the one build covers them all.
    @Test func batchesWhileTheIndexesWaitAreCoveredByTheOneBuild() throws {
        let (test, connection) = try seeded(.sqlite)
        defer { withExtendedLifetime(test) {} }
        let before = try indexes(on: connection)
        _ = try insertBatch(Self.batchRows, on: connection)
        _ = try insertBatch(Self.batchRows, on: connection)
        _ = try insertBatch(3, on: connection)
        let ledger = try waiting(on: connection)
        let recordedOnce = ledger == definitions(before)
        #expect(recordedOnce, "\(ledger)")
        let built = try connection.buildDeferredIndexes()
        #expect(built.count == before.count)
        let after = try indexes(on: connection)
        let sameDefinitions = definitions(after) == definitions(before)
        #expect(sameDefinitions, "\(before) became \(after)")
        let counted = try toolFourErrors(connection)
        #expect(counted == Self.expectedToolFourErrors(batches: [100, Self.batchRows, Self.batchRows, 3]))
        let check = try integrityCheck(connection)
        #expect(check == "ok")
    }

    /// An index someone made again while it waited is kept as it is; the ledger still empties.
    @Test func anIndexMadeAgainMeanwhileIsLeftAsItIs() throws {
        let (test, connection) = try seeded(.sqlite)
        defer { withExtendedLifetime(test) {} }
        let before = try indexes(on: connection)
        _ = try insertBatch(Self.batchRows, on: connection)
        let remade = try #require(before.first?["sql"]?.stringValue)
        try connection.executeScript(remade)
        let built = try connection.buildDeferredIndexes()
        #expect(built.count == before.count)
        let after = try indexes(on: connection)
        let sameDefinitions = definitions(after) == definitions(before)
        #expect(sameDefinitions, "\(before) became \(after)")
        let ledger = try waiting(on: connection)
        #expect(ledger.isEmpty)
    }

    /// A migration may drop or change an index a bulk insert set aside: the migrator builds
    /// what waits before it applies anything.
    @Test func migrationsFindTheIndexesTheyMayName() throws {
        let (test, connection) = try seeded(.sqlite)
        defer { withExtendedLifetime(test) {} }
        _ = try insertBatch(Self.batchRows, on: connection)
        let dropping = Migration(1000, "drops an index of tool_logs") { connection throws(DatabaseError) in
            try connection.executeScript("DROP INDEX idx_tool_logs_created_at")
        }
        let applied = try Migrator.migrate(connection, SchemaMigrations.all + [dropping])
        #expect(applied.map(\.version) == [1000])
        let names = try indexes(on: connection).compactMap { $0["name"]?.stringValue }
        #expect(names == ["idx_tool_logs_tool_level"])
        let ledger = try waiting(on: connection)
        #expect(ledger.isEmpty)
    }

    /// Where there is no ledger (a table outside the migrated schema, a database before
    /// migration 12), a large batch keeps the indexes current rather than lose them.
    @Test func withoutTheLedgerALargeBatchKeepsTheIndexesCurrent() throws {
        let test = try TestDatabase(.sqlite)
        let connection = try test.connect()
        try connection.executeScript("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE INDEX items_v ON items (v)")
        let before = try connection.indexes(of: "items")
        #expect(before.contains { $0["name"] == "items_v" })
        let count = try connection.bulkInsert(into: TableName("items"), columns: ["v"], rows: (0..<Self.batchRows).map { [.text("v\($0 % 97)")] })
        #expect(count == Self.batchRows)
        let after = try connection.indexes(of: "items")
        #expect(after == before)
        let built = try connection.buildDeferredIndexes()
        #expect(built.isEmpty)
        let check = try integrityCheck(connection)
        #expect(check == "ok")
    }

    /// Small batches keep the indexes current, large ones set them aside: either way a failing
    /// row undoes the batch, as COPY does on PostgreSQL.
    @Test(arguments: Engine.allCases, [100, batchRows])
    func aBatchThatFailsLeavesTheTableAndItsIndexesAsTheyWere(engine: Engine, size: Int) throws {
        let (test, connection) = try seeded(engine)
        defer { withExtendedLifetime(test) {} }
        let before = try indexes(on: connection)
        // The failure is caught inside the transaction, which then commits: what bulkInsert
        // leaves behind is all that could reach the database.
        try connection.transaction { () throws(DatabaseError) in
            do throws(DatabaseError) {
                _ = try connection.bulkInsert(into: BulkSchema.logs, columns: Self.columns, rows: Self.rows(size, nullMessageAt: size - 10))
                Issue.record("a NULL message was stored")
            } catch {
                let saysWhy = error.message.lowercased().contains("null")
                #expect(saysWhy, "\(error.message)")
            }
        }
        let after = try indexes(on: connection)
        #expect(after == before)
        let rows = try connection.run("SELECT count(*) AS n FROM tool_logs").rows.first?["n"]
        #expect(rows == 100)
        if engine == .sqlite {
            let check = try integrityCheck(connection)
            #expect(check == "ok")
            let ledger = try waiting(on: connection)
            #expect(ledger.isEmpty)
        }
    }

    /// A table without rowids has no cheap size: its indexes are kept current, and the batch
    /// goes in whole.
    @Test
    func aTableWithoutRowIDsTakesALargeBatchWithItsIndexes() throws {
        let test = try TestDatabase(.sqlite)
        let connection = try test.connect()
        try connection.executeScript("CREATE TABLE pairs (k INTEGER PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID; CREATE INDEX pairs_v ON pairs (v)")
        let before = try connection.indexes(of: "pairs")
        #expect(before.contains { $0["name"] == "pairs_v" })
        let count = try connection.bulkInsert(into: TableName("pairs"), columns: ["k", "v"],
                                              rows: (0..<Self.batchRows).map { [.integer(Int64($0)), .text("v\($0 % 97)")] })
        #expect(count == Self.batchRows)
        let after = try connection.indexes(of: "pairs")
        #expect(after == before)
        let check = try connection.run("PRAGMA integrity_check").rows.first?["integrity_check"]
        #expect(check == "ok")
    }
}
