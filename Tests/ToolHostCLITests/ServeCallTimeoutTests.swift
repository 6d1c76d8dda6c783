import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// A caller of `toolhost serve` may shorten a tool's timeout, never lengthen it, and no served
/// call outlasts `service.max_call_timeout_seconds`, whichever front end it came through (the
/// cap is applied once, in `ServiceHost`). `"timeout": 1e308` once kept a tool running for ever.
@Suite("toolhost serve: a call's timeout is capped", .serialized)
struct ServeCallTimeoutTests {
    let fixture = CLIFixture()

    init() {
        // Would run for 300 s, and may run for 600 (`hang`, of the fixture, may run for 0.5).
        fixture.directory.write("tools/long/long.yaml", "name: Long\ntype: executable\nexecutable: {command: sleep, args: [\"300\"], timeout: 600}\n")
    }

    /// `service:` lines for a config of the fixture's tools.
    private func writeConfig(_ service: String = "") {
        fixture.directory.write("capped.yaml", "tools:\n  paths: [tools]\ntraining:\n  record_invocations: false\nplugins:\n  kill_grace_seconds: 0.5\n"
                                + (service.isEmpty ? "" : "service:\n  \(service)\n"))
    }

    /// Serves `lines` over JSON lines, stdin then closed; the answers by id. Fails (rather than
    /// hangs) when the server is still busy after 20 s.
    private func serveLines(_ lines: [String]) async throws -> [String: JSONValue] {
        let server = try RunningProcess(fixture.binary.path, ["serve", "--jsonl", "--config", "capped.yaml"], directory: fixture.directory.path)
        server.write(lines.map { $0 + "\n" }.joined())
        let ended = try await blocking { try server.waitForExit(within: 20) }
        #expect(ended.status == 0, "\(server.stderr)")
        var answers: [String: JSONValue] = [:]
        for line in ended.remaining {
            if let answer = try? JSONParser.parse(line), let id = answer["id"]?.stringValue { answers[id] = answer }
        }
        return answers
    }

    @Test func aJSONLinesTimeoutShortensTheToolsOwnButNeverLengthensIt() async throws {
        writeConfig()
        let answers = try await serveLines([
            #"{"id": "huge", "tool": "hang", "timeout": 1e308}"#,
            #"{"id": "short", "tool": "long", "timeout": 0.5}"#,
        ])
        for (id, seconds) in [("huge", "0.5"), ("short", "0.5")] {
            let answer = answers[id]
            #expect(answer?["exit_code"] == 124, "\(id): \(answer ?? .null)")
            #expect(answer?["result"]?["error_code"] == "timeout", "\(id)")
            #expect(answer?["result"]?["error"]?.stringValue?.contains("within \(seconds) s") == true, "\(id): \(answer ?? .null)")
        }
    }

    @Test func noJSONLinesCallOutlastsTheConfiguredMaximum() async throws {
        writeConfig("max_call_timeout_seconds: 1")
        let answers = try await serveLines([
            #"{"id": "asked", "tool": "long", "timeout": 1e308}"#,
            #"{"id": "own", "tool": "long"}"#,
        ])
        for id in ["asked", "own"] {
            let answer = answers[id]
            #expect(answer?["exit_code"] == 124, "\(id): \(answer ?? .null)")
            #expect(answer?["result"]?["error"]?.stringValue?.contains("within 1 s") == true, "\(id): \(answer ?? .null)")
        }
    }

    @Test func anHTTPTimeoutIsCappedTheSameWay() async throws {
        writeConfig("max_call_timeout_seconds: 1")
        let server = try await HTTPServer.start(fixture, ["--config", "capped.yaml"])
        for path in ["/api/tools/hang/invoke?timeout=1e308", "/api/tools/long/invoke?timeout=1e308", "/api/tools/long/invoke"] {
            let started = Date()
            let answer = try await server.send("POST", path, "{}")
            let seconds = Date().timeIntervalSince(started)
            #expect(answer.status == 504, "\(path): \(answer.text)")
            #expect(answer.json["error_code"] == "timeout", "\(path)")
            #expect(seconds < 10, "\(path) took \(seconds) s")
        }
        try await server.expectCleanExit()
    }

    /// MCP has no per-call timeout: the configured maximum still applies.
    @Test func anMCPCallIsCappedByTheConfiguredMaximum() async throws {
        writeConfig("max_call_timeout_seconds: 1")
        let session = try MCPLines(binary: fixture.binary, ["--config", "capped.yaml"], directory: fixture.directory.path)
        session.call("long", id: 1)
        let answer = try await blocking { try session.answer(to: 1, within: 20) }
        #expect(answer["result"]?["isError"] == true, "\(answer)")
        // An error result carries no structured content: its JSON follows the sentence.
        let text = answer["result"]?["content"]?[1]?["text"]?.stringValue ?? ""
        #expect(answer["result"]?["structuredContent"] == nil, "\(answer)")
        #expect((try? JSONParser.parse(text))?["error_code"] == "timeout", "\(answer)")
        session.server.closeInput()
        let ended = try await blocking { try session.server.waitForExit(within: 20) }
        #expect(ended.status == 0, "\(session.server.stderr)")
    }
}
