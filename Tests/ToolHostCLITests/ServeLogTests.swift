import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The log of `toolhost serve` through the real binaries: one line per call on every front
/// end and per HTTP request, in both formats (`log.format`), the request id in and out of HTTP,
/// plugins' stderr in whole tagged lines, and MCP's stdout left to the protocol.
@Suite("toolhost serve logs", .serialized)
struct ServeLogTests {
    let fixture = CLIFixture()

    init() {
        // Two plugins that write stderr in pieces, a line's parts apart in time and a last line
        // with no newline: run at once, their raw bytes would interleave mid-line.
        for (name, word) in [("chatty_a", "alpha"), ("chatty_b", "beta")] {
            fixture.directory.write("tools/\(name)/\(name).sh", """
                cat >/dev/null
                printf '\(word)1 ' >&2; sleep 0.2
                printf '\(word)2 ' >&2; sleep 0.2
                printf '\(word)3\\n\(word)-tail' >&2
                echo '{"done": true}'
                """)
            fixture.directory.write("tools/\(name)/\(name).yaml", "name: \(name)\ntype: executable\nexecutable: {command: sh, args: [\"{tool_dir}/\(name).sh\"]}\n")
        }
    }

    private func serveJSONLines(_ lines: [String], environment: [String: String]) throws -> ToolHostBinary.Result {
        try fixture.run(["serve", "--jsonl"], input: lines.map { $0 + "\n" }.joined(), environment: environment)
    }

    /// Every stderr line parsed as a JSON object (a line that is not one is kept as `unparsed`).
    private func jsonLines(_ stderr: String) -> [JSONObject] {
        stderr.split(separator: "\n").map { line in
            (try? JSONParser.parse(String(line)))?.objectValue ?? ["unparsed": .string(String(line))]
        }
    }

    private static func isTimestamp(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.count == 24 && text.hasSuffix("Z") && text.dropFirst(10).first == "T"
    }

    // MARK: - JSON lines

