import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
import ToolHostTools

/// `toolhost serve --jsonl` through the real binaries: ids, concurrency and its limit, error
/// answers that keep the stream going, draining at end of input, recording, pooled connections.
@Suite("toolhost serve --jsonl")
struct ServeJSONLinesTests {
    let fixture = CLIFixture()

    init() {
        // Counts the probes running at once (into `seen`), then holds its slot for 0.4 s.
        fixture.directory.write("tools/probe/probe.sh", """
            dir="$(dirname "$0")"
            mkdir -p "$dir/running"
            touch "$dir/running/$$"
            ls "$dir/running" | wc -l >> "$dir/seen"
            sleep 0.4
            rm -f "$dir/running/$$"
            echo '{"probed": true}'
            """)
        fixture.directory.write("tools/probe/probe.yaml", "name: Probe\ntype: executable\nexecutable: {command: sh, args: [\"{tool_dir}/probe.sh\"]}\n")
    }

    /// Sends `lines` and closes stdin at once; returns the exit status and the answers by id.
    private func serve(_ lines: [String], environment: [String: String] = [:]) throws -> (status: Int32, answers: [JSONObject], stderr: String) {
        let result = try fixture.run(["serve", "--jsonl", "--tools-dir", "tools", "--tools-dir", ToolHostPaths.shippedTools],
                                     input: lines.map { $0 + "\n" }.joined(), environment: environment)
        let answers = result.stdoutText.split(separator: "\n").map { line -> JSONObject in
            (try? JSONParser.parse(String(line)))?.objectValue ?? ["unparsed": .string(String(line))]
        }
        return (result.status, answers, result.stderr)
    }

