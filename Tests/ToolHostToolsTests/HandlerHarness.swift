import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// A host with the shipped built-in tools over a database of its own, for calling handlers the
/// way `toolhost run` does (schema validation included).
struct HandlerHarness {
    let database: TestDatabase
    let invoker: ToolInvoker
    let directory = TemporaryDirectory()

    static let shippedTools = FilePath.join(
        FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath))), "tools")

    init(_ engine: Engine, configure: (inout HostConfig) -> Void = { _ in }) throws {
        database = try TestDatabase(engine)
        var config = HostConfig(toolsPaths: [Self.shippedTools, directory.url("extra")], database: database.settings,
                                generatedToolsPath: directory.url("generated"))
        // Exports and archives named in inputs may go anywhere in the test's own folder.
        config.files.writableDirectories = [directory.path]
        configure(&config)
        invoker = ToolInvoker(config: config, handlers: BuiltinHandlers.registry, hostEnvironment: ["PATH": "/usr/bin:/bin"])
    }

    /// The answer of `tool` for `input`; failures come back as their error answers.
    @discardableResult
    func call(_ tool: String, _ input: JSONObject) throws -> JSONValue {
        let definition = try invoker.resolve(tool)
        return InvocationAnswer(invoker.invoke(definition, input: input), envelope: true).value
    }

    /// Like `call`, and records an issue unless the answer is a success.
    @discardableResult
    func succeed(_ tool: String, _ input: JSONObject, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let answer = try call(tool, input)
        #expect(answer["success"] == true, "\(answer)", sourceLocation: sourceLocation)
        return answer
    }

    /// A direct connection to the same database, to check what was stored.
    func connection() throws -> any DatabaseConnection { try database.connect() }

    func sql(_ text: String) throws -> [JSONObject] { try connection().run(text).rows }
}
