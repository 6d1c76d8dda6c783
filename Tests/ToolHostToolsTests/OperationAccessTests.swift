import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// `Operation.write` is one transaction around the whole body: kept when it answers, undone
/// when it throws, and the caller gets the body's own error.
@Suite("Operations declare their database access")
struct OperationAccessTests {
    private func run(_ operation: Operation, _ harness: HandlerHarness) throws -> Result<OperationAnswer, ToolHostError> {
        let context = HandlerContext(tool: try harness.invoker.resolve("bulk_data_store"), config: harness.invoker.config,
                                     tools: ToolsManager(roots: []), handlers: BuiltinHandlers.registry)
        do {
            return .success(try operation.run(OperationInput([:], tool: "bulk_data_store"), context))
        } catch {
            return .failure(error)
        }
    }

    private func storeLog(_ call: DatabaseCall, _ message: String) throws {
        var builder = SQLStatementBuilder(dialect: call.dialect)
        let sql = "INSERT INTO \(builder.table(BulkSchema.logs)) (tool_id, log_level, message, created_at) VALUES ('t', 'info', \(builder.bind(.text(message))), \(builder.bind(builder.timestampValue(.now()))))"
        _ = try call.connection.run(sql, builder.values)
    }

    private func messages(_ harness: HandlerHarness) throws -> [String] {
        try harness.sql("SELECT message FROM tool_logs ORDER BY id").compactMap { $0["message"]?.stringValue }
    }

    @Test(arguments: Engine.allCases)
    func aWriteIsKeptWhenItAnswersAndUndoneWhenItThrows(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let kept = try run(.write("keep") { _, call in
            try storeLog(call, "first")
            try storeLog(call, "second")
            return .affected(2)
        }, harness)
        #expect(throws: Never.self) { try kept.get() }
        let undone = try run(.write("undo") { _, call in
            try storeLog(call, "third")
            throw ToolHostError(.notFound, "No such thing.")
        }, harness)
        guard case .failure(let error) = undone else { Issue.record("the failing write answered"); return }
        #expect(error.code == .notFound)
        #expect(error.message == "No such thing.")
        let stored = try messages(harness)
        #expect(stored == ["first", "second"])
    }

    /// A storage failure halfway through undoes the earlier statements of the same operation.
    @Test(arguments: Engine.allCases)
    func aStorageFailureUndoesTheWholeWrite(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let failed = try run(.write("half") { _, call in
            try storeLog(call, "before the failure")
            _ = try call.connection.run("INSERT INTO tool_logs (no_such_column) VALUES (1)")
            return .affected(1)
        }, harness)
        guard case .failure(let error) = failed else { Issue.record("the failing write answered"); return }
        #expect(error.code == .databaseError)
        let stored = try messages(harness)
        #expect(stored.isEmpty)
    }
}
