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

    @Test func aWrongPolicyIsAConfigError() throws {
        try "toolhost: 1\npolicy:\n  tools:\n    x: maybe\n".write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
        let result = try folder.run(["list"])
        #expect(result.status != 0 && result.stderr.contains("policy.tools.x must be allow, deny or confirm"), "\(result.stderr)")
    }
}
