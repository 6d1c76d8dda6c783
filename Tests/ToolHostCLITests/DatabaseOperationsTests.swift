import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `toolhost db backup | restore | maintain | stats` through the real binary, on both engines.
@Suite("Database operations through the real binary")
struct DatabaseOperationsTests {
    let fixture = CLIFixture()

    private func run(_ arguments: [String], _ input: String? = nil, on database: TestDatabase) throws -> ToolHostBinary.Result {
        try fixture.run(arguments + ["--tools-dir", ToolHostPaths.shippedTools], input: input, environment: database.environment)
    }

    /// The answers a restored copy must repeat: rows, a full-text search, training events (not
    /// the whole training statistics: every `toolhost run` records a tool execution).
    private func answers(_ database: TestDatabase) throws -> [JSONValue] {
        [
            try run(["run", "bulk_data_store"], #"{"operation": "query_logs", "filters": {"tool_id": "t"}}"#, on: database).json,
            try run(["run", "bulk_data_store"], #"{"operation": "query_logs", "filters": {"search": "frobnicate"}}"#, on: database).json,
            try run(["run", "training_data_store"], #"{"operation": "stats"}"#, on: database).json["data"]?["events"] ?? .null,
        ]
    }

    private func backupPath(_ name: String) -> String { fixture.directory.url(name) }

    @Test(arguments: Engine.allCases)
    func aRestoredBackupAnswersTheSameQueriesAsTheOriginal(engine: Engine) throws {
        let original = try TestDatabase(engine)
        let logs = #"{"operation": "store_logs", "logs": [{"tool_id": "t", "log_level": "info", "message": "frobnicate the widget"}, {"tool_id": "t", "log_level": "error", "message": "plain words"}]}"#
        #expect(try run(["run", "bulk_data_store"], logs, on: original).status == 0)
        #expect(try run(["run", "training_data_store"], #"{"operation": "store_agent_event", "agent_id": "a", "event_type": "step", "payload": {"n": 1}}"#, on: original).status == 0)
        let before = try answers(original)
        let count = before[0]["count"]
        #expect(count == 2)

        let backup = try run(["db", "backup", backupPath("copy"), "--json"], on: original)
        #expect(backup.status == 0, "\(backup.stderr)")
        let parts = backup.json["parts"]?.arrayValue?.count ?? 0
        #expect(engine == .sqlite ? parts == 1 : parts == 2, "\(backup.stdoutText)")  // PostgreSQL: public and training_data

        // Changed after the backup: the restore must undo this.
        _ = try run(["run", "bulk_data_store"], #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "frobnicate later"}"#, on: original)
        _ = try run(["run", "training_data_store"], #"{"operation": "store_agent_event", "agent_id": "a", "event_type": "step", "payload": {"n": 2}}"#, on: original)
        let changed = try answers(original)
        #expect(changed != before)

        let restored = try run(["db", "restore", backupPath("copy"), "--json"], on: original)
        #expect(restored.status == 0, "\(restored.stderr)")
        let safetyCopy = restored.json["safety_copy"]?.stringValue ?? ""
        #expect(FileManager.default.fileExists(atPath: safetyCopy), "\(restored.stdoutText)")
        let afterRestore = try answers(original)
        #expect(afterRestore == before)

        let fresh = try TestDatabase(engine)
        let intoFresh = try run(["db", "restore", backupPath("copy")], on: fresh)
        #expect(intoFresh.status == 0, "\(intoFresh.stderr)")
        let onFresh = try answers(fresh)
        #expect(onFresh == before)
        // Still a working database: ids continue after the restored rows.
        let stored = try run(["run", "bulk_data_store"], #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "next"}"#, on: fresh)
        let storedID = stored.json["data"]?[0]?["id"]
        #expect(storedID == 3, "\(stored.stdoutText)")
    }

    @Test(arguments: Engine.allCases)
    func aBackupTakenDuringWritesHoldsWholeBatchesOnly(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let batchSize = 200
        let writer = BatchWriter { batch in
            let logs = (0..<batchSize).map { #"{"tool_id": "batch-\#(batch)", "log_level": "info", "message": "row \#($0) of batch \#(batch)"}"# }
            let result = try? self.run(["run", "bulk_data_store"], #"{"operation": "store_logs", "logs": [\#(logs.joined(separator: ", "))]}"#, on: database)
            return result?.status == 0
        }
        writer.start()
        defer { writer.stop() }
        try writer.waitFor(batches: 3)
        let backup = try run(["db", "backup", backupPath("during")], on: database)
        #expect(backup.status == 0, "\(backup.stderr)")
        let doneWhenBackupEnded = writer.completed
        try writer.waitFor(batches: doneWhenBackupEnded + 2)  // the writer kept going past the backup
        writer.stop()
        #expect(writer.failures == 0)

        let copy = try TestDatabase(engine)
        let restored = try run(["db", "restore", backupPath("during"), "--no-safety-copy"], on: copy)
        #expect(restored.status == 0, "\(restored.stderr)")
        let groups = try run(["run", "postgres_client"], #"{"operation": "query", "sql": "SELECT tool_id, count(*) AS n FROM tool_logs GROUP BY tool_id"}"#, on: copy)
        let counts = (groups.json["data"]?.arrayValue ?? []).compactMap { $0["n"]?.integerValue }
        #expect(counts.count >= 3 && counts.count < writer.completed, "\(counts.count) batches in the backup, \(writer.completed) written")
        #expect(counts.allSatisfy { $0 == batchSize }, "torn batches: \(counts)")
        let stats = try run(["db", "stats", "--json"], on: copy)
        let logTable = stats.json["tables"]?.arrayValue?.first { $0["name"] == "tool_logs" }
        let rows = logTable?["rows"]?.integerValue
        #expect(rows == counts.count * batchSize)
    }

    @Test(arguments: Engine.allCases)
    func backupKeepsAnExistingFileAndRestoreRefusesWhatIsNotABackup(engine: Engine) throws {
        let database = try TestDatabase(engine)
        #expect(try run(["db", "migrate"], on: database).status == 0)
        #expect(try run(["db", "backup", backupPath("b")], on: database).status == 0)
        let again = try run(["db", "backup", backupPath("b")], on: database)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists") && again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try run(["db", "backup", backupPath("b"), "--force"], on: database).status == 0)

        _ = fixture.directory.write("junk.db", "not a database at all")
        let junk = try run(["db", "restore", backupPath("junk.db")], on: database)
        #expect(junk.status == 1)
        #expect(junk.stderr.contains("junk.db") && junk.stderr.contains("not"), "\(junk.stderr)")
        let missing = try run(["db", "restore", backupPath("nothing-here")], on: database)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("There is no backup"), "\(missing.stderr)")
    }

    @Test(arguments: Engine.allCases)
    func maintainAndStatsDescribeTheTables(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let logs = #"{"operation": "store_logs", "logs": [{"tool_id": "t", "log_level": "info", "message": "one"}, {"tool_id": "t", "log_level": "info", "message": "two"}, {"tool_id": "u", "log_level": "info", "message": "three"}]}"#
        #expect(try run(["run", "bulk_data_store"], logs, on: database).status == 0)
        let maintained = try run(["db", "maintain", "--reindex", "--json"], on: database)
        #expect(maintained.status == 0, "\(maintained.stderr)")
        let steps = (maintained.json["steps"]?.arrayValue ?? []).compactMap { $0["step"]?.stringValue }
        let expected = engine == .sqlite ? ["optimize full-text index tool_logs_fts", "reindex", "vacuum", "analyze"] : ["reindex schema public", "reindex schema training_data", "vacuum analyze"]
        #expect(expected.allSatisfy(steps.contains), "\(steps)")

        let stats = try run(["db", "stats", "--json"], on: database)
        #expect(stats.status == 0, "\(stats.stderr)")
        let table = stats.json["tables"]?.arrayValue?.first { $0["name"] == "tool_logs" }
        let rows = table?["rows"]
        #expect(rows == 3)
        let indexes = (table?["indexes"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(indexes.contains("idx_tool_logs_tool_level"), "\(indexes)")
        let bytes = (table?["total_bytes"] ?? table?["table_bytes"])?.integerValue ?? 0
        #expect(bytes > 0)
        if engine == .postgres {
            let scans = table?["indexes"]?.arrayValue?.first?["scans"]?.integerValue
            #expect(scans != nil)
            // The month partitions of the training tables are listed under their table.
            #expect(steps.contains("create partitions ahead"), "\(steps)")
            let tables = stats.json["tables"]?.arrayValue ?? []
            let events = tables.first { $0["name"] == "training_events" }
            let partitions = (events?["partitions"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(partitions.contains("training_events_default"), "\(stats.stdoutText)")
            #expect(!tables.contains { $0["name"] == "training_events_default" })
            let eventIndexes = (events?["indexes"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(eventIndexes.contains("idx_training_events_created_at"), "\(eventIndexes)")
        }
    }

    @Test func aPostgresPasswordReachesPgDumpWithoutBeingPrinted() throws {
        let database = try TestDatabase(.postgres)
        let url = (database.settings.url ?? "").replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:s3cret-pw@")
        let result = try fixture.run(["db", "backup", backupPath("pw"), "--tools-dir", ToolHostPaths.shippedTools], environment: ["DATABASE_URL": url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdoutText.contains("s3cret") && !result.stderr.contains("s3cret"))
    }
}

/// Runs `write(batch)` for batch 1, 2, 3... on a thread of its own until stopped.
private final class BatchWriter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var failed = 0
    private var stopping = false
    private let write: @Sendable (Int) -> Bool
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    init(_ write: @escaping @Sendable (Int) -> Bool) { self.write = write }

    var completed: Int { lock.withLock { done } }
    var failures: Int { lock.withLock { failed } }

    func start() {
        started = true
        Thread.detachNewThread { [self] in
            var batch = 1
            while !lock.withLock({ stopping }) {
                let ok = write(batch)
                lock.withLock { if ok { done += 1 } else { failed += 1 } }
                batch += 1
            }
            finished.signal()
        }
    }

    func stop() {
        let wasStopping = lock.withLock { () -> Bool in
            defer { stopping = true }
            return stopping
        }
        if started && !wasStopping { finished.wait() }
    }

    func waitFor(batches: Int, within seconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while completed < batches {
            guard Date() < deadline, failures == 0 else {
                throw RunningProcess.TimedOut(description: "the writer finished \(completed) of \(batches) batches (\(failures) failed)")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
