import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// MCP annotations and output schemas through the real binaries and the official Python MCP SDK
/// (scripts/mcp-client.py): what `tools/list` promises, what `tools/call` keeps, and what
/// `toolhost validate` warns about. Without the SDK these tests fail; they never skip.
@Suite("MCP annotations and output schemas with the official Python client")
struct ServeMCPAnnotationsTests {
    let fixture = CLIFixture()
    let database: TestDatabase

    init() throws {
        database = try TestDatabase(.sqlite)
        // A plugin that says nothing about itself, and three that declare what they answer.
        fixture.directory.write("tools/mystery.yaml", "name: Mystery\ntype: executable\nexecutable: {command: cat}\n")
        for (id, printed, schema) in [
            ("counter", #"{"count": 3}"#, "output_schema: {count: {type: integer, required: true}}"),
            ("liar", #"{"count": "three"}"#, "output_schema: {count: {type: integer, required: true}}"),
            ("numbers", "[1, 2]", "output_schema: {type: array, items: {type: integer}}"),
        ] {
            let answer = fixture.directory.write("answers/\(id).json", printed)
            fixture.directory.write("tools/\(id).yaml", """
                name: \(id)
                type: executable
                executable: {command: sh, args: ["-c", "cat > /dev/null; cat \(answer)"]}
                annotations: {readOnlyHint: true, openWorldHint: false}
                \(schema)
                """)
        }
    }

    private var server: [String] { [fixture.binary.path, "serve", "--mcp", "--tools-dir", "tools"] }

    private func scenario(_ arguments: [String]) throws -> (status: Int32, json: JSONValue) {
        try MCPClient.run(arguments, server: server, environment: database.environment, directory: fixture.directory.path)
    }

    private func listed() throws -> [String: JSONValue] {
        let listed = try scenario(["list"])
        #expect(listed.status == 0, "\(listed.json)")
        var tools: [String: JSONValue] = [:]
        for tool in listed.json["tools"]?.arrayValue ?? [] { if let name = tool["name"]?.stringValue { tools[name] = tool } }
        return tools
    }

    /// Every tool, built-ins included, carries the four hints and each operation's, exactly as
    /// `toolhost describe --format mcp` derives them; what says nothing gets MCP's safe defaults.
    @Test func everyListedToolCarriesItsHintsAsDescribeDerivesThem() throws {
        let tools = try listed()
        #expect(tools.count > 7)
        for (name, tool) in tools {
            let described = try fixture.run(["describe", name, "--format", "mcp", "--tools-dir", "tools"]).json
            let annotations = tool["annotations"]
            #expect(annotations?.objectValue?.keys.sorted() == ["destructiveHint", "idempotentHint", "openWorldHint", "readOnlyHint"], "\(name)")
            #expect(annotations == described["annotations"], "\(name)")
            #expect(tool["_meta"] == described["_meta"], "\(name)")
        }
        #expect(tools["mystery"]?["annotations"] == ["readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": true])
        let conversation = try #require(tools["conversation_store"])
        #expect(conversation["annotations"]?["readOnlyHint"] == false)
        let operations = conversation["_meta"]?["toolhost/operations"]
        #expect(operations?["recall_memories"]?["readOnlyHint"] == false)  // it counts each recall
        #expect(operations?["training_stats"] == ["readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false])
        #expect(tools["training_data_store"]?["_meta"]?["toolhost/operations"]?["apply_retention"]?["destructiveHint"] == true)
    }

    /// `output_schema` is `outputSchema`; an answer that keeps it is structured content (the
    /// SDK checks it against the schema), one that breaks it is an error result without any.
    @Test func answersAreCheckedAgainstTheOutputSchemaAndErrorsCarryNoStructuredContent() throws {
        let tools = try listed()
        #expect(tools["counter"]?["outputSchema"]?["properties"]?["count"]?["type"] == "integer")
        #expect(tools["mystery"]?["outputSchema"] == nil)
        let kept = try scenario(["call", "counter", "{}"])
        #expect(kept.json["isError"] == false, "\(kept.json)")
        #expect(kept.json["structuredContent"] == ["count": 3])

        let broken = try scenario(["call", "liar", "{}"])
        #expect(broken.json["isError"] == true, "\(broken.json)")
        #expect(broken.json["structuredContent"] == .null)
        let text = broken.json["text"]?.stringValue ?? ""
        #expect(text.contains("output_schema_mismatch") && text.contains("/count"), "\(text)")

        // A failed call of any kind carries none either (the plugin is not even found here).
        fixture.directory.write("tools/gone.yaml", "name: Gone\ntype: executable\nexecutable: {command: /nonexistent/gone}\n")
        let failed = try scenario(["call", "gone", "{}"])
        #expect(failed.json["isError"] == true && failed.json["structuredContent"] == .null, "\(failed.json)")
    }

    /// MCP wants an object schema: an array schema goes out under `result`, as FastMCP does,
    /// and the answer with it.
    @Test func aSchemaThatIsNotAnObjectsGoesOutWrappedUnderResult() throws {
        let tools = try listed()
        #expect(tools["numbers"]?["outputSchema"] == ["type": "object", "properties": ["result": ["type": "array", "items": ["type": "integer"]]],
                                                      "required": ["result"]])
        let called = try scenario(["call", "numbers", "{}"])
        #expect(called.json["isError"] == false, "\(called.json)")
        #expect(called.json["structuredContent"] == ["result": [1, 2]])
    }

    /// The check is the invoker's, so `toolhost run` fails the same way, naming the pointer.
    @Test func runFailsAnAnswerThatBreaksTheOutputSchemaNamingThePointer() throws {
        let result = try fixture.run(["run", "liar", "--tools-dir", "tools"], input: "{}")
        #expect(result.status == 1)
        #expect(result.json["error_code"] == "output_schema_mismatch")
        #expect(result.json["pointer"] == "/count")
        #expect(try fixture.run(["run", "counter", "--tools-dir", "tools"], input: "{}").json == ["count": 3])
    }

    /// A declaration that makes a call look safer than its handler says is warned about, with a
    /// stable code, by `validate` and by `tools_manager validate`.
    @Test func validateWarnsWhereADeclarationContradictsTheHandler() throws {
        fixture.directory.write("lint/memories.yaml", """
            name: Memories
            type: executable
            handler: conversation_store
            annotations:
              openWorldHint: false
              operations:
                recall_memories: {readOnlyHint: true}
                training_stats: {readOnlyHint: true}
            """)
        let result = try fixture.run(["validate", "lint/memories.yaml"])
        let text = result.stdoutText
        #expect(text.contains("lint/memories.yaml:7: warning: operation 'recall_memories' is declared readOnlyHint: true, but the handler 'conversation_store' says it writes"), "\(text)")
        #expect(text.contains("[annotation_contradicts_handler]"))
        #expect(!text.contains("training_stats"))
        let json = try fixture.run(["validate", "lint/memories.yaml", "--json"]).json
        let codes = (json["problems"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
        #expect(codes == ["annotation_contradicts_handler"], "\(json)")
        let yaml = try String(contentsOfFile: fixture.directory.url("lint/memories.yaml"), encoding: .utf8)
        let viaTool = try fixture.run(["run", "tools_manager"], input: JSONWriter.string(["operation": "validate", "yaml": .string(yaml), "id": "memories"]))
        #expect(viaTool.stdoutText.contains("annotation_contradicts_handler"), "\(viaTool.stdoutText)")
    }
}
