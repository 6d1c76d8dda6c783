import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
import ToolHostTools

/// `type: workflow` through the real binary: steps over small Python plugins, `cat` and a
/// built-in tool, the mapping between them, skipped and failing steps, cycles, the run's
/// timeout and cancellation, `toolhost validate`, and the run kept in the training store.
@Suite("Workflow tools through the real binary")
struct WorkflowToolTests {
    let folder = TemporaryDirectory()
    let binary = ToolHostBinary()

    init() {
        folder.write("tools/analyze.yaml", """
            name: Analyze
            type: executable
            executable: {command: python3, args: ["-c", "import json,sys; t=json.load(sys.stdin)['text']; print(json.dumps({'length': len(t), 'requires_splitting': len(t) > 10}))"]}
            input_schema:
              text: {type: string, required: true}
            """)
        folder.write("tools/splitter.yaml", """
            name: Splitter
            type: executable
            executable: {command: python3, args: ["-c", "import json,sys; print(json.dumps({'chunks': json.load(sys.stdin)['text'].split()}))"]}
            input_schema:
              text: {type: string, required: true}
            """)
        folder.write("tools/echo.yaml", "name: Echo\ntype: executable\nexecutable: {command: cat}\n")
        folder.write("tools/refuse.yaml", """
            name: Refuse
            type: executable
            executable: {command: python3, args: ["-c", "print('{\\"success\\": false, \\"error\\": \\"no chunks today\\"}'); raise SystemExit(3)"]}
            """)
        folder.write("tools/sleeper.yaml", "name: Sleeper\ntype: executable\nexecutable: {command: sleep, args: [\"300\"], timeout: 600}\n")
        folder.write("tools/summarize.yaml", """
            name: Summarize
            type: workflow
            description: Analyze, split long texts, report
            workflow:
              steps:
                - {name: analyze, tool: analyze}
                - {name: split, tool: splitter, condition: requires_splitting}
                - name: report
                  tool: echo
                  input: {chunks: "{{steps.split.output.chunks}}", first: "{{steps.split.output.chunks.0}}",
                          note: "{{input.text}} has {{steps.analyze.output.length}} characters", split: "{{steps.split.status}}"}
            """)
        folder.write("tools/guarded.yaml", """
            name: Guarded
            type: workflow
            workflow:
              steps:
                - {name: analyze, tool: analyze}
                - {name: split, tool: splitter, condition: requires_splitting}
                - {name: report, tool: echo, input: {length: "{{steps.analyze.output.length}}"}}
            """)
        folder.write("tools/with_builtin.yaml", """
            name: With a built-in
            type: workflow
            workflow:
              steps:
                - {name: describe, tool: tools_manager, pass_input: false, input: {operation: describe, tool: "{{input.subject}}"}}
                - {name: report, tool: echo, pass_input: false, input: {runner: "{{steps.describe.output.data.runner}}"}}
            """)
        folder.write("tools/stops.yaml", """
            name: Stops
            type: workflow
            workflow:
              steps:
                - {name: analyze, tool: analyze}
                - {name: refuse, tool: refuse}
                - {name: never, tool: echo}
            """)
        folder.write("tools/loop.yaml", "name: Loop\ntype: workflow\nworkflow:\n  steps:\n    - {name: again, tool: loop_back}\n")
        folder.write("tools/loop_back.yaml", "name: Loop back\ntype: workflow\nworkflow:\n  steps:\n    - {name: back, tool: loop}\n")
        folder.write("tools/slow.yaml", """
            name: Slow
            type: workflow
            timeout: 1
            workflow:
              steps:
                - {name: echo, tool: echo}
                - {name: wait, tool: sleeper}
                - {name: never, tool: echo}
            """)
        folder.write("toolhost.yaml", "tools:\n  paths: [tools]\nplugins:\n  kill_grace_seconds: 0.5\n")
    }

