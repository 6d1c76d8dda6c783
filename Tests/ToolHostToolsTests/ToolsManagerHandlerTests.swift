import Testing
import ToolHostTestSupport
@testable import ToolHostCore
import ToolHostStorage
@testable import ToolHostTools

@Suite("The tools_manager built-in")
struct ToolsManagerHandlerTests {
    let directory = TemporaryDirectory()
    let invoker: ToolInvoker

    init() {
        let shipped = FilePath.join(FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath))), "tools")
        directory.write("extra/calc.yaml", """
            name: Calculator
            type: executable
            tags: [math]
            description: Adds numbers
            executable: {command: python3, args: ["{tool_dir}/calc.py"]}
            input_schema:
              a: "number - First operand"
              b: {type: number, required: true}
            """)
        directory.write("extra/chat.yaml", "name: Chat\ntype: llm\ntags: [math, words]\n")
        directory.write("extra/broken.yaml", "name: [oops\n")
        invoker = ToolInvoker(config: HostConfig(toolsPaths: [shipped, directory.url("extra")]),
                              handlers: BuiltinHandlers.registry, hostEnvironment: [:])
    }

    private func call(_ input: JSONObject) throws -> (answer: JSONValue, exitCode: Int32) {
        let result = invoker.invoke(try invoker.resolve("tools_manager"), input: input)
        if case .plugin = result { throw ToolHostError(.internalError, "tools_manager did not answer in-process") }
        let answer = InvocationAnswer(result)
        return (answer.value, answer.exitCode)
    }

    @Test func everyBuiltInDefinitionLoadsCleanAndNamesItsOwnHandler() throws {
        let catalogue = ToolsManager(directories: [], builtins: BuiltinHandlers.tools).loadCatalogue()
        #expect(catalogue.sortedTools.count == BuiltinHandlers.tools.count)
        #expect(catalogue.diagnostics.isEmpty, "\(catalogue.diagnostics)")
        for tool in catalogue.sortedTools {
            #expect(tool.diagnostics.isEmpty, "\(tool.id): \(tool.diagnostics)")
            #expect(tool.isBuiltin && tool.handler == tool.id && tool.file == "<built-in>/\(tool.id).yaml")
            #expect(BuiltinHandlers.registry.handler(named: tool.id) != nil, "\(tool.id)")
        }
    }

    @Test func listFiltersByTypeAndTagAndReportsBrokenFiles() throws {
        let all = try call(["operation": "list"]).answer
        let ids = all["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains("tools_manager") && ids.contains("calc") && ids.contains("chat"))
        #expect(all["count"] == .int(ids.count))
        #expect(all["problems"]?.arrayValue?.contains { $0["file"]?.stringValue?.hasSuffix("broken.yaml") == true } == true)

        let math = try call(["operation": "list", "tag": "math", "type": "executable"]).answer
        #expect(math["data"]?.arrayValue?.map { $0["id"] } == ["calc"])
        #expect(math["data"]?[0]?["runner"] == "plugin")
    }

    @Test func describeGivesTheNormalisedSchemaInEveryFormat() throws {
        let full = try call(["operation": "describe", "tool": "calc"]).answer
        #expect(full["success"] == true)
        #expect(full["data"]?["input_schema"]?["required"] == ["b"])
        #expect(full["data"]?["input_schema"]?["properties"]?["a"] == ["type": "number", "description": "First operand"])

        let mcp = try call(["operation": "describe", "tool": "calc", "format": "mcp"]).answer
        #expect(mcp["data"]?["name"] == "calc")
        #expect(mcp["data"]?["inputSchema"]?["type"] == "object")

        let openAI = try call(["operation": "describe", "tool": "calc", "format": "openai"]).answer
        #expect(openAI["data"]?["type"] == "function")
        #expect(openAI["data"]?["function"]?["parameters"]?["required"] == ["b"])
    }

    @Test func validateChecksAnInputWithoutRunningTheTool() throws {
        let bad = try call(["operation": "validate", "tool": "calc", "input": ["a": "one"]]).answer
        #expect(bad["success"] == true)
        #expect(bad["valid"] == false)
        #expect(bad["violations"]?.arrayValue?.compactMap { $0["path"]?.stringValue }.sorted() == ["/a", "/b"])

        let good = try call(["operation": "validate", "tool": "calc", "input": ["a": 1, "b": 2]]).answer
        #expect(good["valid"] == true)
    }

    @Test func validateLintsYamlTextWithLineNumbers() throws {
        let yaml = "name: Gen\ntype: executable\nexecutable:\n  command: python3\n  timeout: -5\ninput_schema:\n  x: {type: strng}\n"
        let answer = try call(["operation": "validate", "yaml": .string(yaml), "id": "gen"]).answer
        #expect(answer["valid"] == false)
        let lines = answer["problems"]?.arrayValue?.compactMap { $0["line"]?.integerValue }.sorted()
        #expect(lines == [5, 7])
    }

    @Test func unknownOperationsAndMissingFieldsAreClearErrors() throws {
        let unknown = try call(["operation": "lst"])
        #expect(unknown.answer["error_code"] == "invalid_input")  // the schema's enum catches it first
        #expect(unknown.exitCode == 2)

        let missing = try call(["operation": "describe"]).answer
        #expect(missing["error_code"] == "invalid_input")
        #expect(missing["violations"]?[0]?["path"] == "/tool")

        let noSuchTool = try call(["operation": "describe", "tool": "calk"]).answer
        #expect(noSuchTool["error_code"] == "unknown_tool")
        #expect(noSuchTool["suggestions"] == ["calc"])
    }
}

