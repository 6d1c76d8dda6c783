import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
import ToolHostTools

/// `notifications/progress` through the real `toolhost serve --mcp` and the official Python
/// SDK's `progress_callback`: a plugin's progress lines, heartbeats for a call that says
/// nothing, and the real counts of a batch store, an export and a workflow. Every sequence must
/// increase (MCP requires it of `progress`).
@Suite("MCP progress notifications with the official Python client")
struct MCPProgressTests {
    let fixture = CLIFixture()
    let database: TestDatabase

    init() throws {
        database = try TestDatabase(.sqlite)
        fixture.directory.write("toolhost.yaml", "service:\n  mcp:\n    progress_heartbeat_seconds: 0.5\n")
        fixture.directory.write("tools/counter.yaml", """
            name: Counter
            type: executable
            description: Reports four steps on stderr
            executable:
              command: sh
              args: ["-c", "echo 'plain words' >&2; for i in 1 2 3 4; do echo \\"toolhost:progress $i/4 file $i\\" >&2; sleep 0.3; done; echo '{\\"done\\": true}'"]
            """)
        fixture.directory.write("tools/slow.yaml", """
            name: Slow
            type: executable
            description: Says nothing for two seconds
            executable: {command: sh, args: ["-c", "sleep 2; echo '{}'"]}
            """)
        fixture.directory.write("tools/twice.yaml", """
            name: Twice
            type: workflow
            workflow:
              steps:
                - {name: first, tool: echo_json}
                - {name: second, tool: echo_json}
            """)
        fixture.directory.write("tools/echo_json.yaml", "name: Echo\ntype: executable\nexecutable: {command: cat}\n")
    }

    /// The test database; calls not recorded (the export counts only the rows a test stored).
    private var environment: [String: String] {
        database.environment.merging(["TOOLHOST_RECORD_INVOCATIONS": "false"]) { _, new in new }
    }

    private func progress(of tool: String, _ arguments: String) throws -> (notes: [JSONValue], json: JSONValue) {
        let (status, json) = try MCPClient.run(["progress", tool, arguments], server: [fixture.binary.path, "serve", "--mcp", "--tools-dir", "tools"],
                                               environment: environment, directory: fixture.directory.path)
        #expect(status == 0, "\(json)")
        #expect(json["isError"] == false, "\(json)")
        return (json["progress"]?.arrayValue ?? [], json)
    }

    private func expectIncreasing(_ notes: [JSONValue]) {
        let values = notes.compactMap { $0["progress"]?.numberValue }
        #expect(values.count == notes.count)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "\(values)")
    }

    @Test func aPluginsProgressLinesBecomeNotifications() throws {
        let (notes, json) = try progress(of: "counter", "{}")
        expectIncreasing(notes)
        let fromPlugin = notes.filter { $0["message"]?.stringValue?.hasPrefix("file") == true }
        #expect(fromPlugin.map { $0["progress"]?.numberValue } == [1, 2, 3, 4], "\(json)")
        #expect(fromPlugin.map { $0["total"]?.numberValue } == [4, 4, 4, 4])
        #expect(fromPlugin.map { $0["message"]?.stringValue } == ["file 1", "file 2", "file 3", "file 4"])
        #expect(json["structuredContent"]?["done"] == true)
    }

    @Test func aSilentLongCallGetsHeartbeats() throws {
        let (notes, json) = try progress(of: "slow", "{}")
        expectIncreasing(notes)
        let beats = notes.filter { $0["message"]?.stringValue?.hasPrefix("still running after") == true }
        #expect(!beats.isEmpty, "\(json)")
        #expect(beats.count == notes.count, "only heartbeats: \(json)")
    }

    @Test func aBatchStoreCountsItsRecords() throws {
        let logs = (0..<1000).map { #"{"tool_id": "t", "log_level": "info", "message": "line \#($0)"}"# }.joined(separator: ",")
        let (notes, json) = try progress(of: "bulk_data_store", #"{"operation": "store_logs", "logs": [\#(logs)]}"#)
        expectIncreasing(notes)
        let counts = notes.filter { $0["message"] == "storing logs" }
        #expect(counts.last?["progress"] == 1000, "\(notes)")
        #expect(counts.last?["total"] == 1000)
        #expect(json["structuredContent"]?["count"] == 1000, "\(json)")
    }

    @Test func anExportCountsItsRowsAgainstTheTotal() throws {
        let executions = (0..<5).map { #"{"tool_name": "t\#($0)", "success": true}"# }.joined(separator: ",")
        let stored = try progress(of: "training_data_store", #"{"operation": "store_tool_executions", "executions": [\#(executions)]}"#)
        #expect(stored.json["structuredContent"]?["count"] == 5, "\(stored.json)")
        let (notes, json) = try progress(of: "training_data_store",
                                         #"{"operation": "export_for_training", "data_type": "tool_executions", "output_path": "executions.jsonl"}"#)
        expectIncreasing(notes)
        let last = notes.last { $0["message"] == "exporting rows" }
        #expect(last?["progress"] == 5, "\(notes) \(json)")
        #expect(last?["total"] == 5)
    }

    @Test func aWorkflowCountsItsSteps() throws {
        let (notes, json) = try progress(of: "twice", #"{"x": 1}"#)
        expectIncreasing(notes)
        let steps = notes.filter { $0["message"]?.stringValue?.hasPrefix("still running") != true }
        #expect(steps.last?["progress"] == 2, "\(notes) \(json)")
        #expect(steps.last?["total"] == 2)
        #expect(steps.last?["message"] == "finished")
    }

    @Test func aCallWithoutAProgressTokenGetsNoNotificationAndTheSameAnswer() throws {
        let (status, json) = try MCPClient.run(["call", "counter", "{}"], server: [fixture.binary.path, "serve", "--mcp", "--tools-dir", "tools"],
                                               environment: environment, directory: fixture.directory.path)
        #expect(status == 0, "\(json)")
        #expect(json["structuredContent"]?["done"] == true, "\(json)")
    }
}
