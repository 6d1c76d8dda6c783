import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

@Suite("postgres_client on both engines")
struct PostgresClientTests {
    private func harness(_ engine: Engine) throws -> HandlerHarness {
        let harness = try HandlerHarness(engine)
        try harness.succeed("postgres_client", ["operation": "create_table", "table": "items",
                                                "columns": ["id": "bigserial", "name": "text not null", "score": "numeric(10,2)",
                                                            "doc": "jsonb", "at": "timestamptz", "ref": "uuid"],
                                                "primary_key": "id"])
        return harness
    }

    @Test(arguments: Engine.allCases)
    func psycopgStyleParametersWorkAndLiteralPercentsSurvive(engine: Engine) throws {
        let harness = try harness(engine)
        try harness.succeed("postgres_client", ["operation": "execute", "sql": "INSERT INTO items (name, score) VALUES (%(n)s, %(s)s)",
                                                "params": ["n": "50% off", "s": 2.5]])
        try harness.succeed("postgres_client", ["operation": "execute", "sql": "INSERT INTO items (name) VALUES (%s), (%s)",
                                                "params": ["plain", "it's"]])
        let named = try harness.succeed("postgres_client", [
            "operation": "query", "params": ["pattern": "%off"],
            "sql": "SELECT name, '100%' AS literal, '5%%' AS escaped FROM items WHERE name LIKE %(pattern)s",
        ])
        #expect(named["data"] == [["name": "50% off", "literal": "100%", "escaped": "5%"]])
        let positional = try harness.succeed("postgres_client", ["operation": "query", "sql": "SELECT name FROM items WHERE name = %s", "params": ["it's"]])
        #expect(positional["data"] == [["name": "it's"]])
        #expect(positional["rows_affected"] == 1)
        let native = engine == .postgres ? "SELECT count(*) AS n FROM items WHERE name <> $1" : "SELECT count(*) AS n FROM items WHERE name <> ?"
        #expect(try harness.succeed("postgres_client", ["operation": "query", "sql": .string(native), "params": ["x"]])["data"]?[0]?["n"] == 3)
        let one = try harness.succeed("postgres_client", ["operation": "query", "sql": "SELECT name FROM items ORDER BY id", "fetch_one": true])
        #expect(one["data"] == [["name": "50% off"]])
    }

