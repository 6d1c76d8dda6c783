import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage

/// SQLite's bulk insert cuts its rows into one multi-row INSERT's worth each, made on a second
/// thread for a large batch (`InsertBatches`): rows arrive whole and in order at every size on
/// either side of the statement and the thread thresholds, and a failure on either thread ends
/// the batch with its error, nothing stored, the connection fit for the next one.
@Suite("SQLite insert batches")
struct InsertBatchesTests {
    private static let perStatement = 50
    private static let sizes = [0, 1, 49, 50, 51, InsertBatches.pipelinedRows - 1, InsertBatches.pipelinedRows,
                                InsertBatches.pipelinedRows + 1, 12_345]

    private static func rows(_ count: Int) -> [[SQLValue]] {
        (0..<count).map { [.integer(Int64($0)), .text("row \($0)")] }
    }

    /// A table without indexes or a ledger: only the batches are under test.
    private func table() throws -> (TestDatabase, SQLiteConnection) {
        let test = try TestDatabase(.sqlite)
        let connection = try #require(try test.connect() as? SQLiteConnection)
        try connection.executeScript("CREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, s TEXT NOT NULL)")
        return (test, connection)
    }

    /// Statement-sized batches, all full but the last; their order and content are what the
    /// table gets (next test).
    @Test(arguments: sizes)
    func everyRowComesOnceInStatementSizedBatches(size: Int) throws {
        var batches: [(values: Int, rows: Int)] = []
        try InsertBatches.forEach(Self.rows(size), columns: 2, perStatement: Self.perStatement) { values, rows in
            batches.append((values.count, rows))
        }
        let full = batches.dropLast().allSatisfy { $0.rows == Self.perStatement }
        #expect(full)
        let lastRows = batches.last?.rows ?? 0
        #expect(lastRows == (size % Self.perStatement == 0 ? min(size, Self.perStatement) : size % Self.perStatement))
        let shapes = batches.allSatisfy { $0.values == $0.rows * 2 }
        #expect(shapes)
        #expect(batches.map(\.rows).reduce(0, +) == size)
    }

    @Test(arguments: sizes)
    func aBulkInsertStoresEveryRowInOrder(size: Int) throws {
        let (test, connection) = try table()
        defer { withExtendedLifetime(test) {} }
        let count = try connection.bulkInsert(into: TableName("items"), columns: ["n", "s"], rows: Self.rows(size))
        #expect(count == size)
        let stored = try connection.run("SELECT n, s FROM items ORDER BY id").rows
        let inOrder = stored.enumerated().allSatisfy { $1["n"] == .int($0) && $1["s"] == .string("row \($0)") }
        #expect(stored.count == size)
        #expect(inOrder)
    }

    /// The producer's own failure: a row of the wrong width, far into a large batch.
    @Test(arguments: [1_000, 9_000])
    func aRowOfTheWrongWidthEndsTheBatchAndStoresNothing(at position: Int) throws {
        let (test, connection) = try table()
        defer { withExtendedLifetime(test) {} }
        var rows = Self.rows(12_000)
        rows[position] = [.integer(1)]
        do {
            _ = try connection.bulkInsert(into: TableName("items"), columns: ["n", "s"], rows: rows)
            Issue.record("a short row was stored")
        } catch {
            #expect(error.message == "A row has 1 values for 2 columns")
        }
        let stored = try connection.run("SELECT count(*) AS n FROM items").rows.first?["n"]
        #expect(stored == 0)
        try checkTheConnectionTakesTheNextBatch(connection)
    }

    /// The inserting side's failure, early, while the producer waits for room: it is stopped,
    /// and waited for, before the error comes back.
    @Test func aFailingStatementStopsTheProducer() throws {
        let (test, connection) = try table()
        defer { withExtendedLifetime(test) {} }
        var rows = Self.rows(50_000)
        rows[120] = [.integer(120), .null]
        let made = MadeRows(rows)
        do {
            _ = try connection.bulkInsert(into: TableName("items"), columns: ["n", "s"], rows: made)
            Issue.record("a NULL was stored in a NOT NULL column")
        } catch {
            #expect(error.message.contains("NOT NULL"), "\(error.message)")
        }
        // Stopped a few thousand rows ahead at most, not run to the end.
        let produced = made.produced
        #expect(produced < 10_000, "\(produced) rows made")
        let stored = try connection.run("SELECT count(*) AS n FROM items").rows.first?["n"]
        #expect(stored == 0)
        try checkTheConnectionTakesTheNextBatch(connection)
    }

    /// Every kind of value is stored by a bulk insert (bound from one buffer) exactly as a
    /// single INSERT stores it: type and bytes, a NUL inside text, empty text and blobs.
    @Test func valuesAreStoredAsASingleInsertStoresThem() throws {
        let (test, connection) = try table()
        defer { withExtendedLifetime(test) {} }
        try connection.executeScript("CREATE TABLE single (id INTEGER PRIMARY KEY, v); CREATE TABLE bulk (id INTEGER PRIMARY KEY, v)")
        let values: [SQLValue] = [
            .null, .bool(true), .bool(false), .integer(-9_223_372_036_854_775_807), .integer(0), .double(-0.5), .double(1e300),
            .text(""), .text("plain"), .text("nul \u{0} inside"), .text("é ü 日本 🎉"), .blob([]), .blob([0, 255, 7]),
            .json(["a": [1, 2.5, "x"], "b": .null]), .json("just text"), .json([]),
        ]
        for value in values { try connection.run("INSERT INTO single (v) VALUES (?1)", [value]) }
        // Repeated past the pipeline's threshold, so the values also cross threads.
        let repeats = InsertBatches.pipelinedRows / values.count + 1
        let count = try connection.bulkInsert(into: TableName("bulk"), columns: ["v"],
                                              rows: (0..<repeats).flatMap { _ in values.map { [$0] } })
        #expect(count == repeats * values.count)
        let single = try connection.run("SELECT typeof(v) AS type, hex(v) AS bytes FROM single ORDER BY id").rows
        let bulk = try connection.run("SELECT typeof(v) AS type, hex(v) AS bytes FROM bulk ORDER BY id").rows
        #expect(single.count == values.count)
        for (index, row) in bulk.enumerated() {
            let same = row == single[index % values.count]
            #expect(same, "value \(values[index % values.count]): bulk \(row), single \(single[index % values.count])")
            if !same { break }
        }
    }

    private func checkTheConnectionTakesTheNextBatch(_ connection: SQLiteConnection, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let count = try connection.bulkInsert(into: TableName("items"), columns: ["n", "s"], rows: Self.rows(InsertBatches.pipelinedRows))
        #expect(count == InsertBatches.pipelinedRows, sourceLocation: sourceLocation)
        let stored = try connection.run("SELECT count(*) AS n FROM items").rows.first?["n"]
        #expect(stored == .int(InsertBatches.pipelinedRows), sourceLocation: sourceLocation)
    }
}

/// Rows handed out one at a time, counting how many were asked for (read after the insert).
private final class MadeRows: Sequence, IteratorProtocol, @unchecked Sendable {
    private let rows: [[SQLValue]]
    private(set) var produced = 0

    init(_ rows: [[SQLValue]]) { self.rows = rows }

    var underestimatedCount: Int { rows.count }

    func next() -> [SQLValue]? {
        guard produced < rows.count else { return nil }
        produced += 1
        return rows[produced - 1]
    }
}
