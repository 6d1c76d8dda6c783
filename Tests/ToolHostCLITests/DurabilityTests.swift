import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// What held in the adversarial pass, kept held: concurrent writers (processes and JSON-lines
/// sessions at once) lose and duplicate nothing and never see "busy", and a batch killed with
/// SIGKILL while it is being written leaves nothing and a sound database, on both engines.
@Suite("Durability under concurrency and kill -9")
struct DurabilityTests {
    let fixture = CLIFixture()

    private func count(_ filter: String, on database: TestDatabase) throws -> (rows: Int, distinct: Int) {
        let result = try fixture.run("postgres_client", "{\"operation\": \"query\", \"sql\": \"SELECT count(*) AS n, count(DISTINCT message) AS d FROM tool_logs WHERE tool_id = '\(filter)'\"}", on: database)
        let row = result.json["data"]?[0]
        return (row?["n"]?.integerValue.map { Int($0) } ?? -1, row?["d"]?.integerValue.map { Int($0) } ?? -1)
    }

    private static func batch(writer: String, call: Int, size: Int) -> String {
        let logs = (0..<size).map { "{\"tool_id\": \"conc\", \"log_level\": \"info\", \"message\": \"\(writer)-\(call)-\($0)\"}" }
        return "{\"operation\": \"store_logs\", \"logs\": [\(logs.joined(separator: ", "))]}"
    }

    @Test(arguments: Engine.allCases)
    func concurrentWritersLoseAndDuplicateNothing(engine: Engine) throws {
        let database = try TestDatabase(engine)
        _ = try fixture.run("bulk_data_store", #"{"operation": "query_logs", "limit": 1}"#, on: database)  // migrated once
        let calls = 8, size = 50
        let failures = LockedStrings()
        let group = DispatchGroup()
        // Four processes of `toolhost run` each, and two `serve --jsonl` sessions, at once.
        for writer in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                for call in 0..<calls {
                    let result = try? fixture.run("bulk_data_store", Self.batch(writer: "run\(writer)", call: call, size: size), on: database)
                    if result?.status != 0 { failures.append("run\(writer)/\(call): \(result?.stdoutText.prefix(300) ?? "no result")") }
                }
            }.start()
        }
        for writer in 0..<2 {
            group.enter()
            Thread {
                defer { group.leave() }
                let lines = (0..<calls).map { "{\"id\": \($0), \"tool\": \"bulk_data_store\", \"input\": \(Self.batch(writer: "jsonl\(writer)", call: $0, size: size))}\n" }
                let result = try? fixture.run(["serve", "--jsonl"], input: lines.joined(), environment: database.environment)
                let answers = result?.stdoutText.split(separator: "\n") ?? []
                for answer in answers where !answer.contains("\"exit_code\":0") { failures.append("jsonl\(writer): \(answer.prefix(300))") }
                if answers.count != calls { failures.append("jsonl\(writer): \(answers.count) answers for \(calls)") }
            }.start()
        }
        group.wait()
        #expect(failures.values.isEmpty, "\(failures.values.prefix(5))")
        let stored = try count("conc", on: database)
        #expect(stored.rows == 6 * calls * size && stored.distinct == stored.rows, "\(stored)")
    }

    /// Whether the batch is being written now: the SQLite write-ahead log is growing (ToolHost's
    /// 256 MiB page cache holds a batch's pages until the commit writes them, so this is the
    /// commit under way), or a COPY runs on the PostgreSQL database (rows are invisible until
    /// the commit either way).
    private func writing(on database: TestDatabase) throws -> Bool {
        switch database.engine {
        case .sqlite:
            let size = (try? FileManager.default.attributesOfItem(atPath: database.settings.path + "-wal")[.size] as? Int) ?? 0
            return size > 1 << 20
        case .postgres:
            let result = try fixture.run("postgres_client", #"{"operation": "query", "sql": "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY%'"}"#, on: database)
            return (result.json["data"]?[0]?["n"]?.integerValue ?? 0) > 0
        }
    }

    /// A batch killed while it is written leaves all of it or none of it. The kill races the
    /// commit it interrupts, so a batch that committed just before it is all-or-nothing too;
    /// but a kill that lands while the batch is written must leave nothing, and at least one
    /// of the kills must land so. On SQLite the batch is big enough (~60 MB of log) that its
    /// commit lasts far longer than the time between seeing it start and the kill.
    @Test(arguments: Engine.allCases)
    func aBatchKilledWhileItIsWrittenIsAllOrNothing(engine: Engine) throws {
        let database = try TestDatabase(engine)
        _ = try fixture.run("bulk_data_store", #"{"operation": "query_logs", "limit": 1}"#, on: database)
        let size = engine == .sqlite ? 200_000 : 40_000
        let logs = (0..<size).map { "{\"tool_id\": \"kill\", \"log_level\": \"info\", \"message\": \"m\($0)\", \"details\": {\"n\": \($0)}}" }
        let input = "{\"operation\": \"store_logs\", \"logs\": [\(logs.joined(separator: ", "))]}\n"
        var killedWhileWriting = 0
        var killedBeforeTheCommitEnded = 0
        var committedBatches = 0
        for _ in 0..<2 {
            let process = try RunningProcess(fixture.binary.path, ["run", "bulk_data_store"], environment: database.environment,
                                             directory: fixture.directory.path)
            process.write(input)
            process.closeInput()
            let seen = eventually(within: 120, { (try? writing(on: database)) == true })
            process.signal(SIGKILL)
            _ = try process.waitForExit(within: 20)
            if seen { killedWhileWriting += 1 }
            let stored = try count("kill", on: database)
            #expect(stored.rows % size == 0, "a torn batch: \(stored.rows) rows")
            let committed = stored.rows / size
            if seen, committed == committedBatches { killedBeforeTheCommitEnded += 1 }
            committedBatches = committed
        }
        #expect(killedWhileWriting == 2, "the batch was not seen being written before the kill")
        #expect(killedBeforeTheCommitEnded >= 1, "every kill came after its batch had committed")
        if engine == .sqlite {
            let check = try fixture.run("postgres_client", #"{"operation": "query", "sql": "PRAGMA integrity_check"}"#, on: database)
            #expect(check.json["data"]?[0]?["integrity_check"] == "ok", "\(check.stdoutText)")
        }
        // The database still takes writes after the kills.
        let after = try fixture.run("bulk_data_store", #"{"operation": "store_log", "tool_id": "kill", "log_level": "info", "message": "after"}"#, on: database)
        #expect(after.status == 0, "\(after.stdoutText)")
    }
}

/// Strings appended from several threads.
final class LockedStrings: @unchecked Sendable {
    private let lock = NSLock()
    private var strings: [String] = []
    func append(_ string: String) { lock.withLock { strings.append(string) } }
    var values: [String] { lock.withLock { strings } }
}
