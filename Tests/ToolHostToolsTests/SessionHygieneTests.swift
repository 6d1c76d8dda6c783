import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// What one call leaves on a pooled connection must not change the next call.
@Suite("Connections stay sound between calls")
struct SessionHygieneTests {
    private func harness(_ engine: Engine) throws -> HandlerHarness {
        let harness = try HandlerHarness(engine)
        harness.directory.write("extra/timed_sql.yaml", """
            name: Timed SQL
            type: executable
            handler: postgres_client
            input_schema: {operation: {type: string, required: true}, sql: {type: string}, params: {type: [object, array]},
                           statements: {type: array}, fetch_one: {type: boolean}}
            constraints: {max_query_time_seconds: 5}
            """)
        try harness.succeed("postgres_client", ["operation": "create_table", "table": "items",
                                                "columns": ["id": "bigserial", "name": "text", "n": "integer"], "primary_key": "id"])
        return harness
    }

    @Test(arguments: Engine.allCases)
    func aFailedTransactionLeavesTheConnectionUsable(engine: Engine) throws {
        let harness = try harness(engine)
        for _ in 0..<3 {
            let failed = try harness.call("timed_sql", ["operation": "transaction", "statements": [
                ["sql": "INSERT INTO items (name) VALUES ('a')"], ["sql": "SELECT * FROM no_such_table"],
            ]])
            #expect(failed["success"] == false)
            #expect(try harness.succeed("timed_sql", ["operation": "query", "sql": "SELECT count(*) AS n FROM items"])["data"]?[0]?["n"] == 0)
        }
    }

    @Test func sessionSettingsDoNotLeakIntoTheNextCall() throws {
        let harness = try harness(.postgres)
        try harness.succeed("postgres_client", ["operation": "execute", "sql": "SET search_path TO nowhere"])
        #expect(try harness.succeed("postgres_client", ["operation": "query", "sql": "SELECT count(*) AS n FROM items"])["data"]?[0]?["n"] == 0)
    }

    @Test func copyToStdoutIsRefusedWithoutHanging() throws {
        let harness = try harness(.postgres)
        let answer = try harness.call("postgres_client", ["operation": "query", "sql": "COPY items TO STDOUT"])
        #expect(answer["error_code"] == "database_error")
        #expect(try harness.succeed("postgres_client", ["operation": "query", "sql": "SELECT 1 AS one"])["data"]?[0]?["one"] == 1)
    }

    @Test(arguments: Engine.allCases)
    func fetchOneStillCompletesTheWrite(engine: Engine) throws {
        let harness = try harness(engine)
        try harness.succeed("postgres_client", ["operation": "insert", "table": "items", "data": .array((1...50).map { ["name": .string("n\($0)"), "n": 0] })])
        let answer = try harness.succeed("timed_sql", ["operation": "query", "sql": "UPDATE items SET n = 1 RETURNING id", "fetch_one": true])
        #expect(answer["data"]?.arrayValue?.count == 1)
        #expect(try harness.sql("SELECT count(*) AS n FROM items WHERE n = 1").first?["n"] == 50)
    }

    @Test(arguments: Engine.allCases)
    func aWriteWhoseResultIsTooLargeIsUndone(engine: Engine) throws {
        let harness = try harness(engine)
        harness.directory.write("extra/tiny_sql.yaml", """
            name: Tiny SQL
            type: executable
            handler: postgres_client
            input_schema: {operation: {type: string, required: true}, sql: {type: string}}
            constraints: {max_result_size_mb: 0.001}
            """)
        let answer = try harness.call("tiny_sql", ["operation": "query", "sql": engine == .postgres
            ? "INSERT INTO items (name) SELECT repeat('x', 100) FROM generate_series(1, 200) RETURNING name"
            : "INSERT INTO items (name) WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200) SELECT printf('%.100c', 'x') FROM c RETURNING name"])
        #expect(answer["error_code"] == "result_too_large")
        #expect(try harness.sql("SELECT count(*) AS n FROM items").first?["n"] == 0)
    }

