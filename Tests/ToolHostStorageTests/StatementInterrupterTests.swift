import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// A call cancelled while it works in the database (`stopping(when:)`): the statement it is
/// running stops at once, the next ones are refused, its transaction is undone, and the
/// connection serves its next use as if nothing had happened.
@Suite("Cancelled calls stop their statements")
struct StatementInterrupterTests {
    /// A statement that would run for minutes.
    private static func longStatement(_ engine: Engine) -> String {
        switch engine {
        case .sqlite: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) SELECT count(*) AS c FROM n"
        case .postgres: "SELECT pg_sleep(120) AS c"
        }
    }

    /// On a thread of its own: the test's thread is blocked in the statement, and Dispatch's
    /// global threads may all be (two on two cores, shared with the tests running beside it).
    private static func cancel(_ cancellation: CallCancellation, after seconds: Double) {
        DetachedThread.start {
            usleep(UInt32(seconds * 1_000_000))
            cancellation.cancel()
        }
    }

    @Test(arguments: Engine.allCases)
    func theRunningStatementStopsAndTheConnectionServesTheNextUse(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        let cancellation = CallCancellation()
        Self.cancel(cancellation, after: 0.3)
        let started = MonotonicClock.now()
        do {
            _ = try connection.stopping(when: cancellation) { () throws(DatabaseError) in try connection.run(Self.longStatement(engine)) }
            Issue.record("the statement ran to its end")
        } catch {
            let stopped = engine == .sqlite ? error.kind == .interrupted : error.message.contains("canceling statement due to user request")
            #expect(stopped, "\(error.kind): \(error.message)")
        }
        let seconds = MonotonicClock.now() - started
        #expect(seconds < 20, "stopped after \(seconds) s")
        let next = try connection.run("SELECT 1 AS one").rows.first?["one"]
        #expect(next == 1)
    }

    @Test(arguments: Engine.allCases)
    func aCallCancelledAlreadyRunsNoStatementAndItsTransactionIsUndone(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try Migrator.migrate(connection)
        let cancellation = CallCancellation()
        do {
            try connection.stopping(when: cancellation) { () throws(DatabaseError) in
                try connection.transaction { () throws(DatabaseError) in
                    try connection.run("INSERT INTO tool_logs (tool_id, log_level, message) VALUES ('t', 'info', 'before')")
                    cancellation.cancel()
                    try connection.run("INSERT INTO tool_logs (tool_id, log_level, message) VALUES ('t', 'info', 'after')")
                }
            }
            Issue.record("a statement ran after the cancel")
        } catch {
            #expect(error.kind == .interrupted, "\(error.kind): \(error.message)")
            #expect(error.toolHostError.code == .cancelled)
        }
        let stored = try connection.run("SELECT count(*) AS n FROM tool_logs").rows.first?["n"]
        #expect(stored == 0)
        #expect(!connection.inTransaction)
    }

    /// A bulk insert stopped in the middle (SQLite: its rows made on a second thread;
    /// PostgreSQL: a COPY) leaves the table, its indexes and the ledger of set-aside indexes as
    /// they were, without sending the rest of its rows.
    @Test(arguments: Engine.allCases)
    func aBulkInsertStoppedMidwayLeavesNothing(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        try Migrator.migrate(connection)
        let before = try connection.indexes(of: "tool_logs")
        let cancellation = CallCancellation()
        let rows = (0..<3_000_000).lazy.map { index -> [SQLValue] in [.text("t"), .text("info"), .text("line \(index)")] }
        Self.cancel(cancellation, after: 0.3)
        let started = MonotonicClock.now()
        do {
            _ = try connection.stopping(when: cancellation) { () throws(DatabaseError) in
                try connection.bulkInsert(into: BulkSchema.logs, columns: ["tool_id", "log_level", "message"], rows: rows)
            }
            Issue.record("3,000,000 rows went in before the cancel")
        } catch {
            #expect(error.kind == .interrupted, "\(error.kind): \(error.message)")
        }
        let seconds = MonotonicClock.now() - started
        #expect(seconds < 5, "stopped after \(seconds) s")
        let stored = try connection.run("SELECT count(*) AS n FROM tool_logs").rows.first?["n"]
        #expect(stored == 0)
        let after = try connection.indexes(of: "tool_logs")
        #expect(after == before)
        if engine == .sqlite {
            let waiting = try connection.run("SELECT count(*) AS n FROM toolhost_deferred_indexes").rows.first?["n"]
            #expect(waiting == 0)
        }
    }

    /// An interrupt that comes after its use ended does not touch the connection's next use
    /// (a pooled connection lent on to another call).
    @Test func aLateInterruptDoesNotStopTheNextUse() throws {
        let test = try TestDatabase(.sqlite)
        let connection = try test.connect()
        let stale = connection.interrupter.beginUse()
        connection.interrupter.endUse()
        _ = connection.interrupter.beginUse()
        defer { connection.interrupter.endUse() }
        stale()
        let next = try connection.run("SELECT 1 AS one").rows.first?["one"]
        #expect(next == 1)
    }
}
