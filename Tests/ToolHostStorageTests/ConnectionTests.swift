import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

@Suite("Database connections on both engines")
struct ConnectionTests {
    @Test(arguments: Engine.allCases)
    func runsStatementsWithBoundParametersAndCountsRows(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        let placeholder: (Int) -> String = { engine == .postgres ? "$\($0)" : "?\($0)" }
        try connection.executeScript("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, score DOUBLE PRECISION)")
        let inserted = try connection.run("INSERT INTO items (id, name, score) VALUES (\(placeholder(1)), \(placeholder(2)), \(placeholder(3)))",
                                          [.integer(1), .text("it's; DROP TABLE items --"), .double(2.5)])
        #expect(inserted.rowsAffected == 1)
        let rows = try connection.run("SELECT id, name, score FROM items WHERE name = \(placeholder(1))", [.text("it's; DROP TABLE items --")]).rows
        #expect(rows == [["id": 1, "name": "it's; DROP TABLE items --", "score": 2.5]])
        #expect(rows.first?.keys == ["id", "name", "score"])
    }

    @Test(arguments: Engine.allCases)
    func transactionsCommitOrRollBackWhole(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try connection.executeScript("CREATE TABLE t (v INTEGER NOT NULL)")
        try connection.transaction { () throws(DatabaseError) in
            _ = try connection.run("INSERT INTO t (v) VALUES (1)")
        }
        #expect(throws: DatabaseError.self) {
            try connection.transaction { () throws(DatabaseError) in
                _ = try connection.run("INSERT INTO t (v) VALUES (2)")
                _ = try connection.run("INSERT INTO t (v) VALUES (NULL)")
            }
        }
        #expect(try connection.run("SELECT v FROM t ORDER BY v").rows == [["v": 1]])
        #expect(!connection.inTransaction)
    }

    @Test(arguments: Engine.allCases)
    func bulkInsertTakesManyRowsWithAwkwardValues(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try Migrator.migrate(connection)
        let rows: [[SQLValue]] = (0..<5000).map { index in
            [.text("tool\(index % 7)"), .text("info"), .text("line \(index)\ttab\nnewline \\ backslash é"),
             index % 2 == 0 ? .json(["n": .int(index), "s": "x\"y"]) : .null]
        }
        let count = try connection.transaction { () throws(DatabaseError) -> Int in
            try connection.bulkInsert(into: BulkSchema.logs, columns: ["tool_id", "log_level", "message", "details"], rows: rows)
        }
        #expect(count == 5000)
        let back = try connection.run("SELECT message, details FROM tool_logs WHERE message LIKE 'line 42\t%'").rows
        #expect(back == [["message": "line 42\ttab\nnewline \\ backslash é", "details": ["n": 42, "s": "x\"y"]]])
    }

    @Test(arguments: Engine.allCases)
    func forEachRowStreamsEveryRow(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try connection.executeScript("CREATE TABLE n (v INTEGER)")
        _ = try connection.bulkInsert(into: TableName("n"), columns: ["v"], rows: (1...1000).map { [.integer(Int64($0))] })
        var sum: Int64 = 0
        let count = try connection.forEachRow("SELECT v FROM n", []) { (row: JSONObject) throws(DatabaseError) in
            sum += Int64(row["v"]?.integerValue ?? 0)
        }
        #expect(count == 1000)
        #expect(sum == 500_500)
    }

    @Test(arguments: Engine.allCases)
    func resultSizeLimitAndFetchOneStopEarly(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try connection.executeScript("CREATE TABLE big (v TEXT)")
        _ = try connection.bulkInsert(into: TableName("big"), columns: ["v"], rows: (1...2000).map { _ in [.text(String(repeating: "x", count: 1000))] })
        do {
            _ = try connection.run("SELECT v FROM big", [], options: QueryOptions(maxResultBytes: 100_000))
            Issue.record("a 2 MB result passed a 100 kB limit")
        } catch {
            #expect(error.kind == .resultTooLarge)
        }
        let one = try connection.run("SELECT v FROM big", [], options: QueryOptions(fetchOne: true))
        #expect(one.rows.count == 1)
        // The connection is still usable after an abandoned result.
        #expect(try connection.run("SELECT count(*) AS n FROM big").rows.first?["n"] == 2000)
    }

    @Test(arguments: Engine.allCases)
    func statementTimeoutCancelsLongQueries(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        let slow = engine == .postgres
            ? "SELECT pg_sleep(5)"
            : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        do {
            _ = try connection.run(slow, [], options: QueryOptions(timeoutSeconds: 0.2))
            Issue.record("the slow query was not cancelled")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.toolHostError.code == .queryTimeout)
        }
        #expect(try connection.run("SELECT 1 AS one").rows.first?["one"] == 1)
    }

    @Test(arguments: Engine.allCases)
    func errorsCarryTheDatabasesExplanation(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        do {
            _ = try connection.run("SELECT * FROM no_such_table")
            Issue.record("a missing table was not reported")
        } catch {
            #expect(error.kind == .statement)
            #expect(error.message.contains("no_such_table"))
            if engine == .postgres { #expect(error.sqlState == "42P01") }
        }
    }

    @Test func connectionFailuresNameTheTargetButNeverThePassword() throws {
        var settings = DatabaseSettings(path: "")
        settings.kind = .postgres
        settings.host = "127.0.0.1"
        settings.port = 1
        settings.database = "nowhere"
        settings.password = "hunter2-secret"
        settings.connectTimeoutSeconds = 2
        do {
            _ = try PostgresConnection(settings: settings)
            Issue.record("connected to port 1")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.message.contains("127.0.0.1:1"))
            #expect(error.message.contains("nowhere"))
            #expect(!error.message.contains("hunter2"))
            #expect(error.toolHostError.code == .databaseUnavailable)
        }
        var url = settings
        url.url = "postgresql://me:hunter2-secret@127.0.0.1:1/nowhere"
        #expect(!url.displayName.contains("hunter2"))
    }

    /// Engines cap a statement's parameters (PostgreSQL 65,535, SQLite 32,766): a delete by
    /// 70,000 keys is split, and deletes exactly what it names.
    @Test(arguments: Engine.allCases)
    func deletingByManyKeysStaysUnderTheParameterLimits(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let connection = try database.connect()
        try connection.executeScript("CREATE TABLE keyed (k TEXT, scope TEXT)")
        _ = try connection.run("INSERT INTO keyed VALUES ('k5', 'a'), ('k69999', 'a'), ('k7', 'b'), ('other', 'a')")
        let keys = (0..<70_000).map { "k\($0)" }
        #expect(try connection.deleteRows(from: "keyed", where: "k", in: keys, scope: ("scope", .text("a"))) == 2)
        #expect(try connection.run("SELECT k FROM keyed ORDER BY k").rows.compactMap { $0["k"]?.stringValue } == ["k7", "other"])
    }
}
