import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

@Suite("Generated tools are persisted and come back")
struct ToolRegistrationTests {
    static let adder = """
        name: "Adder"
        type: executable
        description: Adds two numbers
        executable:
          command: python3
          args: ["{tool_dir}/adder.py"]
        input_schema:
          a: {type: number, required: true}
          b: {type: number, required: true}
        """
    static let adderCode = "import json, sys\nd = json.load(sys.stdin)\nprint(json.dumps({\"sum\": d[\"a\"] + d[\"b\"]}))\n"

    @Test(arguments: Engine.allCases)
    func registeredToolsRunAtOnceAndAreStored(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let registered = try harness.succeed("tools_manager", ["operation": "register_tool", "yaml": .string(Self.adder),
                                                               "code": .string(Self.adderCode), "code_file": "adder.py"])
        #expect(registered["tool_id"] == "adder")
        #expect(registered["persisted"] == true)
        #expect(registered["action"] == "inserted")
        let sum = try harness.call("adder", ["a": 2, "b": 3])
        #expect(sum["output"] == ["sum": 5])
        let stored = try harness.sql("SELECT tool_name, tool_type, tool_yaml, tool_code FROM generated_tools WHERE tool_id = 'adder'")
        #expect(stored.first?["tool_yaml"]?.stringValue == Self.adder)
        #expect(stored.first?["tool_code"]?.stringValue == Self.adderCode)
        // Registering again updates, and the tool still runs.
        #expect(try harness.succeed("tools_manager", ["operation": "register_tool", "yaml": .string(Self.adder),
                                                      "code": .string(Self.adderCode), "code_file": "adder.py"])["action"] == "updated")
    }

    @Test(arguments: Engine.allCases)
    func missingFilesAreRestoredFromTheDatabase(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("tools_manager", ["operation": "register_function", "name": "multiply", "description": "x times y",
                                              "code": "def multiply(x, y):\n    return x * y\n",
                                              "parameters": ["x": ["type": "number", "required": true], "y": ["type": "number", "required": true]]])
        #expect(try harness.call("multiply", ["x": 3, "y": 4])["output"] == ["success": true, "result": 12])
        try FileManagerRemove(harness.directory.url("generated/multiply"))
        #expect(throws: ToolHostError.self) { try harness.invoker.resolve("multiply") }
        let restored = try ToolRegistration(config: harness.invoker.config, handlers: BuiltinHandlers.registry).restore()
        #expect(restored.restored == ["multiply"])
        #expect(try harness.call("multiply", ["x": 5, "y": 6])["output"] == ["success": true, "result": 30])
    }

    @Test(arguments: Engine.allCases)
    func llmToolsAreListedAndStored(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let answer = try harness.succeed("tools_manager", ["operation": "register_llm", "name": "Code Reviewer",
                                                           "model": "llama3", "system_prompt": "Review the code."])
        #expect(answer["tool_id"] == "code_reviewer")
        let described = try harness.succeed("tools_manager", ["operation": "describe", "tool": "code_reviewer"])
        #expect(described["data"]?["type"] == "llm")
        #expect(described["data"]?["llm"]?["model"] == "llama3")
        #expect(try harness.sql("SELECT tool_type FROM generated_tools").first?["tool_type"] == "llm")
    }

    @Test func definitionsWithErrorsOrTakenIdsAreRefused() throws {
        let harness = try HandlerHarness(.sqlite)
        let broken = try harness.call("tools_manager", ["operation": "register_tool", "id": "broken",
                                                        "yaml": "name: Broken\ntype: executable\nexecutable:\n  timeout: -1\n"])
        #expect(broken["error_code"] == "invalid_tool_definition")
        #expect(!harness.directory.exists("generated/broken"))
        let taken = try harness.call("tools_manager", ["operation": "register_tool", "id": "word_stats", "yaml": .string(Self.adder)])
        #expect(taken["error_code"] == "conflicting_tool_definitions")
    }

    @Test func theFileIsKeptWhenTheDatabaseIsUnreachable() throws {
        var unreachable = DatabaseSettings(path: "")
        unreachable.kind = .postgres
        unreachable.host = "127.0.0.1"
        unreachable.port = 1
        unreachable.connectTimeoutSeconds = 1
        let harness = try HandlerHarness(.sqlite) { $0.database = unreachable }
        let answer = try harness.succeed("tools_manager", ["operation": "register_tool", "yaml": .string(Self.adder),
                                                           "code": .string(Self.adderCode), "code_file": "adder.py"])
        #expect(answer["persisted"] == false)
        #expect(answer["warning"]?.stringValue?.contains("127.0.0.1:1") == true)
        #expect(harness.directory.exists("generated/adder/adder.yaml"))
    }
}

private func FileManagerRemove(_ path: String) throws {
    try FileManager.default.removeItem(atPath: path)
}
