import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `type: mcp` tools (issue 17): ToolHost as a client of other MCP servers, through the real
/// binary, against real servers from PyPI (`mcp-server-time`, `mcp-server-fetch`) and
/// ToolHost's own `serve --mcp`.
@Suite("MCP client tools")
struct MCPClientToolTests {
    let folder = TemporaryDirectory()
    let binary = ToolHostBinary()
    let python: String
    /// The inner `hang` tool's command line (`sleep 297 0.NNNNN`), unique to this test.
    let sleeper = "sleep 297 0.\(Int.random(in: 10000...99999))"

    /// In the time server's environment, to find its processes (and only them).
    var marker: String { folder.url("time-marker") }

    init() throws {
        python = try TestPython.path()
        // Written for npx, which this machine may not have: config replaces the command.
        folder.write("tools/time.yaml", """
            name: Time
            type: mcp
            description: Time tools from an MCP server
            tags: [clock]
            mcp: {server_name: time, command: npx, args: ["-y", "@modelcontextprotocol/server-time"], env: {}}
            """)
        folder.write("tools/fetch.yaml", """
            name: Fetch
            type: mcp
            mcp: {server_name: fetch, command: \(python), args: ["-m", "mcp_server_fetch", "--ignore-robots-txt", "--allow-private-ips"]}
            """)
        // ToolHost's own serve --mcp as the server, with a catalogue of its own.
        folder.write("inner/tools/echo.yaml", """
            name: Echo
            type: executable
            executable: {command: cat}
            input_schema:
              message: {type: string, required: true}
            """)
        folder.write("inner/tools/hang.yaml", """
            name: Hang
            type: executable
            executable: {command: sleep, args: ["297", "\(sleeper.split(separator: " ").last ?? "1")"]}
            """)
        folder.write("inner/toolhost.yaml", "tools:\n  paths: [tools]\nplugins:\n  kill_grace_seconds: 0.5\n")
        folder.write("tools/inner.yaml", """
            name: Inner ToolHost
            type: mcp
            mcp:
              command: \(binary.path)
              args: [serve, --mcp, --config, \(folder.url("inner/toolhost.yaml"))]
              env: {TOOLHOST_DATABASE_TYPE: sqlite}
            """)
        writeConfig(overridingTime: true)
    }

    private func writeConfig(overridingTime: Bool) {
        let servers = overridingTime
            ? "mcp:\n  servers:\n    time: {command: \(python), args: [\"-m\", \"mcp_server_time\", \"--local-timezone\", \"Etc/UTC\"], env: {TOOLHOST_MARKER: \"\(marker)\"}}\n"
            : ""
        folder.write("toolhost.yaml", "tools:\n  paths: [tools]\nplugins:\n  kill_grace_seconds: 0.5\n" + servers)
    }

    private var environment: [String: String] { ["TOOLHOST_DATABASE_TYPE": "sqlite"] }

    private func toolhost(_ arguments: [String], input: String? = nil) throws -> ToolHostBinary.Result {
        try binary.run(arguments + ["--config", folder.url("toolhost.yaml")], stdin: input.map { Array($0.utf8) },
                       environment: environment, directory: folder.path)
    }

    private func run(_ tool: String, _ input: String, timeout: Double? = nil) throws -> ToolHostBinary.Result {
        try toolhost(["run", tool] + (timeout.map { ["--timeout", String($0)] } ?? []), input: input)
    }

