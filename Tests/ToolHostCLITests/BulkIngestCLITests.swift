import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// A large `store_logs` through the real binary, as an agent sends it (nulls for fields it
/// leaves out; on SQLite a NUL in a message, which PostgreSQL refuses, `NULCharacterTests`):
/// stored whole, its B-tree indexes left for the first read
/// (SQLite), which builds them, says so once on stderr, and answers as it would have anyway.
@Suite("Bulk ingest through the real binary")
struct BulkIngestCLITests {
    let fixture = CLIFixture()

    private func run(_ arguments: [String], _ input: String, on database: TestDatabase) throws -> ToolHostBinary.Result {
        try fixture.run(arguments + ["--tools-dir", ToolHostPaths.shippedTools], input: input, environment: database.environment)
    }

    @Test(arguments: Engine.allCases)
    func aLargeBatchIsStoredWholeAndTheFirstReadBuildsWhatItLeft(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let nul = engine == .sqlite ? "\\u0000nul" : " nul"
        let logs = (0..<12_000).map { index in
            #"{"tool_id": "t\#(index % 5)", "log_level": "info", "message": "entry \#(index)\#(index == 7 ? nul : "")", "details": null, "created_at": null}"#
        }
        let stored = try run(["run", "bulk_data_store"], #"{"operation": "store_logs", "logs": ["# + logs.joined(separator: ",") + "], \"search\": null}", on: database)
        #expect(stored.status == 0, "\(stored.stdoutText) \(stored.stderr)")
        #expect(stored.json["count"] == 12_000)
        let query = #"{"operation": "query_logs", "filters": {"tool_id": "t2"}, "limit": 2, "offset": null}"#
        let first = try run(["run", "bulk_data_store"], query, on: database)
        #expect(first.status == 0, "\(first.stdoutText)")
        let messages = first.json["data"]?.arrayValue?.compactMap { $0["message"]?.stringValue }
        #expect(messages == ["entry 11997", "entry 11992"])
        let said = first.stderr.contains("built the indexes a bulk load set aside: idx_tool_logs_created_at on tool_logs, idx_tool_logs_tool_level on tool_logs")
        #expect(said == (engine == .sqlite), "\(first.stderr)")
        let second = try run(["run", "bulk_data_store"], query, on: database)
        #expect(second.json["data"] == first.json["data"])
        #expect(!second.stderr.contains("built the indexes"), "\(second.stderr)")
        let found = try run(["run", "bulk_data_store"], #"{"operation": "query_logs", "filters": {"tool_id": "t2"}, "search": "nul"}"#, on: database)
        #expect(found.json["data"]?.arrayValue?.first?["message"] == .string(engine == .sqlite ? "entry 7\u{0}nul" : "entry 7 nul"))
    }
}
