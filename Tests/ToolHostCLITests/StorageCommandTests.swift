import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

@Suite("Storage through the real binary")
struct StorageCommandTests {
    let fixture = CLIFixture()

    private func run(_ arguments: [String], _ input: String? = nil, database: TestDatabase? = nil) throws -> ToolHostBinary.Result {
        try fixture.run(arguments + ["--tools-dir", ToolHostPaths.shippedTools], input: input, environment: database?.environment ?? [:])
    }

    @Test func theEmbeddedDefaultIsAnSQLiteFileBesideTheConfig() throws {
        let stored = try run(["run", "bulk_data_store"], #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "hello"}"#)
        #expect(stored.status == 0, "\(stored.stdoutText) \(stored.stderr)")
        #expect(fixture.directory.exists("data/toolhost.db"))
        let queried = try run(["run", "bulk_data_store"], #"{"operation": "query_logs", "filters": {"tool_id": "t"}}"#)
        #expect(queried.json["data"]?[0]?["message"] == "hello")
    }

    @Test(arguments: Engine.allCases)
    func dbStatusAndMigrateReportTheSchema(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let before = try run(["db", "status", "--json"], database: database)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.json["engine"] == .string(engine.rawValue))
        #expect(before.json["migrations"]?.arrayValue?.allSatisfy { $0["applied_at"] == .null } == true)
        let migrate = try run(["db", "migrate"], database: database)
        #expect(migrate.stdoutText.contains("applied 1"))
        #expect(try run(["db", "migrate"], database: database).stdoutText.contains("up to date"))
        let after = try run(["db", "status", "--json"], database: database)
        #expect(after.json["migrations"]?.arrayValue?.allSatisfy { $0["applied_at"]?.stringValue != nil } == true)
    }

    @Test(arguments: Engine.allCases)
    func postgresClientAnswersThroughTheBinary(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let created = try run(["run", "postgres_client"], #"{"operation": "create_table", "table": "notes", "columns": {"body": "text"}}"#, database: database)
        #expect(created.status == 0, "\(created.stdoutText)")
        _ = try run(["run", "postgres_client"], #"{"operation": "insert", "table": "notes", "data": {"body": "remember"}}"#, database: database)
        let rows = try run(["run", "postgres_client"], #"{"operation": "query", "sql": "SELECT body FROM notes"}"#, database: database)
        #expect(rows.json == ["success": true, "data": [["body": "remember"]], "rows_affected": 1])
        let bad = try run(["run", "postgres_client"], #"{"operation": "query", "sql": "SELEC nonsense"}"#, database: database)
        #expect(bad.status == 1)
        #expect(bad.json["error_code"] == "sql_rejected")  // the caller's SQL, not the server: HTTP 400
    }

    /// The caller's SQL refused for what it says (a constraint, a missing table, in a
    /// transaction too) is `sql_rejected`, with the engine's reason; the database's own
    /// failures stay `database_error`.
    @Test(arguments: Engine.allCases)
    func rejectedSQLIsTheCallersMistake(engine: Engine) throws {
        let database = try TestDatabase(engine)
        _ = try run(["run", "postgres_client"], #"{"operation": "execute", "sql": "CREATE TABLE uniq (k text PRIMARY KEY)"}"#, database: database)
        let first = try run(["run", "postgres_client"], #"{"operation": "execute", "sql": "INSERT INTO uniq VALUES ('a')"}"#, database: database)
        #expect(first.status == 0, "\(first.stdoutText)")
        let again = try run(["run", "postgres_client"], #"{"operation": "execute", "sql": "INSERT INTO uniq VALUES ('a')"}"#, database: database)
        #expect(again.json["error_code"] == "sql_rejected", "\(again.stdoutText)")
        if engine == .postgres { #expect(again.json["sqlstate"] == "23505" || again.json["details"]?["sqlstate"] == "23505", "\(again.stdoutText)") }
        let transaction = try run(["run", "postgres_client"],
                                  #"{"operation": "transaction", "statements": [{"sql": "INSERT INTO uniq VALUES ('b')"}, {"sql": "SELECT * FROM missing_table"}]}"#,
                                  database: database)
        #expect(transaction.json["error_code"] == "sql_rejected", "\(transaction.stdoutText)")
        #expect(transaction.json["statement_index"] == 1 || transaction.json["details"]?["statement_index"] == 1, "\(transaction.stdoutText)")
    }

    @Test func anUnreachableDatabaseIsOneClearSentenceWithoutThePassword() throws {
        let result = try fixture.run(["run", "bulk_data_store", "--tools-dir", ToolHostPaths.shippedTools],
                                     input: #"{"operation": "query_logs"}"#,
                                     environment: ["DATABASE_URL": "postgresql://agent:s3cret-pw@127.0.0.1:1/agents?connect_timeout=2"])
        #expect(result.status == 1)
        #expect(result.json["error_code"] == "database_unavailable")
        let message = result.json["error"]?.stringValue ?? ""
        #expect(message.contains("127.0.0.1:1") && message.contains("agents"))
        #expect(!result.stdoutText.contains("s3cret") && !result.stderr.contains("s3cret"))
    }

    @Test func registeredToolsSurviveLosingTheirFiles() throws {
        fixture.directory.write("new/greet.yaml", """
            name: Greet
            type: executable
            executable: {command: python3, args: ["{tool_dir}/greet.py"]}
            input_schema: {who: {type: string, required: true}}
            """)
        fixture.directory.write("new/greet.py", "import json, sys\nprint(json.dumps({'hello': json.load(sys.stdin)['who']}))\n")
        let registered = try run(["register", "new/greet.yaml", "--code", "new/greet.py"])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(registered.json["persisted"] == true)
        #expect(try run(["run", "greet"], #"{"who": "ada"}"#).json == ["hello": "ada"])
        try FileManager.default.removeItem(atPath: fixture.directory.url("tools/generated/greet"))
        #expect(try run(["run", "greet"], #"{"who": "ada"}"#).status == 127)
        let restored = try run(["db", "restore-tools"])
        #expect(restored.stdoutText.contains("restored greet"))
        #expect(try run(["run", "greet"], #"{"who": "bob"}"#).json == ["hello": "bob"])
    }
}
