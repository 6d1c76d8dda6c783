import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// A NUL character (U+0000) in a value or in SQL: C interfaces stop reading at it, so before
/// the fix `"victim\u0000-x"` deleted the artifact `victim` and values lost what followed it.
/// On SQLite values are now stored and compared byte for byte; on PostgreSQL, whose text cannot
/// hold U+0000, they are refused; SQL with a NUL is refused on both.
@Suite("NUL characters in inputs")
struct NULCharacterTests {
    let fixture = CLIFixture()

    @Test(arguments: Engine.allCases)
    func aNULNeverSelectsTheRowNamedByItsPrefix(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let stored = try fixture.run("artifact_store", #"{"operation": "store_artifact", "artifact_type": "tool", "name": "victim", "content": "x", "artifact_id": "victim"}"#, on: database)
        #expect(stored.status == 0, "\(stored.stdoutText)")
        let deleted = try fixture.run("artifact_store", #"{"operation": "delete_artifact", "artifact_id": "victim\u0000-of-someone-else"}"#, on: database)
        #expect(deleted.status != 0)
        let code = deleted.json["error_code"]?.stringValue
        #expect(code == (engine == .sqlite ? "not_found" : "invalid_input"), "\(deleted.stdoutText)")
        let kept = try fixture.run("artifact_store", #"{"operation": "get_artifact", "artifact_id": "victim"}"#, on: database)
        #expect(kept.json["artifact"]?["name"] == "victim", "\(kept.stdoutText)")

        _ = try fixture.run("postgres_client", #"{"operation": "create_table", "table": "owners", "columns": {"name": "text", "balance": "integer"}}"#, on: database)
        _ = try fixture.run("postgres_client", #"{"operation": "insert", "table": "owners", "data": {"name": "alice", "balance": 10}}"#, on: database)
        let updated = try fixture.run("postgres_client", #"{"operation": "update", "table": "owners", "data": {"balance": 0}, "where": {"name": "alice\u0000bob"}}"#, on: database)
        let balance = try fixture.run("postgres_client", #"{"operation": "query", "sql": "SELECT balance FROM owners WHERE name = 'alice'"}"#, on: database)
        #expect(balance.json["data"]?[0]?["balance"] == 10, "update answered \(updated.stdoutText)")
    }

    @Test(arguments: Engine.allCases)
    func aValueWithANULIsStoredWholeOrRefused(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let stored = try fixture.run("bulk_data_store", #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "before\u0000after"}"#, on: database)
        let batch = try fixture.run("bulk_data_store", #"{"operation": "store_logs", "logs": [{"tool_id": "t", "log_level": "info", "message": "fine"}, {"tool_id": "t", "log_level": "info", "message": "a\u0000b"}]}"#, on: database)
        let logs = try fixture.run("bulk_data_store", #"{"operation": "query_logs", "filters": {"tool_id": "t"}}"#, on: database)
        let messages = logs.json["data"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
        switch engine {
        case .sqlite:
            #expect(stored.status == 0 && batch.status == 0, "\(stored.stdoutText) \(batch.stdoutText)")
            #expect(Set(messages) == ["before\u{0}after", "fine", "a\u{0}b"], "\(logs.stdoutText)")
        case .postgres:
            #expect(stored.json["error_code"] == "invalid_input", "\(stored.stdoutText)")
            let sentence = batch.json["error"]?.stringValue ?? ""
            #expect(batch.json["error_code"] == "invalid_input" && sentence.contains("row 2"), "\(batch.stdoutText)")
            #expect(messages.isEmpty, "a refused batch stores nothing: \(logs.stdoutText)")
        }
    }

    @Test(arguments: Engine.allCases)
    func sqlWithANULIsRefusedNotCut(engine: Engine) throws {
        let database = try TestDatabase(engine)
        _ = try fixture.run("postgres_client", #"{"operation": "create_table", "table": "kept", "columns": {"v": "text"}}"#, on: database)
        let refused = try fixture.run("postgres_client", #"{"operation": "execute", "sql": "DROP TABLE kept\u0000 -- only a comment follows"}"#, on: database)
        #expect(refused.json["error_code"] == "invalid_input", "\(refused.stdoutText)")
        let script = try fixture.run("postgres_client", #"{"operation": "execute", "sql": "SELECT 1; DROP TABLE kept;\u0000"}"#, on: database)
        #expect(script.json["error_code"] == "invalid_input", "\(script.stdoutText)")
        let still = try fixture.run("postgres_client", #"{"operation": "query", "sql": "SELECT count(*) AS n FROM kept"}"#, on: database)
        #expect(still.status == 0, "the table must survive: \(still.stdoutText)")
    }

    @Test(arguments: Engine.allCases)
    func aCallWithANULIsStillRecorded(engine: Engine) throws {
        let database = try TestDatabase(engine)
        _ = try fixture.run("bulk_data_store", #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "m", "details": {"k": "x\u0000y"}}"#, on: database)
        let recorded = try fixture.run("training_data_store", #"{"operation": "query", "data_type": "tool_executions", "filters": {"tool_name": "bulk_data_store"}}"#, on: database)
        let input = recorded.json["data"]?[0]?["input_params"]
        #expect(input?["details"]?["k"] == "x\u{FFFD}y", "\(recorded.stdoutText)")
        #expect(!recorded.stderr.contains("not recorded"), "\(recorded.stderr)")
    }
}
