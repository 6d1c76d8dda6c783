import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
import ToolHostTools

/// `toolhost serve --mcp` driven by a real third-party client: the official Python MCP SDK
/// (scripts/mcp-client.py, which scripts/test.sh installs). Without it these tests fail; they
/// never skip.
@Suite("toolhost serve --mcp with the official Python client")
struct ServeMCPTests {
    let fixture = CLIFixture()
    let database: TestDatabase

    init() throws {
        database = try TestDatabase(.sqlite)
        fixture.directory.write("tools/sleepy/sleepy.yaml", """
            name: Sleepy
            type: executable
            executable: {command: sh, args: ["-c", "sleep 30 & sleep 30; wait"], timeout: 60}
            """)
    }

    private var server: [String] { [fixture.binary.path, "serve", "--mcp", "--tools-dir", "tools"] }

    private func client(_ arguments: [String], extra: [String] = []) throws -> RunningProcess {
        try MCPClient.start(arguments, extra: extra, server: server, environment: database.environment, directory: fixture.directory.path)
    }

    private func scenario(_ arguments: [String], extra: [String] = []) throws -> (status: Int32, json: JSONValue) {
        try MCPClient.run(arguments, extra: extra, server: server, environment: database.environment, directory: fixture.directory.path)
    }

    @Test func everyCatalogueToolIsListedWithItsSchemaAcrossPages() throws {
        for index in 0..<130 {
            fixture.directory.write("tools/generated/gen_\(index)/gen_\(index).yaml",
                                    "name: Generated \(index)\ntype: executable\ndescription: Number \(index)\nexecutable: {command: cat}\n")
        }
        let listed = try scenario(["list"])
        #expect(listed.status == 0, "\(listed.json)")
        let tools = listed.json["tools"]?.arrayValue ?? []
        let catalogue = try fixture.run(["list", "--json"]).json["data"]?.arrayValue ?? []
        #expect(listed.json["pages"] == 2)  // 100 per page
        #expect(tools.compactMap { $0["name"]?.stringValue } == catalogue.compactMap { $0["id"]?.stringValue })
        let echo = tools.first { $0["name"] == "echo" }
        #expect(echo?["description"] == "Prints its input back")
        #expect(echo?["inputSchema"]?["properties"]?["message"]?["type"] == "string")
        #expect(echo?["inputSchema"]?["required"] == ["message"])
    }

