import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// A bulk insert large enough for SQLite to set the table's indexes aside and build them again
/// afterwards (`SQLiteDeferredIndexes`) leaves the same indexes, complete; one that fails leaves
/// the table and its indexes as they were. PostgreSQL keeps its indexes current throughout.
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

    /// Each index of tool_logs: its name and definition, and where its tree starts (SQLite).
    private func indexes(on connection: any DatabaseConnection) throws -> [JSONObject] {
        switch connection.dialect {
        case .sqlite:
            try connection.run("SELECT name, sql, rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tool_logs' ORDER BY name").rows
        case .postgres:
            try connection.run("SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'tool_logs' ORDER BY indexname").rows
        }
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

    private func definitions(_ indexes: [JSONObject]) -> [JSONObject] {
        indexes.map { index in JSONObject(index.filter { $0.key != "rootpage" }.map { ($0.key, $0.value) }) }
    }

    @Test(arguments: Engine.allCases)
    func aBatchLargerThanItsTableComesWithTheSameCompleteIndexes(engine: Engine) throws {
        let (test, connection) = try seeded(engine)
        defer { withExtendedLifetime(test) {} }
        let before = try indexes(on: connection)
        let count = try connection.transaction { () throws(DatabaseError) -> Int in
            try connection.bulkInsert(into: BulkSchema.logs, columns: Self.columns, rows: Self.rows(Self.batchRows))
        }
        #expect(count == Self.batchRows)
        let after = try indexes(on: connection)
        let sameDefinitions = definitions(after) == definitions(before)
        #expect(sameDefinitions, "\(before) became \(after)")
        #expect(after.count >= 2)
        // Ids follow the order of the rows across SQLite's multi-row statements.
        let messages = try connection.run("SELECT message FROM tool_logs ORDER BY id").rows.compactMap { $0["message"]?.stringValue }
        let sent = (0..<100).map { "line \($0)" } + (0..<Self.batchRows).map { "line \($0)" }
        #expect(messages == sent)
        let filtered = try connection.run("SELECT count(*) AS n FROM tool_logs WHERE tool_id = 'tool4' AND log_level = 'error'").rows.first?["n"]
        let expected = (0..<100).filter { $0 % 13 == 4 && $0 % 3 == 0 }.count + (0..<Self.batchRows).filter { $0 % 13 == 4 && $0 % 3 == 0 }.count
        #expect(filtered == .int(expected))
        if engine == .sqlite {
            // Built again, not kept current: each tree starts somewhere new, and holds every row.
            let rootPages = after.map { $0["rootpage"] }
            let movedRoots = zip(rootPages, before.map { $0["rootpage"] }).allSatisfy { $0 != $1 }
            #expect(movedRoots, "\(before) → \(after)")
            let check = try connection.run("PRAGMA integrity_check").rows.first?["integrity_check"]
            #expect(check == "ok")
            let plan = try connection.run("EXPLAIN QUERY PLAN SELECT id FROM tool_logs WHERE tool_id = 'tool4' AND log_level = 'error'").rows
            let usesIndex = plan.contains { ($0["detail"]?.stringValue ?? "").contains("idx_tool_logs_tool_level") }
            #expect(usesIndex, "\(plan)")
        }
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
            let check = try connection.run("PRAGMA integrity_check").rows.first?["integrity_check"]
            #expect(check == "ok")
        }
    }

    /// A table without rowids has no cheap size: its indexes are kept current, and the batch
    /// goes in whole.
    @Test
    func aTableWithoutRowIDsTakesALargeBatchWithItsIndexes() throws {
        let test = try TestDatabase(.sqlite)
        let connection = try test.connect()
        try connection.executeScript("CREATE TABLE pairs (k INTEGER PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID; CREATE INDEX pairs_v ON pairs (v)")
        let before = try connection.run("SELECT name, sql, rootpage FROM sqlite_master WHERE name = 'pairs_v'").rows
        let count = try connection.bulkInsert(into: TableName("pairs"), columns: ["k", "v"],
                                              rows: (0..<Self.batchRows).map { [.integer(Int64($0)), .text("v\($0 % 97)")] })
        #expect(count == Self.batchRows)
        let after = try connection.run("SELECT name, sql, rootpage FROM sqlite_master WHERE name = 'pairs_v'").rows
        #expect(after == before)
        let check = try connection.run("PRAGMA integrity_check").rows.first?["integrity_check"]
        #expect(check == "ok")
    }
}