    private func run(_ tool: String, _ input: String, database: TestDatabase? = nil) throws -> ToolHostBinary.Result {
        try binary.run(["run", tool], stdin: Array(input.utf8), environment: database?.environment ?? ["TOOLHOST_RECORD_INVOCATIONS": "false"],
                       directory: folder.path)
    }

    @Test func stepsRunInOrderWithOutputsMappedIntoLaterInputs() throws {
        let result = try run("summarize", #"{"text": "one two three four"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let steps = result.json["steps"]?.arrayValue ?? []
        #expect(steps.map { $0["name"] } == ["analyze", "split", "report"])
        #expect(steps.map { $0["status"] } == ["ok", "ok", "ok"])
        #expect(steps.map { $0["tool"] } == ["analyze", "splitter", "echo"])
        #expect(steps.first?["output"] == ["length": 18, "requires_splitting": true])
        // A whole placeholder keeps the JSON type; one inside text is written into it.
        let output = result.json["output"]
        #expect(output?["chunks"] == ["one", "two", "three", "four"])
        #expect(output?["first"] == "one")
        #expect(output?["note"] == "one two three four has 18 characters")
        #expect(output?["split"] == "ok")
        #expect(output?["text"] == "one two three four")  // the workflow's input is the base of each step's
        #expect(result.json["success"] == true)
    }

    @Test func aFalsyConditionSkipsTheStepAndTheRunGoesOn() throws {
        let result = try run("guarded", #"{"text": "short"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let steps = result.json["steps"]?.arrayValue ?? []
        #expect(steps.map { $0["status"] } == ["ok", "skipped", "ok"])
        #expect(steps[1]["output"] == .null)
        #expect(result.json["output"] == ["text": "short", "length": 5])
    }

    @Test func aPlaceholderThatLeadsNowhereNamesTheStepAndThePath() throws {
        // "short" needs no splitting, so `split` has no output for `report` to read.
        let result = try run("summarize", #"{"text": "short"}"#)
        #expect(result.status == 2)
        #expect(result.json["error_code"] == "invalid_input")
        #expect(result.json["failed_step"] == "report")
        #expect(result.json["path"] == "steps.split.output.chunks")
        let message = result.json["error"]?.stringValue ?? ""
        #expect(message.contains("step 'report'") && message.contains("{{steps.split.output.chunks}}"), "\(message)")
    }

    @Test func aBuiltInToolIsAStepLikeAnyOther() throws {
        let result = try run("with_builtin", #"{"subject": "splitter"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["output"] == ["runner": "plugin"])
        #expect(result.json["steps"]?[0]?["output"]?["data"]?["id"] == "splitter")
    }

    @Test func aFailingStepStopsTheRunWithItsOwnError() throws {
        let result = try run("stops", #"{"text": "anything"}"#)
        #expect(result.status == 1)
        #expect(result.json["success"] == false)
        #expect(result.json["error_code"] == "plugin_failed")
        let message = result.json["error"]?.stringValue ?? ""
        #expect(message.contains("step 'refuse'") && message.contains("no chunks today"), "\(message)")
        let steps = result.json["steps"]?.arrayValue ?? []
        #expect(steps.map { $0["status"] } == ["ok", "failed"])  // `never` never ran
        // The step's output is what the plugin said; its exit status is the run's `exit_code`.
        #expect(steps.last?["output"]?["error"] == "no chunks today", "\(result.stdoutText)")
        #expect(steps.last?["output"]?["command"] == nil)
        #expect(result.json["exit_code"] == 3)
    }

    @Test func eachStepPassesThePolicyOnItsOwn() throws {
        folder.write("denying.yaml", "tools:\n  paths: [tools]\npolicy:\n  default: allow\n  tools:\n    splitter: deny\n")
        let result = try binary.run(["run", "summarize", "--config", "denying.yaml"], stdin: Array(#"{"text": "one two three four"}"#.utf8),
                                    environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"], directory: folder.path)
        #expect(result.json["error_code"] == "denied_by_policy", "\(result.stdoutText)")
        #expect(result.json["failed_step"] == "split")
        #expect(result.json["rule"] == "policy.tools.splitter")
        #expect(result.json["steps"]?.arrayValue?.map { $0["status"] } == ["ok", "failed"])
    }

    @Test func serveAnswersAWorkflowAsRunDoesAndRecordsIt() throws {
        let database = try TestDatabase(.sqlite)
        let lines = #"{"id": 1, "tool": "guarded", "input": {"text": "short"}}"# + "\n" + #"{"id": 2, "tool": "loop", "input": {}}"# + "\n"
        let served = try binary.run(["serve", "--jsonl"], stdin: Array(lines.utf8), environment: database.environment, directory: folder.path)
        #expect(served.status == 0, "\(served.stderr)")
        let answers = served.stdoutText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        let byID = Dictionary(answers.map { ($0["id"]?.integerValue ?? 0, $0) }) { first, _ in first }
        #expect(byID[1]?["result"] == (try run("guarded", #"{"text": "short"}"#)).json)
        #expect(byID[2]?["result"]?["error_code"] == "workflow_cycle")
        let connection = try database.connect()
        let table = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.workflows)
        let workflows = try connection.run("SELECT workflow_type, phase FROM \(table) ORDER BY workflow_type").rows
        // The cycle is three runs: `loop` refused inside `loop_back` inside `loop`, each a workflow call.
        #expect(workflows == [["workflow_type": "guarded", "phase": "completed"], ["workflow_type": "loop", "phase": "failed"],
                              ["workflow_type": "loop", "phase": "failed"], ["workflow_type": "loop_back", "phase": "failed"]])
    }

    @Test func aCycleIsRefusedWithTheChain() throws {
        let result = try run("loop", "{}")
        #expect(result.json["error_code"] == "workflow_cycle")
        let message = result.json["error"]?.stringValue ?? ""
        #expect(message.contains("loop → loop_back → loop"), "\(message)")
        #expect(result.status == 1)
    }

    @Test func nestingDeeperThanEightIsRefused() throws {
        for level in 1...9 {
            let next = level == 9 ? "echo" : "deep\(level + 1)"
            folder.write("tools/deep\(level).yaml", "name: Deep\ntype: workflow\nworkflow:\n  steps:\n    - {name: s, tool: \(next)}\n")
        }
        let result = try run("deep1", "{}")
        #expect(result.json["error_code"] == "workflow_too_deep")
        #expect((result.json["error"]?.stringValue ?? "").contains("at most 8"))
        // Eight levels still run.
        let eight = try run("deep2", #"{"x": 1}"#)
        #expect(eight.status == 0, "\(eight.stdoutText)")
    }

    @Test func anUnknownStepToolIsAValidateErrorAndARunErrorBeforeAnyStepRuns() throws {
        folder.write("tools/typo.yaml", """
            name: Typo
            type: workflow
            workflow:
              steps:
                - {name: first, tool: refuse}
                - {name: second, tool: no_such_tool}
            """)
        let validate = try binary.run(["validate"], environment: [:], directory: folder.path)
        #expect(validate.status == 1)
        #expect(validate.stdoutText.contains("typo.yaml: error: the step 'second' names the tool 'no_such_tool', which is not in the catalogue"),
                "\(validate.stdoutText)")
        let result = try run("typo", "{}")
        #expect(result.status == 127)
        #expect(result.json["error_code"] == "unknown_tool")
        #expect(result.json["failed_step"] == "second")
        #expect(result.json["steps"] == nil)  // `first` (which would fail) never ran
    }

    @Test func aBrokenWorkflowBlockIsReportedByValidateAndRefusedAtRun() throws {
        folder.write("tools/broken.yaml", """
            name: Broken
            type: workflow
            workflow:
              steps:
                - {name: a, tool: echo, condition: ready}
                - {name: b, tool: echo, input: {x: "{{steps.later.output}}"}}
            """)
        let validate = try binary.run(["validate"], environment: [:], directory: folder.path)
        #expect(validate.stdoutText.contains("the first step has no previous output"), "\(validate.stdoutText)")
        #expect(validate.stdoutText.contains("names the step 'later', which does not run before 'b'"), "\(validate.stdoutText)")
        let result = try run("broken", "{}")
        #expect(result.json["error_code"] == "invalid_workflow")
    }

    @Test func theWorkflowTimeoutBoundsTheWholeRun() throws {
        let started = Date()
        let result = try run("slow", "{}")
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 124)
        #expect(result.json["error_code"] == "timeout")
        #expect(result.json["failed_step"] == "wait")
        #expect(elapsed < 10, "the 1 s budget stopped `sleep 300`: \(elapsed) s")
        #expect(result.json["steps"]?.arrayValue?.map { $0["status"] } == ["ok", "failed"])
    }

    @Test func aSignalCancelsTheCurrentStepAndStopsTheRun() throws {
        folder.write("tools/long_sleeper.yaml", "name: Long sleeper\ntype: executable\nexecutable: {command: sleep, args: [\"297\"], timeout: 600}\n")
        folder.write("tools/waits.yaml", "name: Waits\ntype: workflow\nworkflow:\n  steps:\n    - {name: wait, tool: long_sleeper}\n    - {name: never, tool: echo}\n")
        let host = try RunningProcess(binary.path, ["run", "waits"], environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"], directory: folder.path)
        host.write("{}")
        host.closeInput()
        // The step has started once its `sleep` exists.
        let running = eventually(within: 20) { Self.processExists(commandLine: "sleep 297") }
        try #require(running)
        let started = Date()
        host.signal(SIGTERM)
        let (status, lines) = try host.waitForExit(within: 20)
        #expect(Date().timeIntervalSince(started) < 10)
        let answer = try JSONParser.parse(Array((lines.joined(separator: "\n")).utf8))
        #expect(answer["error_code"] == "cancelled", "\(lines)")
        #expect(answer["failed_step"] == "wait")
        #expect(status == 130 || status == 128 + SIGTERM)
    }

    /// Whether a process of this test user runs `commandLine` (read from /proc).
    private static func processExists(commandLine: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { entry in
            guard Int32(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ").trimmingCharacters(in: .whitespaces) == commandLine
        }
    }

    @Test(arguments: Engine.allCases)
    func eachRunIsKeptAsAWorkflowWithItsPhases(engine: Engine) throws {
        let database = try TestDatabase(engine)
        #expect(try run("guarded", #"{"text": "short"}"#, database: database).status == 0)
        #expect(try run("stops", #"{"text": "x"}"#, database: database).status == 1)
        let connection = try database.connect()
        let builder = SQLStatementBuilder(dialect: connection.dialect)
        let executions = try connection.run("SELECT * FROM \(builder.table(TrainingSchema.executions)) ORDER BY id").rows
        // Each step is a call like any other, recorded before the workflow that made it.
        #expect(executions.map { $0["tool_name"] } == ["analyze", "echo", "guarded", "analyze", "refuse", "stops"])
        let workflows = try connection.run("SELECT * FROM \(builder.table(TrainingSchema.workflows)) ORDER BY id").rows
        try #require(workflows.count == 2)
        #expect(workflows.map { $0["workflow_type"] } == ["guarded", "stops"])
        #expect(workflows.map { $0["phase"] } == ["completed", "failed"])
        // The run's execution and its workflow share one id.
        #expect(workflows[0]["workflow_id"] == executions[2]["execution_id"])
        #expect(workflows[1]["state"]?["error"]?.stringValue?.contains("no chunks today") == true)
        // Each phase is in the history, in order.
        let history = try connection.run("SELECT payload FROM \(builder.table(TrainingSchema.events)) WHERE event_type = 'workflow_phase' ORDER BY id").rows
        let phases = history.compactMap { $0["payload"]?["phase"]?.stringValue }
        #expect(phases == ["step:analyze", "step:split", "step:report", "completed", "step:analyze", "step:refuse", "failed"])
    }
}
