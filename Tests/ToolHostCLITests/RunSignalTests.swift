import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
import ToolHostTools

/// A plugin leads a process group of its own, so a signal to `toolhost run` never reaches it by
/// itself: the host forwards the stop to the whole group, and a watchdog does when the host is
/// killed outright. Through the real binary, with a plugin that starts children of its own.
@Suite("Signals on toolhost run")
struct RunSignalTests {
    let folder = EmptyFolder()

    init() {
        // Writes its own pid and its two children's, then waits; `stubborn` ignores SIGTERM.
        for (id, trap) in [("family", ""), ("stubborn", "trap '' TERM; ")] {
            folder.root.write("tools/\(id)/\(id).yaml", """
                name: \(id)
                executable:
                  command: sh
                  args: ["-c", "\(trap)sleep 300 & echo $! >> pids; sleep 301 & echo $! >> pids; echo $$ >> pids; while true; do sleep 0.05; done"]
                  timeout: 600
                """)
        }
        // One child in a session of its own (`setsid`): out of the plugin's process group, still
        // in its cgroup.
        folder.root.write("tools/escapee/escapee.yaml", """
            name: escapee
            executable:
              command: sh
              args: ["-c", "setsid sh -c 'echo $$ >> pids; exec sleep 302' </dev/null >/dev/null 2>&1 & sleep 300 & echo $! >> pids; echo $$ >> pids; while true; do sleep 0.05; done"]
              timeout: 600
            """)
    }

    private var environment: [String: String] { ["TOOLHOST_PLUGIN_KILL_GRACE": "0.5"] }

    /// Starts `toolhost run tool` and waits until the plugin and both its children are running.
    private func startFamily(_ tool: String, database: TestDatabase) throws -> (host: RunningProcess, pids: [Int32]) {
        let host = try folder.start(["run", tool, "--tools-dir", folder.root.url("tools")], environment: environment.merging(database.environment) { $1 })
        host.write("{}")
        host.closeInput()
        let file = folder.root.url("tools/\(tool)/pids")
        var pids: [Int32] = []
        _ = eventually(within: 20) {
            pids = ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
            return pids.count == 3
        }
        try #require(pids.count == 3, "the plugin did not start: \(host.stderr)")
        started.append(contentsOf: pids)
        return (host, pids)
    }

    /// Every pid a test saw, killed when it ends whatever happened (a failing test must not
    /// leave `sleep 300` behind).
    private let started = PidList()

    final class PidList: @unchecked Sendable {
        private var pids: [Int32] = []
        func append(contentsOf more: [Int32]) { pids += more }
        deinit { for pid in pids where processIsRunning(pid) { kill(pid, SIGKILL) } }
    }

    private func executions(_ database: TestDatabase) throws -> [JSONObject] {
        let connection = try database.connect()
        let table = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.executions)
        return try connection.run("SELECT * FROM \(table) ORDER BY id").rows
    }

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func aSignalStopsThePluginsWholeGroupAndIsRecordedAsCancelled(signal: Int32) throws {
        let database = try TestDatabase(.sqlite)
        let (host, pids) = try startFamily("family", database: database)
        host.signal(signal)
        let ended = try host.waitForExit(within: 20)
        #expect(ended.status == 128 + signal, "\(host.stderr)")
        let answer = try? JSONParser.parse(ended.remaining.joined(separator: "\n"))
        #expect(answer?["error_code"] == "cancelled", "\(ended.remaining)")
        let gone = eventually(within: 5) { pids.allSatisfy { !processIsRunning($0) } }
        #expect(gone, "still running: \(pids.filter(processIsRunning))")
        let recorded = try executions(database)
        #expect(recorded.count == 1)
        #expect(recorded.first?["error_code"] == "cancelled")
        #expect(recorded.first?["success"] == false)
    }

    @Test func aPluginThatIgnoresSIGTERMIsKilledAfterTheGracePeriod() throws {
        let database = try TestDatabase(.sqlite)
        let (host, pids) = try startFamily("stubborn", database: database)
        let signalled = Date()
        host.signal(SIGINT)
        let ended = try host.waitForExit(within: 20)
        #expect(ended.status == 130)
        // The plugin ignored SIGTERM: it was killed only once the grace period (0.5 s) was over.
        let waited = Date().timeIntervalSince(signalled)
        #expect(waited >= 0.5, "\(waited) s")
        let gone = eventually(within: 5) { pids.allSatisfy { !processIsRunning($0) } }
        #expect(gone, "still running: \(pids.filter(processIsRunning))")
    }

    /// `escapee`'s `setsid` child is out of reach of a group kill: the watchdog finds it in the
    /// run's cgroup, kills it and removes the cgroup (before, it ran until another ToolHost
    /// started a plugin and swept the dead host's cgroups).
    @Test(arguments: ["family", "stubborn", "escapee"])
    func aCallerThatKillsTheHostOutrightLeaksNothing(tool: String) throws {
        // What a caller's own timeout does (Python's subprocess.run(timeout=...) sends SIGKILL).
        let database = try TestDatabase(.sqlite)
        let (host, pids) = try startFamily(tool, database: database)
        host.signal(SIGKILL)
        let ended = try host.waitForExit(within: 20)
        #expect(ended.status == SIGKILL)
        let gone = eventually(within: 5) { pids.allSatisfy { !processIsRunning($0) } }
        #expect(gone, "still running: \(pids.filter(processIsRunning))")
        let bases = (try? CgroupHierarchy.current.get())?.folders.values.sorted() ?? []
        #expect(!bases.isEmpty, "this machine kind has cgroups: \(CgroupHierarchy.current)")
        let removed = eventually(within: 5) {
            bases.allSatisfy { base in
                ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).allSatisfy { !$0.hasPrefix("toolhost-\(host.pid)-") }
            }
        }
        #expect(removed, "the dead host's cgroups are still there")
    }
}