@Suite("The operation dispatch every built-in shares")
struct OperationHandlerTests {
    struct Echo: OperationHandler {
        let name = "echo"
        var operations: [Operation] {
            [
                Operation("say") { input, _ in .fields(["said": .string(try input.string("word")), "success": false]) },
                Operation("count") { input, _ in .affected(try input.string("word").count) },
                Operation("fail_in_storage") { _, _ in
                    throw DatabaseError(.statement, "duplicate key value violates unique constraint", resultCode: .sqlState("23505"))
                },
                Operation("fail_otherwise") { _, _ in throw Unexpected() },
            ]
        }

        struct Unexpected: Error {}
    }

    let tool = try! ManifestDecoder.decode(["name": "Echo", "handler": "echo"], id: "echo", file: "/t/echo.yaml", directory: ToolsDirectory(path: "/t"))

    private func handle(_ input: JSONObject) -> Result<JSONValue, ToolHostError> {
        let context = HandlerContext(tool: tool, config: HostConfig(toolsPaths: []), tools: ToolsManager(roots: []),
                                     handlers: HandlerRegistry([Echo()]))
        do {
            return .success(try Echo().handle(input, context: context))
        } catch {
            return .failure(error)
        }
    }

    /// The envelope is written once, by the mechanism: `success` first, then the answer's
    /// members in their order (an operation cannot set `success` itself).
    @Test func dispatchesOnTheOperationFieldAndWritesTheEnvelope() throws {
        let said = try handle(["operation": "say", "word": "hi"]).get()
        #expect(JSONWriter.string(said) == #"{"success":true,"said":"hi"}"#)
        let counted = try handle(["operation": "count", "word": "four"]).get()
        #expect(JSONWriter.string(counted) == #"{"success":true,"count":4}"#)
    }

    /// A body's error of any layer is converted once: a storage failure keeps its SQLSTATE,
    /// anything unexpected is an internal error rather than a crash.
    @Test func errorsOfEveryLayerAreConvertedOnce() {
        guard case .failure(let storage) = handle(["operation": "fail_in_storage"]),
              case .failure(let other) = handle(["operation": "fail_otherwise"]) else {
            Issue.record("a failing operation succeeded")
            return
        }
        #expect(storage.code == .databaseError)
        #expect(storage.details["sqlstate"] == "23505")
        #expect(other.code == .internalError)
    }

    @Test func unknownOperationsSuggestTheClosestOne() {
        guard case .failure(let error) = handle(["operation": "sya"]) else {
            Issue.record("no error")
            return
        }
        #expect(error.code == .unknownOperation)
        #expect(error.message.contains("Did you mean 'say'?"))
    }

    @Test func missingOperationAndFieldsAreInvalidInput() {
        if case .failure(let noOperation) = handle([:]) {
            #expect(noOperation.code == .invalidInput)
        } else {
            Issue.record("a missing operation was accepted")
        }
        if case .failure(let wrongType) = handle(["operation": "say", "word": 3]) {
            #expect(wrongType.details["violations"]?[0]?["path"] == "/word")
        } else {
            Issue.record("a mistyped field was accepted")
        }
    }
}
