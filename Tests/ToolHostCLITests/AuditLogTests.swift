import Foundation
import Testing
import ToolHostStorage
import ToolHostTestSupport
@testable import ToolHostCore

/// The audit log through the real binary, on both engines: every call and refusal of `run` and
/// `serve --jsonl` appended to the `toolhost_audit_log` table and the JSONL file, each
/// hash-chained, and `toolhost audit verify` finds an edit, a deletion or a reordering in either.
@Suite("Audit log")
struct AuditLogTests {
    let folder = EmptyFolder()
    var log: String { FilePath.join(folder.work, "audit.jsonl") }

    init() throws {
        try "toolhost: 1\naudit:\n  enabled: true\n  file: audit.jsonl\n".write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
    }

    private func fileEntries() -> [JSONObject] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { (try? JSONParser.parse(String($0)))?.objectValue }
    }

    private func tableRows(_ database: TestDatabase) throws -> [JSONObject] {
        try database.connect().run("SELECT seq, caller, tool, operation, outcome, error_code, entry FROM toolhost_audit_log ORDER BY seq").rows
    }

    private func storeLog(_ message: String, on database: TestDatabase, agent: String? = nil) throws {
        let environment = database.environment.merging(agent.map { ["TOOLHOST_AGENT_ID": $0] } ?? [:]) { $1 }
        let result = try folder.run(["run", "bulk_data_store"], input: "{\"operation\": \"store_log\", \"tool_id\": \"t\", \"log_level\": \"info\", \"message\": \"\(message)\"}",
                                    environment: environment)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
    }

    @Test(arguments: Engine.allCases)
    func callsAndRefusalsAreChainedInTheTableAndTheFile(engine: Engine) throws {
        let database = try TestDatabase(engine)
        try storeLog("m", on: database, agent: "agent-7")
        _ = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "store_log"}"#, environment: database.environment)  // refused
        _ = try folder.run(["serve", "--jsonl"], input: #"{"id": 1, "tool": "bulk_data_store", "input": {"operation": "query_logs"}}"# + "\n",
                           environment: database.environment)
        let rows = try tableRows(database)
        #expect(rows.map { $0["seq"] } == [1, 2, 3], "\(rows)")
        #expect(rows.map { $0["outcome"] } == ["ok", "error", "ok"], "\(rows)")
        #expect(rows[0]["caller"] == "agent-7" && rows[0]["tool"] == "bulk_data_store")
        #expect(rows[1]["error_code"] == "invalid_input" && rows[1]["operation"] == "store_log")
        let firstEntry = rows[0]["entry"]?.stringValue.flatMap { try? JSONParser.parse($0) }
        #expect(firstEntry?["prev"] == .string(AuditChain.genesis) && firstEntry?["input"] == nil, "inputs only with audit.record_io")
        let written = fileEntries()
        #expect(written.map { $0["outcome"] } == ["ok", "error", "ok"], "the file keeps its own copy: \(written)")
        let verified = try folder.run(["audit", "verify", "--json"], environment: database.environment)
        let checked = verified.json["checked"]?.arrayValue ?? []
        #expect(verified.status == 0 && checked.map { $0["store"] } == ["table", "file"], "\(verified.stdoutText) \(verified.stderr)")
        #expect(checked.map { $0["entries"] } == [3, 3], "\(verified.stdoutText)")
    }

    @Test(arguments: ["edit", "delete", "swap"])
    func tamperingWithTheFileBreaksItsChain(how: String) throws {
        let database = try TestDatabase(.sqlite)
        for n in 0..<3 { try storeLog("m\(n)", on: database) }
        var lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        switch how {
        case "edit": lines[1] = lines[1].replacingOccurrences(of: "\"outcome\":\"ok\"", with: "\"outcome\":\"error\"")
        case "delete": lines.remove(at: 1)
        default: lines.swapAt(0, 1)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let verified = try folder.run(["audit", "verify", "--json", "--file", "audit.jsonl"])
        #expect(verified.status == 1, "\(how): \(verified.stdoutText)")
        #expect(verified.json["error_code"] == "audit_chain_broken")
        let line = verified.json["checked"]?[0]?["broken_at"]?.integerValue
        #expect(line == (how == "swap" ? 1 : 2), "\(how): \(verified.stdoutText)")
    }

    /// An edit of the hashed entry, of a queried column beside it, a deleted row and a row
    /// renumbered into another's place: each is found at the row it touched.
    @Test(arguments: Engine.allCases, ["entry", "column", "delete", "renumber"])
    func tamperingWithTheTableBreaksItsChain(engine: Engine, how: String) throws {
        let database = try TestDatabase(engine)
        for n in 0..<3 { try storeLog("m\(n)", on: database) }
        let connection = try database.connect()
        switch how {
        case "entry": _ = try connection.run("UPDATE toolhost_audit_log SET entry = replace(entry, '\"outcome\":\"ok\"', '\"outcome\":\"error\"') WHERE seq = 2")
        case "column": _ = try connection.run("UPDATE toolhost_audit_log SET tool = 'other_tool' WHERE seq = 2")
        case "delete": _ = try connection.run("DELETE FROM toolhost_audit_log WHERE seq = 2")
        default: _ = try connection.run("UPDATE toolhost_audit_log SET seq = 4 WHERE seq = 3")
        }
        let verified = try folder.run(["audit", "verify", "--json"], environment: database.environment)
        #expect(verified.status == 1, "\(how): \(verified.stdoutText) \(verified.stderr)")
        #expect(verified.json["error_code"] == "audit_chain_broken")
        let table = verified.json["checked"]?[0]
        let expected = ["delete": 3, "renumber": 4][how] ?? 2
        #expect(table?["store"] == "table" && table?["broken_at"] == .int(expected), "\(how): \(verified.stdoutText)")
        #expect(verified.json["checked"]?[1]?["error"] == nil, "the file still holds: \(verified.stdoutText)")
    }

    @Test(arguments: Engine.allCases)
    func concurrentWritersKeepOneChain(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let group = DispatchGroup()
        for writer in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                for n in 0..<5 { try? storeLog("w\(writer)-m\(n)", on: database) }
            }.start()
        }
        group.wait()
        let rows = try tableRows(database)
        #expect(rows.count == 20 && fileEntries().count == 20)
        let verified = try folder.run(["audit", "verify", "--json"], environment: database.environment)
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
    }

    @Test func anAuditWithNowhereToWriteIsAConfigError() throws {
        try "toolhost: 1\naudit:\n  enabled: true\n  table: false\n".write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
        let result = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "query_logs"}"#)
        #expect(result.status != 0 && result.json["error_code"] == "invalid_config", "\(result.stdoutText)")
        #expect(result.stdoutText.contains("audit.enabled needs somewhere to write"), "\(result.stdoutText)")
    }
}
