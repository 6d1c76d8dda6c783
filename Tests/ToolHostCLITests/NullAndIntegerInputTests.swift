import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// code-evolver's callers pass every argument: an unset one arrives as JSON null, and numbers
/// may arrive as `2.0`. Through the real binary, from an empty folder, on every front end.
@Suite("null means not given; integers reach plugins as integers")
struct NullAndIntegerInputTests {
    let folder = EmptyFolder()

    init() {
        // Plugins outside the working folder: `cat` shows exactly what a plugin receives, and a
        // Python one the types it decodes.
        folder.root.write("tools/echo/echo.yaml", """
            name: Echo
            executable: {command: cat}
            input_schema:
              message: {type: string, required: true}
              times: {type: integer, default: 3}
              tags: {type: array, items: {type: string}}
              note: {type: ["string", "null"]}
            """)
        folder.root.write("tools/types/types.yaml", """
            name: Types
            executable:
              command: python3
              args: ["-c", "import json, sys; d = json.load(sys.stdin); print(json.dumps({k: type(v).__name__ for k, v in d.items()} | {'nested': type(d['nested']['n']).__name__, 'items': [type(x).__name__ for x in d['items']]}))"]
            input_schema:
              top: {type: integer}
              ratio: {type: number}
              nested: {type: object, properties: {n: {type: integer}}}
              items: {type: array, items: {type: integer}}
            """)
    }

    private var tools: [String] { ["--tools-dir", folder.root.url("tools")] }

    // MARK: null