    @Test(arguments: Engine.allCases)
    func scriptsRunWithoutParamsAndAreRefusedWithThem(engine: Engine) throws {
        let harness = try harness(engine)
        try harness.succeed("postgres_client", ["operation": "execute",
                                                "sql": "CREATE TABLE one (v TEXT); CREATE TABLE two (v TEXT); -- done;"])
        #expect(try harness.connection().tableExists(TableName("two")))
        let refused = try harness.call("postgres_client", ["operation": "execute", "sql": "DELETE FROM one; DELETE FROM two WHERE v = %s",
                                                           "params": ["x"]])
        #expect(refused["error_code"] == "invalid_input")
        #expect(refused["violations"]?[0]?["path"] == "/sql")
        // A semicolon inside a literal is not a second statement.
        try harness.succeed("postgres_client", ["operation": "execute", "sql": "INSERT INTO one (v) VALUES (%s)", "params": ["a; b"]])
    }

    @Test(arguments: Engine.allCases)
    func transactionControlInsideATransactionIsRefused(engine: Engine) throws {
        let harness = try harness(engine)
        let answer = try harness.call("postgres_client", ["operation": "transaction", "statements": [
            ["sql": "INSERT INTO items (name) VALUES ('kept?')"], ["sql": "COMMIT"], ["sql": "SELECT * FROM nowhere"],
        ]])
        #expect(answer["error_code"] == "invalid_input")
        #expect(answer["violations"]?[0]?["path"] == "/statements/1/sql")
        #expect(try harness.sql("SELECT count(*) AS n FROM items").first?["n"] == 0)
    }

    @Test func sqliteSeesColumnsAddedAfterAQueryWasPrepared() throws {
        let harness = try harness(.sqlite)
        let query: JSONObject = ["operation": "query", "sql": "SELECT * FROM items"]
        try harness.succeed("postgres_client", ["operation": "insert", "table": "items", "data": ["name": "a"]])
        #expect(try harness.succeed("postgres_client", query)["data"]?[0]?["extra"] == nil)
        try harness.succeed("postgres_client", ["operation": "execute", "sql": "ALTER TABLE items ADD COLUMN extra TEXT DEFAULT 'yes'"])
        #expect(try harness.succeed("postgres_client", query)["data"]?[0]?["extra"] == "yes")
    }

    @Test func timestampsWrittenThroughInsertOrderCorrectlyOnSQLite() throws {
        let harness = try HandlerHarness(.sqlite)
        try harness.succeed("bulk_data_store", ["operation": "initialize_schema"])
        for (message, at) in [("early", "2026-01-01T08:00:00Z"), ("late", "2026-01-01T08:00:00.500+00:00")] {
            try harness.succeed("postgres_client", ["operation": "insert", "table": "tool_logs", "data": [
                "tool_id": "t", "log_level": "info", "message": .string(message), "created_at": .string(at)]])
        }
        let after = try harness.succeed("bulk_data_store", ["operation": "query_logs", "since": "2026-01-01T08:00:00.1Z"])
        #expect(after["data"]?.arrayValue?.compactMap { $0["message"]?.stringValue } == ["late"])
    }

    @Test(arguments: Engine.allCases)
    func reRegisteringWithoutCodeKeepsTheStoredMetadata(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        try harness.succeed("tools_manager", ["operation": "register_tool", "yaml": .string(ToolRegistrationTests.adder),
                                              "code": .string(ToolRegistrationTests.adderCode), "code_file": "adder.py"])
        try harness.succeed("tools_manager", ["operation": "register_tool", "yaml": .string(ToolRegistrationTests.adder)])
        let metadata = try harness.sql("SELECT metadata, tool_code FROM generated_tools WHERE tool_id = 'adder'").first
        #expect(metadata?["metadata"]?["code_file"] == "adder.py")
        #expect(metadata?["tool_code"]?.stringValue == ToolRegistrationTests.adderCode)
    }
}
