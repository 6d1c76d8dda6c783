import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
import ToolHostTools

/// The training data through the real binary: what every run records, `toolhost export`,
/// `toolhost tail` and `toolhost db publish`.
@Suite("Training data through the real binary")
struct TrainingCommandTests {
    let fixture = CLIFixture()

    /// Runs with the fixture's tools plus the shipped ones, on `database`, plus `environment`.
    private func run(_ arguments: [String], _ input: String? = nil, database: TestDatabase,
                     environment: [String: String] = [:]) throws -> ToolHostBinary.Result {
        try fixture.run(arguments + ["--tools-dir", fixture.directory.url("tools"), "--tools-dir", ToolHostPaths.shippedTools],
                        input: input, environment: database.environment.merging(environment) { $1 })
    }

    private func executions(_ database: TestDatabase) throws -> [JSONObject] {
        let connection = try database.connect()
        let table = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.executions)
        return try connection.run("SELECT * FROM \(table) ORDER BY id").rows
    }

    @Test(arguments: Engine.allCases)
    func everyRunIsRecordedWithItsOutcome(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let ok = try run(["run", "echo"], #"{"message": "hi"}"#, database: database, environment: ["TOOLHOST_AGENT_ID": "planner-7"])
        #expect(ok.status == 0)
        #expect(ok.json == ["message": "hi", "times": 1])
        #expect(try run(["run", "fail"], "{}", database: database).status == 3)
        #expect(try run(["run", "echo"], #"{"times": 0}"#, database: database).status == 2)

        let rows = try executions(database)
        try #require(rows.count == 3)
        #expect(rows[0]["tool_name"] == "echo")
        #expect(rows[0]["agent_id"] == "planner-7")
        #expect(rows[0]["input_params"] == ["message": "hi"])  // what the caller sent
        #expect(rows[0]["output_result"] == ["message": "hi", "times": 1])
        #expect(rows[0]["success"] == true && rows[0]["exit_code"] == 0)
        #expect((rows[0]["duration_ms"]?.numberValue ?? -1) > 0)
        #expect(rows[0]["execution_id"]?.stringValue?.count == 36)
        #expect(rows[1]["success"] == false && rows[1]["exit_code"] == 3 && rows[1]["error"] == "boom")
        #expect(rows[1]["agent_id"] == .null)
        #expect(rows[2]["error_code"] == "invalid_input" && rows[2]["exit_code"] == 2)

        // Calls refused before anything ran are calls too.
        #expect(try run(["run", "no_such_tool"], "{}", database: database).status == 127)
        #expect(try run(["run", "echo"], "not json", database: database).status == 2)
        let refused = try executions(database).suffix(2)
        #expect(refused.map { $0["tool_name"] } == ["no_such_tool", "echo"])
        #expect(refused.map { $0["error_code"] } == ["unknown_tool", "invalid_json"])
        #expect(refused.allSatisfy { $0["success"] == false })
    }

    @Test func recordingCanBeTurnedOffAndNeverFailsTheCall() throws {
        let database = try TestDatabase(.sqlite)
        _ = try run(["run", "echo"], #"{"message": "quiet"}"#, database: database, environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"])
        #expect(try run(["run", "training_data_store"], #"{"operation": "stats", "data_type": "executions"}"#, database: database,
                        environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"]).json["count"] == 0)

        // The store cannot be opened (its folder would have to be inside a file): the answer
        // still comes, with exit status 0, and the problem is a warning on stderr.
        let blocker = fixture.directory.write("not-a-folder", "x")
        let result = try fixture.run(["run", "echo", "--tools-dir", fixture.directory.url("tools")], input: #"{"message": "still here"}"#,
                                     environment: ["TOOLHOST_DATABASE_PATH": blocker + "/toolhost.db"])
        #expect(result.status == 0)
        #expect(result.json == ["message": "still here", "times": 1])
        #expect(result.stderr.contains("warning: this call was not recorded in the training data"))
    }

    @Test func largeInputsAndOutputsAreStoredAsMarkedPreviews() throws {
        let database = try TestDatabase(.sqlite)
        fixture.directory.write("capped.yaml", "tools:\n  paths: [tools]\ntraining:\n  max_recorded_bytes: 100\n")
        let message = String(repeating: "é", count: 200)
        let result = try run(["run", "echo", "--config", "capped.yaml"], #"{"message": "\#(message)"}"#, database: database)
        #expect(result.status == 0)
        let row = try #require(try executions(database).first)
        let input = try #require(row["input_params"])
        #expect(input["truncated"] == true)
        let preview = input["preview"]?.stringValue ?? ""
        #expect(preview.utf8.count <= 100 && preview.hasPrefix(#"{"message":"éé"#))
        #expect(row["output_result"]?["truncated"] == true)
    }

    @Test(arguments: Engine.allCases)
    func exportWritesFilesAndStdoutWithASummary(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let env = ["TOOLHOST_RECORD_INVOCATIONS": "false"]
        _ = try run(["run", "training_data_store"], #"""
            {"operation": "store_agent_events", "events": [
              {"event_type": "a", "agent_id": "x", "payload": {"k": 1}, "created_at": "2026-01-01T00:00:00Z"},
              {"event_type": "b", "agent_id": "y", "created_at": "2026-01-02T00:00:00Z"},
              {"event_type": "c", "agent_id": "x", "created_at": "2026-01-03T00:00:00Z"}]}
            """#, database: database, environment: env)
        let csv = try run(["export", "events", "--format", "csv", "--out", "-", "--filter", "agent_id=x", "--columns", "event_type,payload"],
                          database: database, environment: env)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdoutText == "event_type,payload\r\na,\"{\"\"k\"\":1}\"\r\nc,\r\n")
        #expect(csv.stderr.contains("exported 2 events rows to stdout"))

        let file = try run(["export", "event", "--out", "out/events.jsonl", "--since", "2026-01-02", "--until", "2026-01-03T00:00:00Z"],
                           database: database, environment: env)
        #expect(file.status == 1 && file.stderr.contains("Cannot write the export to"))  // the folder does not exist
        #expect(!fixture.directory.exists("out"))
        try FileManager.default.createDirectory(atPath: fixture.directory.url("out"), withIntermediateDirectories: true)
        let again = try run(["export", "event", "--out", "out/events.jsonl", "--since", "2026-01-02", "--until", "2026-01-03T00:00:00Z"],
                            database: database, environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdoutText.isEmpty)
        let lines = fixture.directory.read("out/events.jsonl")?.split(separator: "\n") ?? []
        #expect(lines.count == 1)
        #expect(lines.first.flatMap { try? JSONParser.parse(String($0)) }?["event_type"] == "b")
    }

    @Test func exportRefusesBadRequestsWithTheValidChoices() throws {
        let database = try TestDatabase(.sqlite)
        let type = try run(["export", "logs"], database: database)
        #expect(type.status == 2)
        #expect(type.stderr.contains("Unknown data type 'logs'; use one of events, tasks, tool_executions, workflows, conversations, llm_calls."))
        let column = try run(["export", "events", "--filter", "success=true"], database: database)
        #expect(column.status != 0 && column.stderr.contains("events has no column 'success'; its columns are id, event_type"))
        let date = try run(["export", "events", "--since", "last week"], database: database)
        #expect(date.status == 2 && date.stderr.contains("The since date \"last week\" is not understood"))
        let folder = try run(["export", "events", "--out", "missing/dir/x.jsonl"], database: database)
        #expect(folder.status != 0 && folder.stderr.contains("Cannot write the export to"))
        let value = try run(["export", "tool_executions", "--filter", "exit_code=zero"], database: database)
        #expect(value.status == 2 && value.stderr.contains("exit_code is a whole number"))
        #expect(!fixture.directory.exists("missing"))
        let empty = try run(["export", "events", "--columns", ","], database: database)
        #expect(empty.status == 2 && empty.stderr.contains("columns is empty"))
    }

    @Test func tailFollowsTheStreamAndPublishCatchesUpAfterAnOutage() throws {
        let redis = try TestRedis()
        let database = try TestDatabase(.sqlite)
        let env = ["TOOLHOST_STREAMING_BACKEND": "redis", "TOOLHOST_REDIS_URL": redis.url, "TOOLHOST_RECORD_INVOCATIONS": "false"]
        let stored = try run(["run", "training_data_store"], #"{"operation": "store_agent_events", "events": [{"event_type": "one"}, {"event_type": "two"}]}"#,
                             database: database, environment: env)
        #expect(stored.status == 0 && stored.stderr.isEmpty, "\(stored.stderr)")
        let tail = try run(["tail", "events", "--from-start", "--count", "2"], database: database, environment: env)
        #expect(tail.status == 0, "\(tail.stderr)")
        let lines = tail.stdoutText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        #expect(lines.map { $0["row"]?["event_type"] } == ["one", "two"])
        #expect(lines.allSatisfy { $0["stream"] == "toolhost:events" && $0["data_type"] == "events" })
        let idle = try run(["tail", "--idle-timeout", "0.2"], database: database, environment: env)
        #expect(idle.status == 0 && idle.stdoutText.isEmpty)

        redis.stop()
        let offline = try run(["run", "training_data_store"], #"{"operation": "store_agent_event", "event_type": "three"}"#,
                              database: database, environment: env)
        #expect(offline.status == 0)
        #expect(offline.stderr.contains("the live stream is unavailable") && offline.stderr.contains("1 row waits in the outbox"))
        let failing = try run(["db", "publish"], database: database, environment: env)
        #expect(failing.status != 0 && failing.stderr.contains("1 row still waits in the outbox"))
        try redis.start()
        let published = try run(["db", "publish"], database: database, environment: env)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdoutText.contains("published 1 row"))
        #expect(try redis.entries("toolhost:events").compactMap { $0.fields["row"].flatMap { try? JSONParser.parse($0) }?["event_type"] } == ["three"])
    }
}
