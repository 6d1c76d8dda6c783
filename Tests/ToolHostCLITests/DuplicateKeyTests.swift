import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// A request naming a key twice is refused on every front end: before, `{"operation": "list",
/// "operation": "describe"}` ran the last one, while a proxy or policy in front of ToolHost
/// reading the first would have approved something else.
@Suite("Duplicate keys in requests")
struct DuplicateKeyTests {
    let fixture = CLIFixture()
    static let doubled = #"{"operation": "list", "operation": "get_tool", "tool_id": "echo"}"#

    @Test func runRefusesThem() throws {
        let result = try fixture.run(["run", "tools_manager"], input: Self.doubled)
        #expect(result.json["error_code"] == "invalid_json", "\(result.stdoutText)")
        let sentence = result.json["error"]?.stringValue ?? ""
        #expect(sentence.contains("\"operation\" appears twice"))
        // Nested objects too, and the same key in two sibling objects is fine.
        let nested = try fixture.run(["run", "echo"], input: #"{"message": "x", "meta": {"a": 1, "a": 2}}"#)
        #expect(nested.json["error_code"] == "invalid_json")
        let siblings = try fixture.run(["run", "echo"], input: #"{"message": "x", "l": [{"a": 1}, {"a": 2}]}"#)
        #expect(siblings.status == 0, "\(siblings.stdoutText)")
    }

    @Test func jsonLinesRefusesThem() throws {
        let result = try fixture.run(["serve", "--jsonl"], input: "{\"id\": 7, \"tool\": \"tools_manager\", \"input\": \(Self.doubled)}\n")
        let line = result.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        let answer = (try? JSONParser.parse(line)) ?? .null
        #expect(answer["result"]?["error_code"] == "invalid_json", "\(result.stdoutText)")
    }

    @Test func httpRefusesThem() async throws {
        let server = try await HTTPServer.start(fixture)
        let answer = try await server.send("POST", "/api/tools/tools_manager/invoke", Self.doubled)
        #expect(answer.status == 400, "\(answer.text)")
        #expect(answer.json["error_code"] == "invalid_json")
        try await server.expectCleanExit()
    }

    @Test func mcpRefusesThemWithTheRequestsID() throws {
        let server = try RunningProcess(fixture.binary.path, ["serve", "--mcp"], directory: fixture.directory.path)
        server.write(#"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}"# + "\n")
        _ = try server.readLine()
        server.write("{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/call\", \"params\": {\"name\": \"tools_manager\", \"arguments\": \(Self.doubled)}}\n")
        let line = try server.readLine()
        let answer = (try? JSONParser.parse(Array(line.utf8))) ?? .null
        #expect(answer["id"] == 2 && answer["error"]?["code"] == -32600, "\(line)")
        server.closeInput()
        _ = try server.waitForExit()
    }
}