    @Test func answersCarryTheRequestIdAndExactlyWhatRunPrints() throws {
        let served = try serve([
            #"{"id": 1, "tool": "echo", "input": {"message": "hi"}}"#,
            #"{"id": "two", "tool": "echo", "input": {"times": 0}}"#,
            #"{"id": 3, "tool": "fail", "input": {}}"#,
            #"{"id": 4, "tool": "no_such_tool", "input": {}}"#,
        ])
        #expect(served.status == 0)
        let byID = Dictionary(uniqueKeysWithValues: served.answers.map { (JSONWriter.string($0["id"] ?? .null), $0) })
        for (id, tool, input) in [("1", "echo", #"{"message": "hi"}"#), ("\"two\"", "echo", #"{"times": 0}"#), ("3", "fail", "{}"),
                                  ("4", "no_such_tool", "{}")] {
            let run = try fixture.run(["run", tool], input: input)
            #expect(byID[id]?["result"] == run.json, "request \(id)")
            #expect(byID[id]?["exit_code"]?.integerValue == Int(run.status), "request \(id)")
        }
    }

    @Test func aMalformedLineIsAnsweredWithIdNullAndTheStreamGoesOn() throws {
        let served = try serve([
            "this is not json",
            #"{"id": 7, "input": {}}"#,
            #"[1, 2]"#,
            "",
            #"{"id": 8, "tool": "echo", "input": {"message": "after"}, "colour": "red"}"#,
            #"{"id": 9, "tool": "echo", "input": {"message": "still here"}}"#,
        ])
        #expect(served.status == 0)
        try #require(served.answers.count == 5)
        let first = served.answers[0]
        #expect(first["id"] == .null && first["result"]?["error_code"] == "invalid_json" && first["exit_code"] == 2)
        let missingTool = served.answers.first { $0["id"] == 7 }
        #expect(missingTool?["result"]?["error_code"] == "invalid_request")
        #expect(missingTool?["result"]?["error"]?.stringValue?.contains("\"tool\"") == true)
        #expect(served.answers.contains { $0["id"] == .null && $0["result"]?["error_code"] == "invalid_request" })
        #expect(served.answers.first { $0["id"] == 8 }?["result"]?["error"]?.stringValue?.contains("colour") == true)
        #expect(served.answers.first { $0["id"] == 9 }?["result"] == ["message": "still here", "times": 1])
    }

    @Test func callsRunConcurrentlyUpToTheLimitAndAnswersComeAsTheyFinish() throws {
        let probes = (1...6).map { #"{"id": "probe-\#($0)", "tool": "probe", "input": {}}"# }
        let served = try serve(probes + [#"{"id": "quick", "tool": "echo", "input": {"message": "fast"}}"#],
                               environment: ["TOOLHOST_MAX_CONCURRENT_CALLS": "2"])
        #expect(served.status == 0)
        #expect(served.answers.count == 7)
        #expect(served.answers.allSatisfy { $0["exit_code"] == 0 })
        // Two at a time, never more.
        let seen = try String(contentsOfFile: fixture.directory.url("tools/probe/seen"), encoding: .utf8)
            .split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        #expect(seen.count == 6)
        #expect(seen.max() == 2)

        // With a free worker, a quick call sent after a slow one is answered first.
        let mixed = try serve([#"{"id": "slow", "tool": "probe", "input": {}}"#, #"{"id": "fast", "tool": "echo", "input": {"message": "x"}}"#])
        #expect(mixed.answers.map { $0["id"] } == ["fast", "slow"])
    }

    @Test func endOfInputFinishesTheCallsInFlightThenExitsZero() throws {
        let server = try RunningProcess(fixture.binary.path, ["serve", "--jsonl"], directory: fixture.directory.path)
        server.write(#"{"id": 1, "tool": "probe", "input": {}}"# + "\n" + #"{"id": 2, "tool": "probe", "input": {}}"# + "\n")
        server.closeInput()
        let ended = try server.waitForExit(within: 30)
        #expect(ended.status == 0)
        #expect(Set(ended.remaining.compactMap { try? JSONParser.parse($0)["id"] }) == [1, 2])
    }

    @Test func sigtermFinishesTheCallInFlightAndItsRecordingThenExitsZero() throws {
        let database = try TestDatabase(.sqlite)
        let server = try RunningProcess(fixture.binary.path, ["serve", "--jsonl"], environment: database.environment,
                                        directory: fixture.directory.path)
        server.write(#"{"id": "held", "tool": "probe", "input": {}}"# + "\n")  // stdin stays open
        let seen = fixture.directory.url("tools/probe/seen")
        for _ in 0..<1500 where !FileManager.default.fileExists(atPath: seen) { usleep(20_000) }
        server.signal(SIGTERM)
        let ended = try server.waitForExit(within: 30)
        #expect(ended.status == 0, "\(server.stderr)")
        #expect(ended.remaining.compactMap { try? JSONParser.parse($0) }.map { $0["id"] } == ["held"])
        let connection = try database.connect()
        let executions = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.executions)
        #expect(try connection.run("SELECT tool_name FROM \(executions)").rows.map { $0["tool_name"] } == ["probe"])
    }

    /// `toolhost serve` hands over to `toolhost-serve` beside it; without it, a clear error.
    @Test func serveWithoutItsServerProgramSaysWhatIsMissing() throws {
        let alone = TemporaryDirectory()
        let copy = alone.url("toolhost")
        try FileManager.default.copyItem(atPath: fixture.binary.path, toPath: copy)
        let process = try RunningProcess(copy, ["serve", "--jsonl"])
        #expect(try process.waitForExit(within: 30).status == 127)
        #expect(process.stderr.contains("toolhost-serve"))
        #expect(process.stderr.contains(alone.url("toolhost-serve")))
    }

    @Test(arguments: Engine.allCases)
    func everyCallIsRecordedBeforeTheServerExits(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let lines = (1...40).map { #"{"id": \#($0), "tool": "bulk_data_store", "input": {"operation": "store_log", "tool_id": "jsonl", "message": "line \#($0)", "log_level": "INFO"}}"# }
        let served = try serve(lines + [#"{"id": 41, "tool": "no_such_tool"}"#], environment: database.environment)
        #expect(served.status == 0)
        #expect(served.answers.filter { $0["exit_code"] == 0 }.count == 40)
        let connection = try database.connect()
        let executions = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.executions)
        let recorded = try connection.run("SELECT tool_name, success FROM \(executions)").rows
        #expect(recorded.count == 41)
        #expect(recorded.filter { $0["tool_name"] == "bulk_data_store" && $0["success"] == true }.count == 40)
        #expect(recorded.contains { $0["tool_name"] == "no_such_tool" && $0["success"] == false })
        #expect(try connection.run("SELECT count(*) AS n FROM tool_logs WHERE tool_id = 'jsonl'").rows.first?["n"] == 40)
    }

    @Test func postgresConnectionsAreReusedAcrossCalls() throws {
        let database = try TestDatabase(.postgres)
        let backend = #"{"operation": "query", "sql": "SELECT pg_backend_pid() AS pid", "fetch_one": true}"#
        let lines = (1...12).map { #"{"id": \#($0), "tool": "postgres_client", "input": \#(backend)}"# }
        let pids = { (served: (status: Int32, answers: [JSONObject], stderr: String)) -> Set<Int> in
            Set(served.answers.compactMap { $0["result"]?["data"]?.arrayValue?.first?["pid"]?.integerValue })
        }
        // One worker and no recorder: one connection serves every call.
        let oneAtATime = try serve(lines, environment: database.environment.merging(["TOOLHOST_MAX_CONCURRENT_CALLS": "1",
                                                                                     "TOOLHOST_RECORD_INVOCATIONS": "false"]) { $1 })
        #expect(oneAtATime.answers.filter { $0["exit_code"] == 0 }.count == 12, "\(oneAtATime.answers.first ?? [:])")
        #expect(pids(oneAtATime).count == 1)
        let three = try serve(lines, environment: database.environment.merging(["TOOLHOST_MAX_CONCURRENT_CALLS": "3"]) { $1 })
        // Three workers, plus the recorder writing in the background: never one per call.
        #expect((1...4).contains(pids(three).count))
    }

    @Test func aLineOverTheLimitIsRefusedAndSkipped() throws {
        fixture.directory.write("toolhost.yaml", "tools:\n  paths: [tools]\nservice:\n  max_request_bytes: 1024\n")
        let long = #"{"id": 1, "tool": "echo", "input": {"message": ""# + String(repeating: "x", count: 3000) + #""}}"#
        let served = try serve([long, #"{"id": 2, "tool": "echo", "input": {"message": "short"}}"#])
        #expect(served.answers.count == 2)
        #expect(served.answers[0]["id"] == .null && served.answers[0]["result"]?["error_code"] == "invalid_request")
        #expect(served.answers[0]["result"]?["error"]?.stringValue?.contains("max_request_bytes") == true)
        #expect(served.answers[1]["id"] == 2 && served.answers[1]["exit_code"] == 0)
    }

    @Test func serveNeedsExactlyOneFrontEnd() throws {
        for arguments in [["serve"], ["serve", "--jsonl", "--mcp"], ["serve", "--jsonl", "--listen", "127.0.0.1:0"]] {
            let result = try fixture.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains("--jsonl") || result.stderr.contains("--listen"), "\(arguments): \(result.stderr)")
        }
        #expect(try fixture.run(["serve", "--help"]).stdoutText.contains("--jsonl"))
    }
}