    /// Pids of live processes whose command line or environment mentions `text`, sorted.
    private func processes(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard processIsRunning(pid) else { return false }
            return ["cmdline", "environ"].contains { file in
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/\(file)") else { return false }
                return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
            }
        }.sorted()
    }

    /// Gone, or a zombie whose threads have all exited (only then can its parent reap it).
    private func isFullyDead(_ pid: Int32) -> Bool {
        guard !processIsRunning(pid) else { return false }
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.count <= 1
    }

    @Test func theServersToolsAreCatalogueToolsWithTheServersSchema() throws {
        let listed = try toolhost(["list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let ids = listed.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains("time") && ids.contains("time.get_current_time") && ids.contains("time.convert_time"), "\(ids)")
        #expect(ids.contains("inner.echo") && ids.contains("fetch.fetch"), "\(ids)")

        let described = try toolhost(["describe", "time.get_current_time", "--format", "json"])
        #expect(described.status == 0, "\(described.stdoutText) \(described.stderr)")
        let schema = described.json["input_schema"]
        #expect(schema?["required"] == ["timezone"], "\(described.stdoutText)")
        #expect(schema?["properties"]?["timezone"]?["type"] == "string")

        let found = try toolhost(["search", "current time in a timezone"])
        #expect(found.stdoutText.contains("time.get_current_time"), "\(found.stdoutText) \(found.stderr)")

        // Listed once: the tools are cached, and listing again starts no server.
        let cached = try FileManager.default.contentsOfDirectory(atPath: folder.url("data/mcp-tools"))
        #expect(cached.contains { $0.hasPrefix("time-") } && cached.contains { $0.hasPrefix("inner-") }, "\(cached)")
        let again = try toolhost(["list"])
        #expect(again.stdoutText.contains("time.get_current_time"))
        #expect(processes(mentioning: marker).isEmpty)
    }

    @Test func aServerToolRunsByItsOwnIdAndThroughItsEntry() throws {
        let own = try run("time.get_current_time", #"{"timezone": "Europe/Paris"}"#)
        #expect(own.status == 0, "\(own.stdoutText) \(own.stderr)")
        let answer = own.json
        #expect(answer["success"] == true)
        #expect(answer["structuredContent"]?["timezone"] == "Europe/Paris")
        #expect(answer["text"]?.stringValue?.contains("Europe/Paris") == true)
        #expect(answer["content"]?[0]?["type"] == "text")

        let entry = try run("time", #"{"tool": "convert_time", "arguments": {"source_timezone": "Etc/UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"}}"#)
        #expect(entry.status == 0, "\(entry.stdoutText) \(entry.stderr)")
        #expect(entry.json["structuredContent"]?["target"]?["datetime"]?.stringValue?.contains("T21:00:00") == true, "\(entry.stdoutText)")
    }

    @Test func inputIsValidatedAgainstTheServersSchemaBeforeTheCall() throws {
        let missing = try run("time.get_current_time", "{}")
        #expect(missing.status == 2)
        #expect(missing.json["error_code"] == "invalid_input")
        #expect(missing.json["violations"]?[0]?["path"] == "/timezone", "\(missing.stdoutText)")

        // Through the entry, once the server's tools are known (listed and cached).
        _ = try toolhost(["list"])
        let wrongType = try run("time", #"{"tool": "get_current_time", "arguments": {"timezone": 42}}"#)
        #expect(wrongType.status == 2)
        #expect(wrongType.json["violations"]?[0]?["path"] == "/arguments/timezone", "\(wrongType.stdoutText)")
        let noTool = try run("time", #"{"arguments": {}}"#)
        #expect(noTool.json["violations"]?[0]?["path"] == "/tool", "\(noTool.stdoutText)")
    }

    @Test func aToolErrorOfTheServerIsMcpToolFailedWithItsText() throws {
        let result = try run("time.get_current_time", #"{"timezone": "Nowhere/Atlantis"}"#)
        #expect(result.status == 1)
        let answer = result.json
        #expect(answer["success"] == false)
        #expect(answer["error_code"] == "mcp_tool_failed")
        let message = answer["error"]?.stringValue ?? ""
        #expect(message.contains("get_current_time") && message.contains("Nowhere/Atlantis"), "\(message)")
        #expect(answer["content"]?[0]?["text"]?.stringValue?.contains("Nowhere/Atlantis") == true)
    }

    @Test func aMissingCommandIsAClearErrorAndConfigsCommandFixesIt() throws {
        writeConfig(overridingTime: false)
        let emptyPath = ["PATH": "/nonexistent"]
        let failed = try binary.run(["run", "time", "--config", folder.url("toolhost.yaml")],
                                    stdin: Array(#"{"tool": "get_current_time", "arguments": {"timezone": "UTC"}}"#.utf8),
                                    environment: environment.merging(emptyPath) { $1 }, directory: folder.path)
        #expect(failed.status == 127, "\(failed.stdoutText)")
        #expect(failed.json["error_code"] == "command_not_found")
        let message = failed.json["error"]?.stringValue ?? ""
        #expect(message.contains("'npx'") && message.contains("mcp.servers.time.command"), "\(message)")
        // The catalogue still lists (the entry, and a warning instead of its tools).
        let listed = try binary.run(["list", "--config", folder.url("toolhost.yaml")], environment: environment.merging(emptyPath) { $1 },
                                    directory: folder.path)
        #expect(listed.status == 0)
        #expect(listed.stdoutText.contains("time ") && !listed.stdoutText.contains("time.get_current_time"))
        #expect(listed.stderr.contains("MCP entry 'time'"), "\(listed.stderr)")

        writeConfig(overridingTime: true)
        let fixed = try run("time.get_current_time", #"{"timezone": "UTC"}"#)
        #expect(fixed.status == 0, "\(fixed.stdoutText) \(fixed.stderr)")
    }

    /// `toolhost validate` reads an `mcp:` block as a call would, and starts no server.
    @Test func validateReportsAnMCPBlockThatCannotWork() throws {
        folder.write("tools/typo.yaml", """
            name: Typo
            type: mcp
            mcp: {server_name: typo, comand: mcp-server-time}
            """)
        let result = try toolhost(["validate", folder.url("tools/typo.yaml"), folder.url("tools/time.yaml")])
        #expect(result.stdoutText.contains("unknown mcp key 'comand'; did you mean 'command'?"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("neither a command nor a url"), "\(result.stdoutText)")
        #expect(!result.stdoutText.contains("time.yaml"), "a good block says nothing: \(result.stdoutText)")
    }

    /// A server that never answers (an `npx` with no registry waits silently for ever) costs
    /// `list` one listing timeout, then its remembered failure; the timeout names its stderr.
    @Test func aServerThatHangsIsWaitedForOnceThenItsFailureIsRemembered() throws {
        folder.write("tools/stuck.yaml", """
            name: Stuck
            type: mcp
            mcp: {server_name: stuck, command: sh, args: ["-c", "echo 'fetching packages...' >&2; sleep 600"], env: {STUCK_MARKER: "\(stuckMarker)"}}
            """)
        // sh says its line at once; 2 s leave room for a loaded machine to start it.
        folder.write("toolhost.yaml", "tools:\n  paths: [tools]\nplugins:\n  kill_grace_seconds: 0.5\nmcp:\n  list_timeout_seconds: 2\n")
        let first = try toolhost(["list"])
        #expect(first.status == 0)
        #expect(first.stderr.contains("MCP entry 'stuck'") && first.stderr.contains("did not answer initialize in time"), "\(first.stderr)")
        #expect(first.stderr.contains("fetching packages..."), "the server's last stderr line: \(first.stderr)")
        let second = try toolhost(["list"])
        #expect(second.stderr.contains("listing failed") && second.stderr.contains("s ago"), "\(second.stderr)")
        #expect(second.stderr.contains("did not answer initialize in time"), "\(second.stderr)")
        // A call still tries the server (and says why it failed).
        let called = try run("stuck", #"{"tool": "anything", "arguments": {}}"#, timeout: 2)
        #expect(called.json["error_code"] == "timeout", "\(called.stdoutText)")
        #expect(called.json["error"]?.stringValue?.contains("fetching packages...") == true, "\(called.stdoutText)")
        // The server and its sleep (which carries the marker in its environment) are gone.
        #expect(eventually(within: 10) { processes(mentioning: stuckMarker).isEmpty })
    }

    private var stuckMarker: String { folder.url("stuck-marker") }

    @Test func fetchReadsAPageFromALocalServer() throws {
        folder.write("site/page.html", "<html><head><title>Greeting</title></head><body><h1>Hello from the local page</h1></body></html>")
        let site = try RunningProcess(python, ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.url("site")])
        defer { site.signal(SIGKILL) }
        let banner = try site.readLine(within: 60)
        let port = try #require(banner.split(separator: " ").firstIndex(of: "port").map { banner.split(separator: " ")[$0 + 1] })
        // raw: the page as served (simplifying HTML runs Node's Readability, not what is tested here).
        let result = try run("fetch.fetch", #"{"url": "http://127.0.0.1:\#(port)/page.html", "raw": true}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json["text"]?.stringValue?.contains("Hello from the local page") == true, "\(result.stdoutText)")
    }

    @Test func toolhostsOwnServeMCPIsAServerAndAOneShotRunLeavesNoProcess() throws {
        let result = try run("inner.echo", #"{"message": "through two hosts"}"#)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json["text"]?.stringValue?.contains("through two hosts") == true, "\(result.stdoutText)")
        // The inner server and everything it started are gone once run has answered.
        #expect(eventually(within: 10) { processes(mentioning: folder.url("inner/toolhost.yaml")).isEmpty })
    }

    @Test func aCallThatOutlastsItsTimeoutStopsWithTimeoutAndLeavesNoProcess() throws {
        let result = try run("inner.hang", "{}", timeout: 8)
        #expect(result.status == 124, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json["error_code"] == "timeout")
        #expect(eventually(within: 15) { processes(mentioning: folder.url("inner/toolhost.yaml")).isEmpty })
        #expect(eventually(within: 15) { processes(mentioning: sleeper).isEmpty })
    }

    @Test func serveKeepsOneServerPerEntryAndRestartsItAfterItDied() throws {
        let server = try RunningProcess(binary.path, ["serve", "--jsonl", "--config", folder.url("toolhost.yaml")],
                                        environment: environment, directory: folder.path)
        func call(_ id: Int) throws -> JSONValue {
            server.write(#"{"id": \#(id), "tool": "time.get_current_time", "input": {"timezone": "Etc/UTC"}}"# + "\n")
            return try JSONParser.parse(try server.readLine(within: 120))
        }
        let first = try call(1)
        #expect(first["result"]?["success"] == true, "\(first)")
        let started = processes(mentioning: marker)
        #expect(started.count == 1)
        let second = try call(2)
        #expect(second["result"]?["success"] == true)
        #expect(processes(mentioning: marker) == started, "the same server answers both calls")

        for pid in started { kill(pid, SIGKILL) }
        // Dead, every thread of it (a zombie until serve reaps it; its pipes close with its last
        // thread), so the next call finds it gone rather than sent to it as it dies.
        #expect(eventually(within: 10) { started.allSatisfy(isFullyDead) })
        let third = try call(3)
        #expect(third["result"]?["success"] == true, "\(third) \(server.stderr)")
        let restarted = processes(mentioning: marker)
        #expect(restarted.count == 1 && restarted != started)

        let ended = try server.waitForExit(within: 60)
        #expect(ended.status == 0)
        #expect(eventually(within: 10) { processes(mentioning: marker).isEmpty })
    }

    @Test func toolhostsOwnMCPFrontEndListsAndCallsTheServersTools() throws {
        let server = [binary.path, "serve", "--mcp", "--config", folder.url("toolhost.yaml")]
        let listed = try MCPClient.run(["list"], server: server, environment: environment, directory: folder.path)
        #expect(listed.status == 0, "\(listed.json)")
        let tool = listed.json["tools"]?.arrayValue?.first { $0["name"] == "time.get_current_time" }
        #expect(tool?["inputSchema"]?["required"] == ["timezone"], "\(listed.json)")
        let called = try MCPClient.run(["call", "time.get_current_time", #"{"timezone": "Asia/Tokyo"}"#], server: server,
                                       environment: environment, directory: folder.path)
        #expect(called.json["isError"] == false, "\(called.json)")
        #expect(called.json["text"]?.stringValue?.contains("Asia/Tokyo") == true, "\(called.json)")
    }

    @Test func ctrlCOnRunCancelsTheCallAndStopsTheServer() throws {
        let call = try RunningProcess(binary.path, ["run", "inner.hang", "--config", folder.url("toolhost.yaml")],
                                      environment: environment, directory: folder.path)
        call.write("{}")
        call.closeInput()
        // The inner ToolHost is running the hanging plugin: the call is under way.
        #expect(eventually(within: 120) { !processes(mentioning: sleeper).isEmpty })
        call.signal(SIGINT)
        let ended = try call.waitForExit(within: 60)
        let answer = try JSONParser.parse(ended.remaining.joined())
        #expect(answer["error_code"] == "cancelled", "\(answer) \(call.stderr)")
        #expect(ended.status != 0)
        #expect(eventually(within: 15) { processes(mentioning: folder.url("inner/toolhost.yaml")).isEmpty })
        #expect(eventually(within: 15) { processes(mentioning: sleeper).isEmpty })
    }
}
