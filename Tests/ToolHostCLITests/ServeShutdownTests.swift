import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
import ToolHostTools

/// SIGTERM ends `toolhost serve` within `service.shutdown_grace_seconds` on every front end,
/// even with a call that would never end by itself: its plugin's whole process group is stopped
/// near the end of the period, and the call answered `cancelled`. A server killed outright
/// (SIGKILL) leaves no plugin running either: each plugin has a watchdog.
///
/// The plugin ignores SIGTERM (so does the child it starts), so only the SIGKILL that follows
/// `plugins.kill_grace_seconds` stops it; a third process, in a session of its own (`setsid`),
/// is out of the plugin's process group and stopped through the run's cgroup. Grace period 2 s; the exits are checked within 10 s.
@Suite("toolhost serve: SIGTERM within the grace period, SIGKILL leaves no plugin", .serialized)
struct ServeShutdownTests {
    let fixture = CLIFixture()

    init() {
        fixture.directory.write("tools/stubborn/stubborn.yaml", """
            name: Stubborn
            type: executable
            executable:
              command: sh
              args: ["-c", "trap '' TERM; setsid sh -c 'echo $$ >> pids; exec sleep 302' </dev/null >/dev/null 2>&1 & sleep 300 & echo $! >> pids; sleep 0.1; echo $$ >> pids; while true; do sleep 0.05; done"]
              timeout: 600
            """)
        fixture.directory.write("grace.yaml", """
            tools:
              paths: [tools]
            plugins:
              kill_grace_seconds: 0.5
            service:
              shutdown_grace_seconds: 2
            """)
    }

    /// The plugin's pid and its two children's, once all three run.
    private func pluginPids() async throws -> [Int32] {
        let file = fixture.directory.url("tools/stubborn/pids")
        var pids: [Int32] = []
        let started = try await blocking {
            eventually(within: 30) { ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").count >= 3 }
        }
        pids = ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        try #require(started && pids.count == 3, "the plugin did not start")
        leftovers.append(contentsOf: pids)
        return pids
    }

    /// Every plugin pid a test saw, killed when it ends whatever happened.
    private let leftovers = PidList()

    final class PidList: @unchecked Sendable {
        private var pids: [Int32] = []
        func append(contentsOf more: [Int32]) { pids += more }
        deinit { for pid in pids where processIsRunning(pid) { kill(pid, SIGKILL) } }
    }

    private func expectGone(_ pids: [Int32], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let gone = try await blocking { eventually(within: 5) { pids.allSatisfy { !processIsRunning($0) } } }
        #expect(gone, "still running: \(pids.filter(processIsRunning))", sourceLocation: sourceLocation)
    }

    @Test func sigtermEndsJSONLinesWithinTheGracePeriodAndRecordsTheCallCancelled() async throws {
        let database = try TestDatabase(.sqlite)
        let server = try RunningProcess(fixture.binary.path, ["serve", "--jsonl", "--config", "grace.yaml"],
                                        environment: database.environment, directory: fixture.directory.path)
        server.write(#"{"id": "held", "tool": "stubborn", "input": {}}"# + "\n")  // stdin stays open
        let pids = try await pluginPids()
        server.signal(SIGTERM)
        let ended = try await blocking { try server.waitForExit(within: 10) }
        #expect(ended.status == 0, "\(server.stderr)")
        let answer = ended.remaining.compactMap { try? JSONParser.parse($0) }.first
        #expect(answer?["id"] == "held")
        #expect(answer?["result"]?["error_code"] == "cancelled", "\(ended.remaining)")
        try await expectGone(pids)

        let connection = try database.connect()
        let executions = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.executions)
        let rows = try connection.run("SELECT tool_name, success, error_code FROM \(executions)").rows
        #expect(rows == [["tool_name": "stubborn", "success": false, "error_code": "cancelled"]])
    }

    @Test func sigtermEndsHTTPWithinTheGracePeriodAndAnswersTheCall() async throws {
        let server = try await HTTPServer.start(fixture, ["--config", "grace.yaml"], environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"])
        let call = Task { try await server.send("POST", "/api/tools/stubborn/invoke", "{}") }
        let pids = try await pluginPids()
        server.process.signal(SIGTERM)
        let process = server.process
        let ended = try await blocking { try process.waitForExit(within: 10) }
        #expect(ended.status == 0, "\(process.stderr)")
        let answer = try await call.value
        #expect(answer.status == 503, "\(answer.text)")
        #expect(answer.json["error_code"] == "cancelled")
        try await expectGone(pids)
    }

    @Test func sigtermEndsMCPWithinTheGracePeriod() async throws {
        let session = try MCPLines(binary: fixture.binary, ["--config", "grace.yaml"], environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"],
                                   directory: fixture.directory.path)
        session.call("stubborn", id: 1)
        let pids = try await pluginPids()
        session.server.signal(SIGTERM)
        let server = session.server
        let ended = try await blocking { try server.waitForExit(within: 10) }
        #expect(ended.status == 0, "\(server.stderr)")
        try await expectGone(pids)
    }

    /// What a supervisor's last resort does: nothing of the server's can run, so the plugin's
    /// watchdog stops its group.
    @Test func aServerKilledOutrightLeavesNoPluginRunning() async throws {
        let server = try RunningProcess(fixture.binary.path, ["serve", "--jsonl", "--config", "grace.yaml"],
                                        environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"], directory: fixture.directory.path)
        server.write(#"{"id": 1, "tool": "stubborn", "input": {}}"# + "\n")
        let pids = try await pluginPids()
        // The server names the plugin's group to the watchdog just after starting it; on a busy
        // machine the plugin can write its pids before that (a plugin killed in that instant
        // escapes, as with `toolhost run`). Half a second later it is named.
        try await Task.sleep(for: .milliseconds(500))
        server.signal(SIGKILL)
        let ended = try await blocking { try server.waitForExit(within: 10) }
        #expect(ended.status == SIGKILL)
        try await expectGone(pids)
    }
}