    /// What psycopg2 does with a Python str bound to a json/jsonb column: the text is JSON.
    @Test(arguments: Engine.allCases)
    func aStringForAJSONColumnIsJSONText(engine: Engine) throws {
        let harness = try harness(engine)
        try harness.succeed("postgres_client", ["operation": "insert", "table": "items", "data": ["name": "a", "doc": #"{"k": 2}"#]])
        try harness.succeed("postgres_client", ["operation": "insert", "table": "items", "data": ["name": "b", "doc": ["k": 3]]])
        try harness.succeed("postgres_client", ["operation": "update", "table": "items", "data": ["doc": "[1, 2]"], "where": ["name": "b"]])
        try harness.succeed("postgres_client", ["operation": "execute", "sql": "INSERT INTO items (name, doc) VALUES (%(n)s, %(d)s)",
                                                "params": ["n": "c", "d": #"{"k": "text"}"#]])
        let rows = try harness.succeed("postgres_client", ["operation": "query", "sql": "SELECT name, doc FROM items ORDER BY name"])
        #expect(rows["data"] == [["name": "a", "doc": ["k": 2]], ["name": "b", "doc": [1, 2]], ["name": "c", "doc": ["k": "text"]]])
        let refused = try harness.call("postgres_client", ["operation": "insert", "table": "items", "data": ["name": "d", "doc": "not json"]])
        #expect(refused["error_code"] == "invalid_input")
        #expect(refused["violations"]?[0]?["path"] == "/data/doc")
        let none = try harness.succeed("postgres_client", ["operation": "query", "sql": "SELECT count(*) AS n FROM items WHERE name = 'd'"])
        #expect(none["data"] == [["n": 0]])
        // The text "null" is JSON null, as psycopg2 stores it; a JSON null is SQL NULL.
        try harness.succeed("postgres_client", ["operation": "insert", "table": "items", "data": ["name": "e", "doc": "null"]])
        try harness.succeed("postgres_client", ["operation": "insert", "table": "items", "data": ["name": "f", "doc": nil]])
        let nulls = try harness.succeed("postgres_client", ["operation": "query", "sql": "SELECT name FROM items WHERE doc IS NULL ORDER BY name"])
        #expect(nulls["data"] == [["name": "f"]])
    }

    /// DB-API's rowcount, which code-evolver's own client answers with: -1 for what changes no rows.
    @Test(arguments: Engine.allCases)
    func ddlAndScriptsAnswerRowsAffectedMinusOne(engine: Engine) throws {
        let harness = try harness(engine)
        try harness.succeed("postgres_client", ["operation": "execute", "sql": "INSERT INTO items (name) VALUES ('a'), ('b')"])
        let created = try harness.succeed("postgres_client", ["operation": "execute", "sql": "CREATE INDEX IF NOT EXISTS items_name ON items (name)", "params": nil])
        #expect(created["rows_affected"] == -1)
        let script = try harness.succeed("postgres_client", ["operation": "execute", "sql": "CREATE TABLE t1 (a integer); CREATE TABLE t2 (b integer)"])
        #expect(script["rows_affected"] == -1)
        let deleted = try harness.succeed("postgres_client", ["operation": "execute", "sql": "DELETE FROM items WHERE name = 'nobody'"])
        #expect(deleted["rows_affected"] == 0)
        let updated = try harness.succeed("postgres_client", ["operation": "execute", "sql": "UPDATE items SET name = name"])
        #expect(updated["rows_affected"] == 2)
        // A transaction counts the rows its statements changed; DDL changes none.
        let mixed = try harness.succeed("postgres_client", ["operation": "transaction", "statements": [
            ["sql": "CREATE TABLE t3 (c integer)"], ["sql": "INSERT INTO t3 (c) VALUES (1), (2), (3)"],
        ]])
        #expect(mixed["rows_affected"] == 3)
        #expect(mixed["data"]?[0]?["rows_affected"] == -1)
    }

    @Test(arguments: Engine.allCases)
    func mismatchedParametersAreInvalidInput(engine: Engine) throws {
        let harness = try harness(engine)
        let missing = try harness.call("postgres_client", ["operation": "query", "sql": "SELECT %(a)s AS a", "params": ["b": 1]])
        #expect(missing["error_code"] == "invalid_input")
        #expect(missing["violations"]?[0]?["path"] == "/params/a")
        let count = try harness.call("postgres_client", ["operation": "query", "sql": "SELECT %s AS a, %s AS b", "params": [1]])
        #expect(count["error_code"] == "invalid_input")
    }

    /// Regression: code-evolver's `query` never committed, so INSERT ... RETURNING was lost.
    @Test(arguments: Engine.allCases)
    func queryCommitsWhatItRan(engine: Engine) throws {
        let harness = try harness(engine)
        let answer = try harness.succeed("postgres_client", ["operation": "query", "sql": "INSERT INTO items (name) VALUES (%(n)s) RETURNING id, name",
                                                             "params": ["n": "kept"]])
        #expect(answer["data"]?[0]?["name"] == "kept")
        #expect(try harness.sql("SELECT name FROM items") == [["name": "kept"]])
    }

    /// Regression: datetime, numeric and uuid columns made code-evolver's answers fail.
    @Test(arguments: Engine.allCases)
    func insertedRowsComeBackWithEveryTypeAsJSON(engine: Engine) throws {
        let harness = try harness(engine)
        let inserted = try harness.succeed("postgres_client", ["operation": "insert", "table": "items", "data": [
            "name": "typed", "score": 12.5, "doc": ["tags": ["a", "b"], "n": 1], "at": "2026-11-22T10:00:00+02:00",
            "ref": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        ]])
        #expect(inserted["rows_affected"] == 1)
        let row = try #require(inserted["data"]?[0])
        #expect(row["doc"] == ["tags": ["a", "b"], "n": 1])
        #expect(row["score"]?.numberValue == 12.5)
        #expect(row["ref"] == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        if engine == .postgres { #expect(row["at"] == "2026-11-22T08:00:00Z") }
        let queried = try harness.succeed("postgres_client", ["operation": "query", "sql": "SELECT * FROM items"])
        #expect(queried["data"]?[0]?["doc"] == ["tags": ["a", "b"], "n": 1])
    }

    /// Regression: code-evolver pasted keys into SQL; here every identifier must exist.
    @Test(arguments: Engine.allCases)
    func identifiersFromInputMustNameLiveTablesAndColumns(engine: Engine) throws {
        let harness = try harness(engine)
        try harness.succeed("postgres_client", ["operation": "create_table", "table": "precious", "columns": ["v": "text"]])
        let injected = try harness.call("postgres_client", ["operation": "insert", "table": "items",
                                                            "data": ["name\") VALUES ('x'); DROP TABLE precious; --": "y"]])
        #expect(injected["error_code"] == "unknown_identifier")
        let badTable = try harness.call("postgres_client", ["operation": "delete", "table": "items; DROP TABLE precious", "all": true])
        #expect(badTable["error_code"] == "unknown_identifier" || badTable["error_code"] == "invalid_input")
        let badWhere = try harness.call("postgres_client", ["operation": "update", "table": "items", "data": ["name": "z"],
                                                            "where": ["1=1 OR name": "x"]])
        #expect(badWhere["error_code"] == "unknown_identifier")
        #expect(try harness.connection().tableExists(TableName("precious")))
    }

    @Test(arguments: Engine.allCases)
    func updateAndDeleteUseWhereWithNullAndInAndRefuseEmptyWhere(engine: Engine) throws {
        let harness = try harness(engine)
        try harness.succeed("postgres_client", ["operation": "insert", "table": "items",
                                                "data": [["name": "a"], ["name": "b"], ["name": "c", "score": 1]]])
        let updated = try harness.succeed("postgres_client", ["operation": "update", "table": "items", "data": ["score": 9],
                                                              "where": ["name": ["a", "b"], "score": nil]])
        #expect(updated["rows_affected"] == 2)
        let refused = try harness.call("postgres_client", ["operation": "delete", "table": "items"])
        #expect(refused["error_code"] == "invalid_input")
        #expect(refused["violations"]?[0]?["path"] == "/where")
        #expect(try harness.succeed("postgres_client", ["operation": "delete", "table": "items", "where": ["name": "c"]])["rows_affected"] == 1)
        #expect(try harness.succeed("postgres_client", ["operation": "delete", "table": "items", "all": true])["rows_affected"] == 2)
    }

    @Test(arguments: Engine.allCases)
    func createTableAllowsOnlyKnownTypes(engine: Engine) throws {
        let harness = try harness(engine)
        let bad = try harness.call("postgres_client", ["operation": "create_table", "table": "t",
                                                       "columns": ["x": "text); DROP TABLE items; --"]])
        #expect(bad["error_code"] == "invalid_input")
        #expect(bad["violations"]?[0]?["path"] == "/columns/x")
        #expect(try harness.connection().tableExists(TableName("items")))
    }

    @Test(arguments: Engine.allCases)
    func transactionsAreAllOrNothing(engine: Engine) throws {
        let harness = try harness(engine)
        let failed = try harness.call("postgres_client", ["operation": "transaction", "statements": [
            ["sql": "INSERT INTO items (name) VALUES (%s)", "params": ["first"]],
            ["sql": "INSERT INTO items (name) VALUES (NULL)"],
        ]])
        #expect(failed["success"] == false)
        #expect(failed["statement_index"] == 1)
        #expect(try harness.sql("SELECT count(*) AS n FROM items").first?["n"] == 0)
        let done = try harness.succeed("postgres_client", ["operation": "transaction", "statements": [
            ["sql": "INSERT INTO items (name) VALUES (%s)", "params": ["one"]],
            ["sql": "UPDATE items SET score = %(s)s WHERE name = %(n)s", "params": ["s": 3, "n": "one"]],
        ]])
        #expect(done["rows_affected"] == 2)
        #expect(try harness.sql("SELECT name, score FROM items").first?["score"]?.numberValue == 3)
    }

    @Test(arguments: Engine.allCases)
    func readOnlyRefusesWritesEvenThroughQuery(engine: Engine) throws {
        let writable = try harness(engine)
        var settings = writable.database.settings
        settings.readOnly = true
        let readOnly = ToolInvoker(config: HostConfig(toolsPaths: [HandlerHarness.shippedTools], database: settings),
                                   handlers: BuiltinHandlers.registry, hostEnvironment: [:])
        func call(_ input: JSONObject) throws -> JSONValue {
            InvocationAnswer(readOnly.invoke(try readOnly.resolve("postgres_client"), input: input)).value
        }
        #expect(try call(["operation": "execute", "sql": "DELETE FROM items"])["error_code"] == "read_only")
        #expect(try call(["operation": "insert", "table": "items", "data": ["name": "x"]])["error_code"] == "read_only")
        let sneaky = try call(["operation": "query", "sql": "INSERT INTO items (name) VALUES ('x') RETURNING id"])
        #expect(sneaky["success"] == false)
        #expect(try call(["operation": "query", "sql": "SELECT count(*) AS n FROM items"])["data"]?[0]?["n"] == 0)
    }

    @Test(arguments: Engine.allCases)
    func toolConstraintsLimitTimeAndResultSize(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        harness.directory.write("extra/tight_sql.yaml", """
            name: Tight SQL
            type: executable
            handler: postgres_client
            input_schema: {operation: {type: string, required: true}, sql: {type: string}}
            constraints: {max_result_size_mb: 0.01, max_query_time_seconds: 0.3}
            """)
        let big = try harness.call("tight_sql", ["operation": "query", "sql": engine == .postgres
            ? "SELECT repeat('x', 1000) AS v FROM generate_series(1, 100)"
            : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT printf('%.1000c', 'x') AS v FROM c"])
        #expect(big["error_code"] == "result_too_large")
        let slow = try harness.call("tight_sql", ["operation": "query", "sql": engine == .postgres
            ? "SELECT pg_sleep(3)"
            : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"])
        #expect(slow["error_code"] == "query_timeout")
    }

    /// Regression: code-evolver's insert/update/delete leaked a pooled connection each call.
    @Test func connectionsAreReturnedToThePool() throws {
        let harness = try harness(.postgres)
        for index in 0..<30 {
            try harness.succeed("postgres_client", ["operation": "insert", "table": "items", "data": ["name": .string("n\(index)")]])
            try harness.succeed("postgres_client", ["operation": "update", "table": "items", "data": ["score": 1], "where": ["name": .string("n\(index)")]])
        }
        let open = try harness.sql("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        #expect((open.first?["n"]?.integerValue ?? 99) <= 2)
    }
}
