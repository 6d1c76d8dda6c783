import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The operator's `policy:` through the real binary: denied and confirm-only calls are refused
/// on every front end with the rule named, recorded in the audit log, and over HTTP a 403.
@Suite("Call policy")
struct CallPolicyTests {
    let folder = EmptyFolder()

    init() throws {
        try """
            toolhost: 1
            audit: {enabled: true, file: audit.jsonl}
            policy:
              default: allow
              tools:
                postgres_client: {operations: {execute: confirm}}
                tools_manager: deny
                bulk_data_store: {default: deny, operations: {query_logs: allow}}
            """.write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
    }

    @Test func theMostSpecificRuleDecidesOnEveryFrontEnd() async throws {
        let denied = try folder.run(["run", "tools_manager"], input: #"{"operation": "list"}"#)
        #expect(denied.json["error_code"] == "denied_by_policy" && denied.json["rule"] == "policy.tools.tools_manager", "\(denied.stdoutText)")
        let confirm = try folder.run(["run", "postgres_client"], input: #"{"operation": "execute", "sql": "CREATE TABLE x (a int)"}"#)
        #expect(confirm.json["error_code"] == "confirmation_required", "\(confirm.stdoutText)")
        let query = try folder.run(["run", "postgres_client"], input: #"{"operation": "query", "sql": "SELECT 1 AS one"}"#)
        #expect(query.json["data"]?[0]?["one"] == 1, "\(query.stdoutText)")
        let store = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "m"}"#)
        #expect(store.json["rule"] == "policy.tools.bulk_data_store", "\(store.stdoutText)")
        let read = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "query_logs"}"#)
        #expect(read.status == 0, "\(read.stdoutText)")

        let served = try folder.run(["serve", "--jsonl"], input: #"{"id": 1, "tool": "tools_manager", "input": {"operation": "list"}}"# + "\n")
        #expect(served.stdoutText.contains("denied_by_policy"), "\(served.stdoutText)")

        let server = try await HTTPServer.start(binary: folder.binary, in: folder.work, environment: folder.environment())
        let http = try await server.send("POST", "/api/tools/tools_manager/invoke", #"{"operation": "list"}"#)
        #expect(http.status == 403 && http.json["error_code"] == "denied_by_policy", "\(http.status) \(http.text)")
        try await server.expectCleanExit()

        // Every refusal is in the audit log, with its code.
        let audit = (try? String(contentsOfFile: FilePath.join(folder.work, "audit.jsonl"), encoding: .utf8)) ?? ""
        let refused = audit.split(separator: "\n").filter { $0.contains("denied_by_policy") || $0.contains("confirmation_required") }
        #expect(refused.count == 5, "\(audit)")
    }

    @Test func aToolsNatureDecidesWhereNoToolRuleDoesOnRunAndHTTP() async throws {
        try """
            toolhost: 1
            tools: {paths: [tools]}
            audit: {enabled: true, file: audit.jsonl}
            policy: {default: allow, destructive: deny, write: confirm}
            """.write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
        // A plugin that says nothing of its nature counts as destructive (MCP's default), one that
        // says `destructiveHint: false` as a write.
        try FileManager.default.createDirectory(atPath: FilePath.join(folder.work, "tools"), withIntermediateDirectories: true)
        try "name: Says\ntype: executable\nexecutable: {command: cat}\n"
            .write(toFile: FilePath.join(folder.work, "tools/says.yaml"), atomically: true, encoding: .utf8)
        try "name: Adds\ntype: executable\nexecutable: {command: cat}\nannotations: {destructiveHint: false}\n"
            .write(toFile: FilePath.join(folder.work, "tools/adds.yaml"), atomically: true, encoding: .utf8)

        let delete = try folder.run(["run", "artifact_store"], input: #"{"operation": "delete_artifact", "artifact_id": "a"}"#)
        #expect(delete.status != 0 && delete.json["error_code"] == "denied_by_policy" && delete.json["rule"] == "policy.destructive",
                "\(delete.stdoutText)")
        let sentence = delete.json["error"]?.stringValue ?? ""
        #expect(sentence == "The call of 'artifact_store' delete_artifact is denied by policy.destructive.")
        let stats = try folder.run(["run", "artifact_store"], input: #"{"operation": "stats"}"#)
        #expect(stats.status == 0, "\(stats.stdoutText)")
        let silent = try folder.run(["run", "says"], input: #"{}"#)
        #expect(silent.json["error_code"] == "denied_by_policy" && silent.json["rule"] == "policy.destructive", "\(silent.stdoutText)")
        let plugin = try folder.run(["run", "adds"], input: #"{}"#)
        #expect(plugin.json["error_code"] == "confirmation_required" && plugin.json["rule"] == "policy.write", "\(plugin.stdoutText)")

        let server = try await HTTPServer.start(binary: folder.binary, in: folder.work, environment: folder.environment())
        let http = try await server.send("POST", "/api/tools/postgres_client/invoke", #"{"operation": "query", "sql": "DELETE FROM x"}"#)
        #expect(http.status == 403 && http.json["error_code"] == "denied_by_policy" && http.json["rule"] == "policy.destructive",
                "\(http.status) \(http.text)")
        try await server.expectCleanExit()

        // The audit log and the recorded execution say which rule refused.
        let audit = (try? String(contentsOfFile: FilePath.join(folder.work, "audit.jsonl"), encoding: .utf8)) ?? ""
        let refusal = audit.split(separator: "\n").first { $0.contains("delete_artifact") }.map { String($0) } ?? ""
        #expect(refusal.contains(#""policy":{"decision":"deny","rule":"policy.destructive","nature":"destructive"}"#), "\(audit)")
        let recorded = try folder.run(["run", "training_data_store"],
                                      input: #"{"operation": "query", "data_type": "tool_executions", "filters": {"tool_name": "adds"}}"#)
        let metadata = recorded.json["data"]?[0]?["metadata"]?["policy"]
        #expect(metadata == ["decision": "confirm", "rule": "policy.write", "nature": "write", "confirmed": false], "\(recorded.stdoutText)")
    }

    @Test func aWrongPolicyIsAConfigError() throws {
        try "toolhost: 1\npolicy:\n  tools:\n    x: maybe\n".write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
        let result = try folder.run(["list"])
        #expect(result.status != 0 && result.stderr.contains("policy.tools.x must be allow, deny or confirm"), "\(result.stderr)")
    }
}
