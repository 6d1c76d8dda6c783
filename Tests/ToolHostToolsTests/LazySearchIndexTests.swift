import Synchronization
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// `store_logs` leaves the full-text index to the next search (SQLite), which indexes what was
/// stored since the last one first: searches answer as if every row had been indexed when it
/// was stored, whatever happened to the rows in between.
@Suite("Log search catches up with bulk stores")
struct LazySearchIndexTests {
    private static func logs(_ count: Int, _ message: (Int) -> String) -> JSONValue {
        .array((0..<count).map { index in ["tool_id": "t", "log_level": "info", "message": .string(message(index))] })
    }

    private static func search(_ harness: HandlerHarness, _ text: String, limit: Int = 1000) throws -> [String] {
        let answer = try harness.succeed("bulk_data_store", ["operation": "query_logs", "search": .string(text), "limit": .int(limit)])
        return answer["data"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
    }

    /// Engine-neutral: on PostgreSQL the server's index is current, on SQLite the search catches up.
    @Test(arguments: Engine.allCases)
    func aSearchRightAfterABatchFindsEveryMatchingRow(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": Self.logs(300) { "alpha line \($0) \($0 % 3 == 0 ? "timeout" : "success")" }])
        try harness.succeed("bulk_data_store", ["operation": "store_log", "tool_id": "t", "log_level": "error", "message": "single timeout"])
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": Self.logs(30) { "beta line \($0) timeout" }])
        let found = try Self.search(harness, "timeout")
        #expect(found.count == 100 + 1 + 30)
        #expect(Set(found).count == found.count)
        let none = try Self.search(harness, "beta success")
        #expect(none.isEmpty)
    }

    @Test func aBatchLeavesTheIndexBehindUntilTheFirstSearch() throws {
        let harness = try HandlerHarness(.sqlite)
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": Self.logs(500) { "line \($0)" }])
        let behind = try BulkSchema.logSearch.rowsBehind(on: harness.connection())
        #expect(behind == 500)
        #expect(try Self.search(harness, "line 42") == ["line 42"])
        let after = try BulkSchema.logSearch.rowsBehind(on: harness.connection())
        #expect(after == 0)
    }

    /// Rows deleted or changed before they were indexed: the catch-up reads them as they are
    /// then, and FTS5's own integrity check agrees with the table.
    @Test func rowsDeletedOrChangedBeforeTheCatchUpAreSearchedAsTheyAreNow() throws {
        let harness = try HandlerHarness(.sqlite)
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": Self.logs(100) { "entry \($0) pending" }])
        let connection = try harness.connection()
        try connection.run("DELETE FROM tool_logs WHERE message LIKE 'entry 1_ %'")
        try connection.run("UPDATE tool_logs SET message = 'entry renamed done' WHERE message = 'entry 50 pending'")
        #expect(try Self.search(harness, "pending").count == 100 - 10 - 1)
        #expect(try Self.search(harness, "renamed") == ["entry renamed done"])
        #expect(try Self.search(harness, "entry 15").isEmpty)
        // Now indexed: later deletes and updates go through the triggers.
        try connection.run("DELETE FROM tool_logs WHERE message = 'entry 20 pending'")
        try connection.run("UPDATE tool_logs SET message = 'entry 30 finished' WHERE message = 'entry 30 pending'")
        #expect(try Self.search(harness, "pending").count == 100 - 10 - 1 - 2)
        #expect(try Self.search(harness, "finished") == ["entry 30 finished"])
        try connection.executeScript("INSERT INTO tool_logs_fts(tool_logs_fts, rank) VALUES ('integrity-check', 1)")
    }

    /// A catch-up cut short keeps the steps it committed with their watermark, and the next
    /// one goes on from there: no row indexed twice, none left out.
    @Test func aCatchUpCutShortIsFinishedByTheNextSearch() throws {
        let harness = try HandlerHarness(.sqlite)
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": Self.logs(250) { "row \($0)" }])
        let connection = try harness.connection()
        // Killed before its transaction committed: nothing of it remains.
        try connection.begin()
        try BulkSchema.logSearch.catchUp(on: connection, stepRows: 100)
        connection.rollback()
        let untouched = try BulkSchema.logSearch.rowsBehind(on: connection)
        #expect(untouched == 250)
        // Stopped after its first step, which committed.
        var steps = 0
        try BulkSchema.logSearch.catchUp(on: connection, stepRows: 100) { _, _ in
            steps += 1
            return false
        }
        #expect(steps == 1)
        let left = try BulkSchema.logSearch.rowsBehind(on: connection)
        #expect(left == 150)
        #expect(try Self.search(harness, "row 0") == ["row 0"])
        #expect(try Self.search(harness, "row 249") == ["row 249"])
        let caughtUp = try BulkSchema.logSearch.rowsBehind(on: connection)
        #expect(caughtUp == 0)
        let indexed = try connection.run("SELECT count(*) AS n FROM tool_logs_fts WHERE tool_logs_fts MATCH 'row'").rows.first?["n"]
        #expect(indexed == .integer(250))
        try connection.executeScript("INSERT INTO tool_logs_fts(tool_logs_fts, rank) VALUES ('integrity-check', 1)")
    }

    /// A store after a large batch leaves the set-aside B-tree indexes waiting (it has nothing
    /// to read); the next read of any kind builds them.
    @Test func storesLeaveTheSetAsideIndexesToTheNextRead() throws {
        let harness = try HandlerHarness(.sqlite)
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": Self.logs(12_000) { "bulk \($0)" }])
        let waiting = "SELECT count(*) AS n FROM toolhost_deferred_indexes"
        #expect(try harness.sql(waiting).first?["n"] == 2)
        try harness.succeed("bulk_data_store", ["operation": "store_log", "tool_id": "t", "log_level": "info", "message": "one more"])
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": Self.logs(3) { "three more \($0)" }])
        #expect(try harness.sql(waiting).first?["n"] == 2)
        let answer = try harness.succeed("bulk_data_store", ["operation": "query_logs", "filters": ["tool_id": "t"], "limit": 1])
        #expect(answer["data"]?.arrayValue?.first?["message"] == "three more 2")
        #expect(try harness.sql(waiting).first?["n"] == 0)
        let indexes = try harness.sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tool_logs' ORDER BY name")
        #expect(indexes.compactMap { $0["name"]?.stringValue } == ["idx_tool_logs_created_at", "idx_tool_logs_tool_level"])
    }

    /// The search that pays for a large backlog says so: a note, and progress up to the backlog.
    @Test func theFirstSearchAfterALargeBatchSaysItIsCatchingUp() throws {
        let harness = try HandlerHarness(.sqlite)
        let count = SearchIndex.noteworthyBacklog
        try harness.succeed("bulk_data_store", ["operation": "store_logs", "logs": Self.logs(count) { "bulk \($0)" }])
        let heard = Mutex<(notes: [String], progress: [CallProgress])>(([], []))
        var options = ToolInvoker.Options(warn: { note in heard.withLock { $0.notes.append(note) } })
        options.progress = ProgressReporter(minimumInterval: 0) { report in heard.withLock { $0.progress.append(report) } }
        let definition = try harness.invoker.resolve("bulk_data_store")
        let answer = InvocationAnswer(harness.invoker.invoke(definition, input: ["operation": "query_logs", "search": "bulk 7"], options: options),
                                      envelope: true).value
        #expect(answer["count"] == 1)
        let (notes, progress) = heard.withLock { ($0.notes, $0.progress) }
        // A batch this large set tool_logs' B-tree indexes aside too: the first read builds them.
        #expect(notes.count == 2, "\(notes)")
        #expect(notes.first?.contains("built the indexes a bulk load set aside: idx_tool_logs_created_at on tool_logs") == true, "\(notes)")
        #expect(notes.last?.contains("catching up: indexing \(count) rows") == true, "\(notes)")
        let last = progress.last { $0.message == "indexing tool_logs for search" }
        #expect(last?.done == Double(count))
        #expect(last?.total == Double(count))
        // Caught up: the next search says nothing.
        let quiet = Mutex<[String]>([])
        _ = harness.invoker.invoke(definition, input: ["operation": "query_logs", "search": "bulk 8"],
                                   options: ToolInvoker.Options(warn: { note in quiet.withLock { $0.append(note) } }))
        #expect(quiet.withLock { $0 }.isEmpty)
    }
}
