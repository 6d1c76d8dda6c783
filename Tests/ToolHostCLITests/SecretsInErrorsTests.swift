import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// No password in any output: before, a malformed DATABASE_URL came back whole in every
/// command's error (libpq quotes the URI), and a wrong-typed config value was echoed.
@Suite("Secrets in errors")
struct SecretsInErrorsTests {
    let folder = EmptyFolder()
    static let secret = "Sx9-s3cret"

    static let malformedURLs = [
        "postgresql://agent:\(secret)@[::1:5432/agents",
        "postgresql://agent:\(secret)@[fe80::1%eth0/agents",
        "postgresql://agent:\(secret)@db:notaport/agents",
        "postgresql://agent:\(secret)@db:99999/agents",
        "postgresql://agent:\(secret)@%zz/agents",
        "postgres://agent:\(secret)@127.0.0.1:1/agents?sslmode=bogus",
        "postgresql://agent:\(secret)@127.0.0.1:1/agents?connect_timeout=abc",
        "postgresql://127.0.0.1:1/agents?password=\(secret)&port=x",
        "mysql://agent:\(secret)@db/agents",
        "host=127.0.0.1 port=x password=\(secret)",
        "postgresql://agent:\(secret)@127.0.0.1:1/agents?connect_timeout=1",
    ]

    @Test(arguments: malformedURLs)
    func aMalformedDatabaseURLNeverShowsItsPassword(url: String) throws {
        for arguments in [["run", "bulk_data_store"], ["db", "status"]] {
            let result = try folder.run(arguments, input: #"{"operation": "query_logs"}"#, environment: ["DATABASE_URL": url])
            #expect(result.status != 0, "\(arguments) with \(url) → \(result.stdoutText)")
            #expect(!result.stdoutText.contains(Self.secret) && !result.stderr.contains(Self.secret),
                    "\(arguments) with \(url) → \(result.stdoutText) \(result.stderr)")
        }
    }

    @Test func wrongTypedSettingsNameTheKeyNotTheValue() throws {
        try """
            toolhost: 1
            database:
              port: \(Self.secret)
            plugins:
              timeout_seconds: "\(Self.secret)"
            streaming:
              backend: \(Self.secret)
            """.write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
        let result = try folder.run(["list"], environment: ["TOOLHOST_RECORD_INVOCATIONS": Self.secret])
        #expect(result.status != 0)
        #expect(result.stderr.contains("database.port") && result.stderr.contains("TOOLHOST_RECORD_INVOCATIONS"), "\(result.stderr)")
        #expect(!result.stderr.contains(Self.secret) && !result.stdoutText.contains(Self.secret), "\(result.stderr)")
    }

    @Test func recordedCallsPassTheConfiguredDetectors() throws {
        try """
            toolhost: 1
            training:
              redact: [credentials, emails, api_keys, credit_cards]
              redact_patterns: ['EMP-\\d{6}']
            """.write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
        let input = #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "from ann@example.com, card 4111-1111-1111-1111, key sk-abcdefghijklmnopqrstuv, EMP-123456, url postgresql://u:\#(Self.secret)@h/db"}"#
        let stored = try folder.run(["run", "bulk_data_store"], input: input)
        #expect(stored.status == 0, "\(stored.stdoutText) \(stored.stderr)")
        let recorded = try folder.run(["run", "training_data_store"], input: #"{"operation": "query", "data_type": "tool_executions", "filters": {"tool_name": "bulk_data_store"}}"#)
        let message = recorded.json["data"]?[0]?["input_params"]?["message"]?.stringValue ?? ""
        #expect(message == "from [REDACTED:email], card [REDACTED:credit_card], key [REDACTED:api_key], [REDACTED:pattern], url postgresql://u:***@h/db",
                "\(recorded.stdoutText)")
        // The store itself keeps what the caller stored: redaction is for the record of the call.
        let logs = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "query_logs", "filters": {"tool_id": "t"}}"#)
        #expect(logs.json["data"]?[0]?["message"]?.stringValue?.contains("ann@example.com") == true)
    }
}