    @Test(arguments: Engine.allCases)
    func nullsForOptionalPropertiesOfTheBuiltInToolsAreNotGiven(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let stored = try folder.run(["run", "bulk_data_store"], input: """
            {"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "hello", "details": null, "stack_trace": null,
             "tool_yaml": null, "tool_code": null, "filters": null, "metadata": null, "limit": null, "offset": null}
            """, environment: database.environment)
        #expect(stored.status == 0, "\(stored.stdoutText) \(stored.stderr)")
        let queried = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "query_logs", "filters": null, "limit": null, "offset": null, "search": null}"#,
                                     environment: database.environment)
        let rows = queried.json["data"]?.arrayValue ?? []
        #expect(rows.count == 1, "\(queried.stdoutText)")
        #expect(rows.first?["details"] == .null)
        // SQL NULL, never the text "null".
        let nulls = try folder.run(["run", "postgres_client"], input: #"{"operation": "query", "sql": "SELECT count(*) AS n FROM tool_logs WHERE details IS NULL", "params": null, "fetch_one": null}"#,
                                   environment: database.environment)
        #expect(nulls.json["data"] == [["n": 1]], "\(nulls.stdoutText)")
        let tool = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "store_tool", "tool_id": "g", "tool_name": "G", "tool_type": "executable", "tool_yaml": null, "tool_code": null, "metadata": null}"#,
                                  environment: database.environment)
        #expect(tool.status == 0, "\(tool.stdoutText)")
        let stored2 = try folder.run(["run", "postgres_client"], input: #"{"operation": "query", "sql": "SELECT count(*) AS n FROM generated_tools WHERE tool_yaml IS NULL AND tool_code IS NULL AND metadata IS NULL"}"#,
                                     environment: database.environment)
        #expect(stored2.json["data"] == [["n": 1]], "\(stored2.stdoutText)")
    }

    @Test func aNullForARequiredPropertyIsRefusedUnlessTheSchemaAllowsNull() throws {
        let refused = try folder.run(["run", "bulk_data_store"], input: #"{"operation": null}"#)
        #expect(refused.status == 2)
        #expect(refused.json["violations"] == [["path": "/operation", "message": "is required and cannot be null"]])

        let echoed = try folder.run(["run", "echo"] + tools, input: #"{"message": "hi", "times": null, "tags": null, "note": null}"#)
        #expect(echoed.status == 0, "\(echoed.stderr)")
        // The default applies to the null `times`; `note` says null is a value, so it stays.
        #expect(echoed.json == ["message": "hi", "times": 3, "note": nil])
        let missing = try folder.run(["run", "echo"] + tools, input: #"{"message": null}"#)
        #expect(missing.status == 2)
        #expect(missing.json["violations"]?[0]?["path"] == "/message")
    }

    @Test func nullsAreNotGivenOverJSONLines() throws {
        let server = try folder.start(["serve", "--jsonl"] + tools)
        server.write(#"{"id": 1, "tool": "bulk_data_store", "input": {"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "m", "details": null}}"# + "\n")
        server.write(#"{"id": 2, "tool": "echo", "input": {"message": "hi", "times": null}}"# + "\n")
        server.closeInput()
        let ended = try server.waitForExit(within: 60)
        let answers = ended.remaining.compactMap { try? JSONParser.parse($0) }
        #expect(answers.first { $0["id"] == 1 }?["result"]?["success"] == true, "\(ended.remaining) \(server.stderr)")
        #expect(answers.first { $0["id"] == 2 }?["result"] == ["message": "hi", "times": 3])
    }

    @Test func nullsAreNotGivenOverHTTP() async throws {
        let server = try await HTTPServer.start(binary: folder.binary, in: folder.work, tools, environment: folder.environment())
        let stored = try await server.send("POST", "/api/tools/bulk_data_store/invoke",
                                           #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "m", "details": null, "stack_trace": null}"#)
        #expect(stored.status == 200, "\(stored.text)")
        let echoed = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "hi", "times": null}"#)
        #expect(echoed.json == ["message": "hi", "times": 3])
        try await server.expectCleanExit()
    }

    @Test func nullsAreNotGivenOverMCP() throws {
        let server = [folder.binary.path, "serve", "--mcp"]
        let called = try MCPClient.run(["call", "bulk_data_store", #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "m", "details": null}"#],
                                       server: server, environment: folder.environment(), directory: folder.work)
        #expect(called.status == 0, "\(called.json)")
        #expect(called.json["isError"] == false, "\(called.json)")
    }

    // MARK: integers

    @Test func anIntegralNumberForAnIntegerPropertyReachesAPluginAsAnInteger() throws {
        let input = #"{"top": 2.0, "ratio": 2.0, "nested": {"n": 3.0}, "items": [1.0, 2]}"#
        let run = try folder.run(["run", "types"] + tools, input: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.json == ["top": "int", "ratio": "float", "nested": "int", "items": ["int", "int"]])

        let tooLarge = try folder.run(["run", "types"] + tools, input: #"{"top": 1e19}"#)
        #expect(tooLarge.status == 2)
        let message = tooLarge.json["violations"]?[0]?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("is too large"), "\(tooLarge.stdoutText)")
    }

    @Test func theShippedWordStatsExampleTakesTopAsAFloatOnEveryFrontEnd() async throws {
        let examples = ["--tools-dir", FilePath.join(ToolHostPaths.packageRoot, "tools")]
        let input = #"{"text": "the cat and the hat and the bat", "top": 2.0}"#
        let run = try folder.run(["run", "word_stats"] + examples, input: input)
        #expect(run.status == 0, "\(run.stdoutText) \(run.stderr)")
        #expect(run.json["top_words"]?.arrayValue?.count == 2, "\(run.stdoutText)")

        let lines = try folder.start(["serve", "--jsonl"] + examples)
        lines.write(#"{"id": 1, "tool": "word_stats", "input": \#(input)}"# + "\n")
        lines.closeInput()
        let answer = try lines.waitForExit(within: 60).remaining.compactMap { try? JSONParser.parse($0) }.first
        #expect(answer?["result"] == run.json)

        let http = try await HTTPServer.start(binary: folder.binary, in: folder.work, examples, environment: folder.environment())
        let served = try await http.send("POST", "/api/tools/word_stats/invoke", input)
        #expect(served.status == 200)
        #expect(served.json == run.json)
        try await http.expectCleanExit()
    }

    // MARK: a plugin's failure over HTTP

    @Test func aFailingPluginIs502OverHTTPWithoutItsTracebackOrServerPaths() async throws {
        folder.root.write("tools/boom/boom.yaml", "name: Boom\nexecutable: {command: python3, args: [\"{tool_dir}/boom.py\"]}\n")
        folder.root.write("tools/boom/boom.py", "raise RuntimeError('it broke')\n")
        folder.root.write("tools/gone/gone.yaml", "name: Gone\nexecutable: {command: python3, args: [\"{tool_dir}/gone.py\"]}\n")
        let server = try await HTTPServer.start(binary: folder.binary, in: folder.work, tools, environment: folder.environment())
        let failed = try await server.send("POST", "/api/tools/boom/invoke", "{}")
        #expect(failed.status == 502)
        #expect(failed.header("X-ToolHost-Exit-Code") == "1")
        #expect(failed.json["error_code"] == "plugin_failed")
        #expect(!failed.text.contains("Traceback") && !failed.text.contains("it broke"), "\(failed.text)")
        #expect(!failed.text.contains(folder.root.path), "\(failed.text)")
        let missing = try await server.send("POST", "/api/tools/gone/invoke", "{}")
        #expect(missing.json["error_code"] == "command_not_found")
        #expect(!missing.text.contains(folder.root.path), "\(missing.text)")
        #expect(missing.json["error"]?.stringValue?.contains("…/gone.py") == true, "\(missing.text)")
        // Input errors keep their JSON pointers as they are.
        let invalid = try await server.send("POST", "/api/tools/types/invoke", #"{"nested": {"n": "x"}}"#)
        #expect(invalid.json["error"]?.stringValue?.contains("/nested/n must be") == true, "\(invalid.text)")
        try await server.expectCleanExit()

        // The server's operator may choose to show them.
        folder.root.write("exposing.yaml", "service:\n  http:\n    expose_plugin_details: true\n")
        let exposing = try await HTTPServer.start(binary: folder.binary, in: folder.work, tools + ["--config", folder.root.url("exposing.yaml")],
                                                  environment: folder.environment())
        let detailed = try await exposing.send("POST", "/api/tools/boom/invoke", "{}")
        #expect(detailed.status == 502)
        #expect(detailed.json["stderr"]?.stringValue?.contains("it broke") == true, "\(detailed.text)")
        try await exposing.expectCleanExit()
    }
}
