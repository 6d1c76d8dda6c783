import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Mistakes in a call are reported as the caller's, the same way on both engines: before, `$1`
/// without params on PostgreSQL read as `database_unavailable`, `?` with values was a syntax
/// error there, and a 10,000-character `task_type` was stored by SQLite but refused by PostgreSQL.
@Suite("Caller mistakes on both engines")
struct CallerMistakeTests {
    let fixture = CLIFixture()

    @Test(arguments: Engine.allCases)
    func numberedPlaceholdersNeedTheirValues(engine: Engine) throws {
        let database = try TestDatabase(engine)
        for input in [#"{"operation": "query", "sql": "SELECT $1 AS x"}"#, #"{"operation": "query", "sql": "SELECT $2 AS x", "params": [1]}"#] {
            let result = try fixture.run("postgres_client", input, on: database)
            let code = result.json["error_code"]?.stringValue
            #expect(code == (engine == .postgres ? "invalid_input" : "database_error"), "\(input) → \(result.stdoutText)")
        }
        let fine = try fixture.run("postgres_client", #"{"operation": "query", "sql": "SELECT $1 AS x", "params": [7]}"#, on: database)
        #expect(fine.json["data"]?[0]?["x"] == 7, "\(fine.stdoutText)")
    }

    @Test(arguments: Engine.allCases)
    func questionMarksAreSQLitesPlaceholdersAndPostgresJSONOperator(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let result = try fixture.run("postgres_client", #"{"operation": "query", "sql": "SELECT ? AS x", "params": [7]}"#, on: database)
        switch engine {
        case .sqlite:
            #expect(result.json["data"]?[0]?["x"] == 7, "\(result.stdoutText)")
        case .postgres:
            let sentence = result.json["error"]?.stringValue ?? ""
            #expect(result.json["error_code"] == "invalid_input" && sentence.contains("$1"), "\(result.stdoutText)")
            let operatorUse = try fixture.run("postgres_client", #"{"operation": "query", "sql": "SELECT '{\"a\": 1}'::jsonb ? 'a' AS x"}"#, on: database)
            #expect(operatorUse.json["data"]?[0]?["x"] == true, "\(operatorUse.stdoutText)")
        }
    }

    /// Each operation takes its own fields: a wrong name is refused before any work, naming the
    /// operation, its fields and the closest one; a missing one names the operation that needs it.
    @Test func aFieldTheOperationDoesNotTakeIsRefusedWithItsFields() throws {
        let database = try TestDatabase(.sqlite)
        let typo = try fixture.run("bulk_data_store", #"{"operation": "query_logs", "limt": 5}"#, on: database)
        #expect(typo.status == 2)
        let message = typo.json["error"]?.stringValue ?? ""
        #expect(message.contains("/limt is not a field of operation 'query_logs'; did you mean 'limit'?"), "\(typo.stdoutText)")
        #expect(message.contains("its fields: filters, since, until, search, limit, offset"), "\(typo.stdoutText)")
        let missing = try fixture.run("bulk_data_store", #"{"operation": "resolve_bug", "resolution": "fixed", "limit": null}"#, on: database)
        #expect(missing.json["violations"] == [["path": "/bug_id", "message": "is required by operation 'resolve_bug'"]], "\(missing.stdoutText)")
        let described = try fixture.run(["describe", "bulk_data_store", "--format", "mcp"])
        let schema = described.json["inputSchema"]
        #expect(schema?["oneOf"] == nil && schema?["if"] != nil, "\(described.stdoutText)")
    }

    @Test(arguments: Engine.allCases)
    func textLongerThanItsColumnIsRefusedOnBothEngines(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let long = String(repeating: "x", count: 10_000)
        let task = try fixture.run("training_data_store", "{\"operation\": \"store_agent_task\", \"task_id\": \"t1\", \"task_type\": \"\(long)\", \"status\": \"running\"}", on: database)
        #expect(task.json["error_code"] == "invalid_input", "\(task.stdoutText.prefix(300))")
        #expect(task.json["violations"]?[0]?["path"] == "/task_type")
        let batch = try fixture.run("bulk_data_store", "{\"operation\": \"store_logs\", \"logs\": [{\"tool_id\": \"t\", \"log_level\": \"info\", \"message\": \"ok\"}, {\"tool_id\": \"\(long)\", \"log_level\": \"info\", \"message\": \"m\"}]}", on: database)
        #expect(batch.json["violations"]?[0]?["path"] == "/logs/1/tool_id", "\(batch.stdoutText.prefix(300))")
        // Stores that check in their schema (maxLength) rather than through a record spec.
        let longID = String(repeating: "c", count: 300)
        for (tool, input) in [("prompt_evolution_store", "{\"operation\": \"save_profile\", \"corpus_id\": \"\(longID)\", \"task_type\": \"t\", \"profile\": {}}"),
                              ("artifact_store", "{\"operation\": \"store_artifact\", \"artifact_type\": \"tool\", \"name\": \"n\", \"content\": \"c\", \"artifact_id\": \"\(longID)\"}"),
                              ("conversation_store", "{\"operation\": \"start_conversation\", \"session_id\": \"\(longID)\"}")] {
            let refused = try fixture.run(tool, input, on: database)
            #expect(refused.json["error_code"] == "invalid_input", "\(tool): \(refused.stdoutText.prefix(300))")
        }
        // Exactly at the limit, in characters not bytes: stored.
        let fits = String(repeating: "é", count: 100)
        let stored = try fixture.run("training_data_store", "{\"operation\": \"store_agent_task\", \"task_id\": \"t2\", \"task_type\": \"\(fits)\", \"status\": \"running\"}", on: database)
        #expect(stored.status == 0, "\(stored.stdoutText)")
    }
}