    /// The tool types beyond plugins answer over MCP as `run` prints them: a custom tool's
    /// Python class, and a workflow whose steps are that class and a plugin.
    @Test func customAndWorkflowToolsAnswerOverMCPAsRunDoes() throws {
        fixture.directory.write("tools/shout/shouter.py", """
            class Shouter:
                def __init__(self, config_manager=None):
                    self.suffix = config_manager.get("suffix", "") if config_manager else ""
                def execute(self, text=""):
                    return {"text": text.upper() + self.suffix}
            """)
        fixture.directory.write("tools/shout/shout.yaml", """
            name: Shout
            type: custom
            custom: {module: shouter, class: Shouter, config: {suffix: "!"}}
            input_schema: {text: {type: string, required: true}}
            """)
        fixture.directory.write("tools/shout_twice.yaml", """
            name: Shout twice
            type: workflow
            workflow:
              steps:
                - {name: first, tool: shout}
                - {name: again, tool: echo, input: {message: "{{steps.first.output.text}}"}, pass_input: false}
            input_schema: {text: {type: string, required: true}}
            """)
        for (tool, input) in [("shout", #"{"text": "hi"}"#), ("shout_twice", #"{"text": "hi"}"#)] {
            let called = try scenario(["call", tool, input])
            let printed = try fixture.run(["run", tool, "--tools-dir", "tools"], input: input)
            #expect(called.json["isError"] == false, "\(tool): \(called.json)")
            #expect(called.json["structuredContent"] == printed.json, "\(tool): \(called.json) vs \(printed.stdoutText)")
        }
        let shouted = try scenario(["call", "shout", #"{"text": "hi"}"#])
        #expect(shouted.json["structuredContent"] == ["text": "HI!"])
        let twice = try scenario(["call", "shout_twice", #"{"text": "hi"}"#])
        #expect(twice.json["structuredContent"]?["output"]?["message"] == "HI!", "\(twice.json)")
    }

    @Test func callsAnswerWhatRunPrintsAndFailuresAreErrorResults() throws {
        let echoed = try scenario(["call", "echo", #"{"message": "hi"}"#])
        #expect(echoed.status == 0)
        #expect(echoed.json["isError"] == false)
        #expect(echoed.json["structuredContent"] == (try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)).json)

        let invalid = try scenario(["call", "echo", #"{"times": 0}"#])
        let runInvalid = try fixture.run(["run", "echo"], input: #"{"times": 0}"#).json
        #expect(invalid.json["isError"] == true)
        #expect(invalid.json["text"]?.stringValue?.hasPrefix(runInvalid["error"]?.stringValue ?? "?") == true)
        #expect(MCPClient.errorAnswer(of: invalid.json) == runInvalid)  // in the text: no structuredContent on an error

        let failed = try scenario(["call", "fail", "{}"])
        #expect(failed.json["isError"] == true)
        #expect(MCPClient.errorAnswer(of: failed.json)?["error"] == "boom")

        let unknown = try scenario(["call", "no_such_tool", "{}"])
        #expect(unknown.status == 2)  // a JSON-RPC error, not a result
        #expect(unknown.json["error"]?["code"] == -32602)
        #expect(unknown.json["error"]?["message"]?.stringValue?.contains("no_such_tool") == true)
    }

    @Test func cancellingACallStopsThePluginsProcessGroupAndTheServerGoesOn() throws {
        let cancelled = try scenario(["cancel", "sleepy", "{}", "1.0"], extra: ["--then", "echo", #"{"message": "after"}"#])
        #expect(cancelled.status == 0, "\(cancelled.json)")
        #expect(cancelled.json["cancelled"] == true)
        #expect(cancelled.json["then"]?["structuredContent"]?["message"] == "after")
        // The recording says the call ended as cancelled about a second in, not after 30 s: the
        // plugin and its child were stopped when the client cancelled (the runner returns only
        // once the whole process group is gone).
        let connection = try database.connect()
        let executions = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.executions)
        let row = try #require(try connection.run("SELECT error_code, duration_ms FROM \(executions) WHERE tool_name = 'sleepy'").rows.first)
        #expect(row["error_code"] == "cancelled")
        #expect((row["duration_ms"]?.numberValue ?? .infinity) < 10_000)
    }

    @Test func theServerSaysWhenTheCatalogueChangesOnDisk() throws {
        fixture.directory.write("toolhost.yaml", "tools:\n  paths: [tools]\nservice:\n  catalogue_poll_seconds: 0.2\n")
        let watching = try client(["watch-list-changed", "20"])
        #expect(try watching.readLine(within: 60) == "READY")
        fixture.directory.write("tools/newcomer/newcomer.yaml", "name: Newcomer\ntype: executable\nexecutable: {command: cat}\n")
        let ended = try watching.waitForExit(within: 60)
        #expect(ended.status == 0)
        #expect((try? JSONParser.parse(ended.remaining.joined()))?["list_changed"] == true)

        let quiet = try client(["watch-list-changed", "1.5"])
        #expect(try quiet.readLine(within: 60) == "READY")
        let unchanged = try quiet.waitForExit(within: 60)
        #expect((try? JSONParser.parse(unchanged.remaining.joined()))?["list_changed"] == false)
    }

    /// The SDK's own stdio transport ends at end of input and drops the answers of calls still
    /// running; ours answers every request read before it exits.
    @Test func endOfInputStillAnswersEveryRequestRead() throws {
        fixture.directory.write("tools/nap/nap.yaml", """
            name: Nap
            type: executable
            executable: {command: sh, args: ["-c", "sleep 0.5; cat"]}
            """)
        let server = try RunningProcess(fixture.binary.path, ["serve", "--mcp"], environment: database.environment,
                                        directory: fixture.directory.path)
        let initialize = #"{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}"#
        server.write(initialize + "\n" + #"{"jsonrpc": "2.0", "method": "notifications/initialized"}"# + "\n")
        #expect(try JSONParser.parse(server.readLine(within: 30))["id"] == 0)
        for id in 1...3 {
            server.write(#"{"jsonrpc": "2.0", "id": \#(id), "method": "tools/call", "params": {"name": "nap", "arguments": {"n": \#(id)}}}"# + "\n")
        }
        server.closeInput()
        let ended = try server.waitForExit(within: 30)
        #expect(ended.status == 0)
        let answers = ended.remaining.compactMap { try? JSONParser.parse($0) }
        #expect(Set(answers.compactMap { $0["id"]?.integerValue }) == [1, 2, 3])
        #expect(answers.allSatisfy { $0["result"]?["isError"] == false })
        #expect(answers.contains { $0["result"]?["structuredContent"] == ["n": 2] })
    }
}
