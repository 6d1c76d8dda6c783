import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `type: mcp` entries with a `url`: ToolHost as a Streamable HTTP client, against a real
/// server built with the official Python SDK (scripts/mcp-http-server.py), answering with
/// Server-Sent Events or with JSON bodies.
@Suite("MCP client tools over Streamable HTTP")
struct MCPClientHTTPToolTests {
    let folder = TemporaryDirectory()
    let binary = ToolHostBinary()

    static let script = ReadyServer.script("mcp-http-server.py")

    private func catalogue(url: String) {
        folder.write("tools/web.yaml", """
            name: Web
            type: mcp
            mcp: {server_name: web, url: "\(url)"}
            """)
        folder.write("toolhost.yaml", "tools:\n  paths: [tools]\n")
    }

    private func toolhost(_ arguments: [String], input: String? = nil) throws -> ToolHostBinary.Result {
        try binary.run(arguments + ["--config", folder.url("toolhost.yaml")], stdin: input.map { Array($0.utf8) },
                       environment: ["TOOLHOST_DATABASE_TYPE": "sqlite"], directory: folder.path)
    }

    @Test(arguments: [false, true])
    func theServersToolsListAndRun(jsonResponses: Bool) throws {
        let server = try ReadyServer(script: Self.script, arguments: jsonResponses ? ["--json-response"] : [])
        catalogue(url: "http://127.0.0.1:\(server.ports[0])/mcp")
        let listed = try toolhost(["list"])
        #expect(listed.stdoutText.contains("web.add") && listed.stdoutText.contains("web.shout"), "\(listed.stdoutText) \(listed.stderr)")

        let added = try toolhost(["run", "web.add"], input: #"{"a": 2, "b": 40}"#)
        #expect(added.status == 0, "\(added.stdoutText) \(added.stderr)")
        #expect(added.json["text"]?.stringValue?.contains("42") == true, "\(added.stdoutText)")
        let shouted = try toolhost(["run", "web"], input: #"{"tool": "shout", "arguments": {"text": "quiet"}}"#)
        #expect(shouted.json["text"] == "QUIET", "\(shouted.stdoutText)")

        let invalid = try toolhost(["run", "web.add"], input: #"{"a": "two", "b": 40}"#)
        #expect(invalid.json["error_code"] == "invalid_input")
        let failed = try toolhost(["run", "web.fail"], input: #"{"reason": "no"}"#)
        #expect(failed.status == 1)
        #expect(failed.json["error_code"] == "mcp_tool_failed", "\(failed.stdoutText)")
    }

    @Test func serveKeepsOneSessionAcrossCalls() throws {
        let server = try ReadyServer(script: Self.script)
        catalogue(url: "http://127.0.0.1:\(server.ports[0])/mcp")
        let lines = (1...2).map { #"{"id": \#($0), "tool": "web.calls", "input": {}}"# + "\n" }.joined()
        let served = try toolhost(["serve", "--jsonl"], input: lines)
        let answers = served.stdoutText.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        // The two calls run at once; between them they saw the counter at 0 and at 1.
        let counts = answers.compactMap { $0["result"]?["text"]?.stringValue }.sorted()
        #expect(counts == ["0", "1"], "\(served.stdoutText) \(served.stderr)")
    }

    @Test func anUnreachableServerIsMcpServerUnavailable() throws {
        catalogue(url: "http://127.0.0.1:9/mcp")
        let result = try toolhost(["run", "web"], input: #"{"tool": "add", "arguments": {"a": 1, "b": 2}}"#)
        #expect(result.status == 1)
        #expect(result.json["error_code"] == "mcp_server_unavailable", "\(result.stdoutText)")
        let listed = try toolhost(["list"])
        #expect(listed.status == 0)
        #expect(listed.stderr.contains("MCP entry 'web'"), "\(listed.stderr)")
    }

    @Test func aHostThatNetworkAllowedHostsDoesNotListIsRefused() throws {
        catalogue(url: "http://127.0.0.1:9/mcp")
        folder.write("toolhost.yaml", "tools:\n  paths: [tools]\nnetwork:\n  allowed_hosts: [example.org]\n")
        let result = try toolhost(["run", "web"], input: #"{"tool": "add", "arguments": {"a": 1, "b": 2}}"#)
        #expect(result.json["error_code"] == "host_not_allowed", "\(result.stdoutText)")
        #expect(result.json["error"]?.stringValue?.contains("network.allowed_hosts") == true)
    }
}