    @Test func everyJSONLinesCallHasOneLineInEitherFormat() throws {
        let calls = [#"{"id": 1, "tool": "echo", "input": {"message": "hi"}}"#, #"{"id": 2, "tool": "fail", "input": {}}"#]
        let text = try serveJSONLines(calls, environment: [:])
        #expect(text.status == 0)
        let textLines = text.stderr.split(separator: "\n").filter { $0.contains("msg=call") }
        #expect(textLines.count == 2, "stderr: \(text.stderr)")
        #expect(textLines.contains { $0.contains("front_end=jsonl") && $0.contains("tool=echo outcome=ok") && $0.contains("duration_ms=") })
        #expect(textLines.contains { $0.contains("tool=fail outcome=error error_code=") })

        let json = try serveJSONLines(calls, environment: ["TOOLHOST_LOG_FORMAT": "json"])
        #expect(json.status == 0)
        let lines = jsonLines(json.stderr)
        let unparsed = lines.filter { $0["unparsed"] != nil }
        #expect(unparsed.isEmpty, "stderr: \(json.stderr)")
        let callLines = lines.filter { $0["msg"] == "call" }
        #expect(callLines.count == 2)
        let echo = callLines.first { $0["tool"] == "echo" }
        let fail = callLines.first { $0["tool"] == "fail" }
        #expect(echo?["outcome"] == "ok" && echo?["level"] == "info" && echo?["front_end"] == "jsonl")
        #expect(Self.isTimestamp(echo?["ts"]))
        #expect(echo?["duration_ms"]?.numberValue != nil)
        #expect(fail?["outcome"] == "error" && fail?["error_code"]?.stringValue?.isEmpty == false)
        let ids = Set(callLines.compactMap { $0["request_id"]?.stringValue })
        #expect(ids.count == 2)

        let quiet = try serveJSONLines(calls, environment: ["TOOLHOST_LOG_ACCESS": "false"])
        #expect(quiet.status == 0)
        #expect(!quiet.stderr.contains("msg=call"))
    }

    @Test func logLevelDropsTheLinesBelowIt() throws {
        // A tool whose environment names a variable the host has and does not pass: a warning per call.
        fixture.directory.write("tools/warned/warned.yaml", """
            name: Warned
            type: executable
            executable: {command: cat, environment: {TOKEN: "${TOOLHOST_TEST_UNPASSED}"}}
            """)
        let calls = [#"{"id": 1, "tool": "warned", "input": {}}"#]
        func lines(level: String) throws -> [JSONObject] {
            let result = try serveJSONLines(calls, environment: ["TOOLHOST_LOG_FORMAT": "json", "TOOLHOST_LOG_LEVEL": level,
                                                               "TOOLHOST_TEST_UNPASSED": "set here, not passed on"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            return jsonLines(result.stderr)
        }
        let info = try lines(level: "info")
        #expect(info.contains { $0["msg"] == "call" } && info.contains { $0["level"] == "warning" }, "\(info)")
        let warning = try lines(level: "warn")  // the usual spelling is taken too
        #expect(!warning.contains { $0["msg"] == "call" } && warning.contains { $0["level"] == "warning" }, "\(warning)")
        let error = try lines(level: "error")
        #expect(!error.contains { $0["msg"] == "call" || $0["level"] == "warning" }, "\(error)")
    }

    @Test func aWrongLogFormatIsRefusedNamingTheKey() throws {
        let result = try serveJSONLines([], environment: ["TOOLHOST_LOG_FORMAT": "xml"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("log.format"))
    }

    // MARK: - Plugin stderr

    @Test func concurrentPluginsStderrComesInWholeLinesTaggedWithTheirCall() throws {
        let calls = [#"{"id": "a", "tool": "chatty_a", "input": {}}"#, #"{"id": "b", "tool": "chatty_b", "input": {}}"#]
        let text = try serveJSONLines(calls, environment: [:])
        #expect(text.status == 0)
        let lines = text.stderr.split(separator: "\n").map(String.init)
        for (tool, word) in [("chatty_a", "alpha"), ("chatty_b", "beta")] {
            let whole = lines.filter { $0.hasPrefix("[tool=\(tool) request=") && $0.hasSuffix("] \(word)1 \(word)2 \(word)3") }
            let tail = lines.filter { $0.hasPrefix("[tool=\(tool) request=") && $0.hasSuffix("] \(word)-tail") }
            #expect(whole.count == 1 && tail.count == 1, "stderr: \(text.stderr)")
        }
        let mixed = lines.filter { $0.contains("alpha") && $0.contains("beta") }
        #expect(mixed.isEmpty)

        let json = try serveJSONLines(calls, environment: ["TOOLHOST_LOG_FORMAT": "json"])
        let objects = jsonLines(json.stderr)
        for (tool, word) in [("chatty_a", "alpha"), ("chatty_b", "beta")] {
            let call = objects.first { $0["msg"] == "call" && $0["tool"] == .string(tool) }
            let said = objects.filter { $0["stream"] == "plugin_stderr" && $0["tool"] == .string(tool) }
            let saidLines = said.compactMap { $0["line"]?.stringValue }
            #expect(saidLines == ["\(word)1 \(word)2 \(word)3", "\(word)-tail"], "stderr: \(json.stderr)")
            let requestID = call?["request_id"]
            #expect(requestID != nil && said.allSatisfy { $0["request_id"] == requestID })
        }
    }

    // MARK: - HTTP

    @Test func httpRequestsAndTheirCallsShareTheRequestId() async throws {
        let server = try await HTTPServer.start(fixture, environment: ["TOOLHOST_LOG_FORMAT": "json"])
        let invoked = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "hi"}"#, headers: ["X-Request-Id": "trace-42"])
        #expect(invoked.status == 200)
        #expect(invoked.header("X-Request-Id") == "trace-42")
        let tooLong = String(repeating: "x", count: 300)
        let described = try await server.send("GET", "/api/tools/echo", headers: ["X-Request-Id": tooLong])
        let replaced = described.header("X-Request-Id")
        #expect(described.status == 200)
        #expect(replaced != nil && replaced != tooLong && replaced?.isEmpty == false)
        let missing = try await server.send("GET", "/api/no-such-route")
        #expect(missing.status == 404)
        let status = try await server.stop()
        #expect(status == 0)

        let lines = jsonLines(server.process.stderr)
        let unparsed = lines.filter { $0["unparsed"] != nil }
        #expect(unparsed.isEmpty, "stderr: \(server.process.stderr)")
        let invokeLine = lines.first { $0["msg"] == "request" && $0["request_id"] == "trace-42" }
        #expect(invokeLine?["route"] == "/api/tools/{id}/invoke" && invokeLine?["method"] == "POST" && invokeLine?["status"] == 200)
        #expect((invokeLine?["bytes"]?.integerValue ?? 0) > 0 && invokeLine?["duration_ms"]?.numberValue != nil)
        #expect(Self.isTimestamp(invokeLine?["ts"]))
        let callLine = lines.first { $0["msg"] == "call" && $0["tool"] == "echo" }
        #expect(callLine?["request_id"] == "trace-42" && callLine?["front_end"] == "http" && callLine?["outcome"] == "ok")
        let describeLine = lines.first { $0["msg"] == "request" && $0["request_id"] == replaced.map(JSONValue.string) }
        #expect(describeLine?["route"] == "/api/tools/{id}" && describeLine?["status"] == 200)
        let missingLine = lines.first { $0["msg"] == "request" && $0["status"] == 404 }
        #expect(missingLine?["route"] == "unmatched")
        #expect(!server.process.stderr.contains("no-such-route"))
    }

    @Test func httpTextLinesAreKeyValue() async throws {
        let server = try await HTTPServer.start(fixture)
        let invoked = try await server.send("POST", "/api/tools/chatty_a/invoke", "{}")
        #expect(invoked.status == 200)
        let id = invoked.header("X-Request-Id") ?? "none"
        let status = try await server.stop()
        #expect(status == 0)
        let lines = server.process.stderr.split(separator: "\n")
        #expect(lines.contains { $0.contains("msg=request") && $0.contains("request_id=\(id) method=POST route=/api/tools/{id}/invoke status=200") },
                "stderr: \(server.process.stderr)")
        #expect(lines.contains { $0.contains("msg=call front_end=http request_id=\(id) tool=chatty_a outcome=ok") })
        #expect(lines.contains { $0 == "[tool=chatty_a request=\(id)] alpha1 alpha2 alpha3" })
    }

    // MARK: - MCP

    @Test func mcpStdoutStaysProtocolWithTheLogOnStderr() throws {
        let mcp = try MCPLines(binary: fixture.binary, [], environment: ["TOOLHOST_LOG_FORMAT": "json"], directory: fixture.directory.path)
        mcp.call("echo", id: 1, arguments: ["message": "hi"])
        mcp.call("chatty_b", id: 2)
        let first = try mcp.answer(to: 1, within: 60)
        let second = try mcp.answer(to: 2, within: 60)
        #expect(first["result"]?["isError"] == false && second["result"]?["isError"] == false)
        let exit = try mcp.server.waitForExit(within: 30)
        #expect(exit.status == 0)
        let notProtocol = exit.remaining.filter { line in (try? JSONParser.parse(line))?["jsonrpc"] != "2.0" }
        #expect(notProtocol.isEmpty, "stdout: \(exit.remaining)")

        let lines = jsonLines(mcp.server.stderr)
        let echo = lines.first { $0["msg"] == "call" && $0["tool"] == "echo" }
        #expect(echo?["front_end"] == "mcp" && echo?["outcome"] == "ok" && echo?["request_id"]?.stringValue?.isEmpty == false)
        let said = lines.filter { $0["stream"] == "plugin_stderr" && $0["tool"] == "chatty_b" }.compactMap { $0["line"]?.stringValue }
        #expect(said == ["beta1 beta2 beta3", "beta-tail"], "stderr: \(mcp.server.stderr)")
    }
}
