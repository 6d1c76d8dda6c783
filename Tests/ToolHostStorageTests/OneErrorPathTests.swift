import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage

/// Code that fails with `ToolHostError` (a handler's "not found", an export whose file cannot
/// be written) uses a transaction and a row read directly: its own error comes back as it was,
/// after the rollback or with the rest of the result discarded, and the connection goes on.
@Suite("One error path through transactions and row reads")
struct OneErrorPathTests {
    private func table(_ connection: any DatabaseConnection) throws {
        try connection.executeScript("CREATE TABLE t (v INTEGER NOT NULL)")
        for value in 1...5 { _ = try connection.run("INSERT INTO t (v) VALUES (\(value))") }
    }

    @Test(arguments: Engine.allCases)
    func aTransactionRollsBackAndRethrowsTheBodysOwnError(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try table(connection)
        var caught: ToolHostError?
        do throws(ToolHostError) {
            try connection.transaction { () throws(ToolHostError) in
                _ = try withDatabaseErrors { () throws(DatabaseError) in try connection.run("INSERT INTO t (v) VALUES (6)") }
                throw ToolHostError(.notFound, "No such thing.", details: ["id": "x"])
            }
        } catch {
            caught = error
        }
        #expect(caught?.code == .notFound && caught?.message == "No such thing." && caught?.details["id"] == "x", "\(String(describing: caught))")
        let count = try connection.run("SELECT count(*) AS n FROM t").rows.first?["n"]
        #expect(count == 5, "the insert was rolled back")
        #expect(!connection.inTransaction)
    }

    @Test(arguments: Engine.allCases, ["row", "json", "raw"])
    func aRowReadStoppedByItsBodyGivesTheBodysErrorAndTheConnectionGoesOn(engine: Engine, read: String) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try table(connection)
        var seen = 0
        let stopAtSecond = { () throws(ToolHostError) in
            seen += 1
            if seen == 2 { throw ToolHostError(.ioError, "The export could not be written: disk full.") }
        }
        var caught: ToolHostError?
        do throws(ToolHostError) {
            let sql = "SELECT v FROM t ORDER BY v"
            switch read {
            case "row": try connection.forEachRow(sql, []) { (_: JSONObject) throws(ToolHostError) in try stopAtSecond() }
            case "json": try connection.forEachRowAsJSON(sql, []) { (_) throws(ToolHostError) in try stopAtSecond() }
            default: try connection.forEachRawRow(sql, []) { (_) throws(ToolHostError) in try stopAtSecond() }
            }
        } catch {
            caught = error
        }
        #expect(caught?.code == .ioError && caught?.message == "The export could not be written: disk full.", "\(String(describing: caught))")
        #expect(seen == 2, "the read stopped at the row whose body failed")
        let count = try connection.run("SELECT count(*) AS n FROM t").rows.first?["n"]
        #expect(count == 5, "the connection answers the next statement")
    }

    @Test(arguments: Engine.allCases)
    func aFailedReadComesAsTheBodysErrorType(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        var caught: ToolHostError?
        do throws(ToolHostError) {
            try connection.forEachRow("SELECT v FROM missing_table", []) { (_: JSONObject) throws(ToolHostError) in }
        } catch {
            caught = error
        }
        #expect(caught?.code == .databaseError, "\(String(describing: caught))")
    }

    /// A unique violation: its typed result code and the statement as sent (placeholders, no value).
    @Test(arguments: Engine.allCases)
    func aFailureNamesItsStatementAndResultCodeButNoValue(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try connection.executeScript("CREATE TABLE u (name TEXT UNIQUE)")
        let insert = "INSERT INTO u (name) VALUES (\(engine == .postgres ? "$1" : "?1"))"
        _ = try connection.run(insert, [.text("secret-value-1")])
        var caught: DatabaseError?
        do throws(DatabaseError) {
            _ = try connection.run(insert, [.text("secret-value-1")])
        } catch {
            caught = error
        }
        let expected: DatabaseError.ResultCode = engine == .postgres ? .sqlState("23505") : .sqlite(2067)
        #expect(caught?.resultCode == expected, "\(String(describing: caught?.resultCode))")
        #expect(caught?.statement == insert)
        // What ToolHost adds never holds a value (PostgreSQL's own detail may quote the key).
        let added = [caught?.message, caught?.statement].compactMap { $0 }.joined(separator: " ")
        #expect(!added.contains("secret-value-1"), "\(added)")
        let answer = caught.map { JSONWriter.string($0.toolHostError.answer) } ?? ""
        #expect(!answer.contains(insert), "the statement is not part of the caller's answer: \(answer)")
    }
}
