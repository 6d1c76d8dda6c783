import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The audit log through the real binary: every call and refusal of `run` and `serve --jsonl`
/// appended, hash-chained, and `toolhost audit verify` finds an edit, a deletion or a reordering.
@Suite("Audit log")
struct AuditLogTests {
    let folder = EmptyFolder()
    var log: String { FilePath.join(folder.work, "audit.jsonl") }

    init() throws {
        try "toolhost: 1\naudit:\n  enabled: true\n  file: audit.jsonl\n".write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
    }

    private func entries() -> [JSONObject] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { (try? JSONParser.parse(String($0)))?.objectValue }
    }

    @Test func callsAndRefusalsAreChainedAndVerified() throws {
        _ = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "store_log", "tool_id": "t", "log_level": "info", "message": "m"}"#)
        _ = try folder.run(["run", "bulk_data_store"], input: #"{"operation": "store_log"}"#)  // refused: invalid input
        _ = try folder.run(["serve", "--jsonl"], input: #"{"id": 1, "tool": "bulk_data_store", "input": {"operation": "query_logs"}}"# + "\n")
        let written = entries()
        #expect(written.count == 3, "\(written)")
        #expect(written.map { $0["seq"] } == [1, 2, 3])
        #expect(written.map { $0["outcome"] } == ["ok", "error", "ok"], "\(written)")
        #expect(written[1]["error_code"] == "invalid_input" && written[1]["operation"] == "store_log")
        #expect(written[0]["input"] == nil, "inputs only with audit.record_io")
        let verified = try folder.run(["audit", "verify", "--json"])
        #expect(verified.status == 0 && verified.json["entries"] == 3, "\(verified.stdoutText) \(verified.stderr)")
    }

    @Test(arguments: ["edit", "delete", "swap"])
    func tamperingBreaksTheChain(how: String) throws {
        for n in 0..<3 {
            _ = try folder.run(["run", "bulk_data_store"], input: "{\"operation\": \"store_log\", \"tool_id\": \"t\", \"log_level\": \"info\", \"message\": \"m\(n)\"}")
        }
        var lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        switch how {
        case "edit": lines[1] = lines[1].replacingOccurrences(of: "\"outcome\":\"ok\"", with: "\"outcome\":\"error\"")
        case "delete": lines.remove(at: 1)
        default: lines.swapAt(0, 1)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let verified = try folder.run(["audit", "verify", "--json"])
        #expect(verified.status == 1, "\(how): \(verified.stdoutText)")
        #expect(verified.json["error_code"] == "audit_chain_broken")
        let line = verified.json["line"]?.integerValue
        #expect(line == (how == "swap" ? 1 : 2), "\(how): \(verified.stdoutText)")
    }

    @Test func concurrentWritersKeepOneChain() throws {
        let group = DispatchGroup()
        for writer in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                for n in 0..<5 {
                    _ = try? folder.run(["run", "bulk_data_store"], input: "{\"operation\": \"store_log\", \"tool_id\": \"w\(writer)\", \"log_level\": \"info\", \"message\": \"m\(n)\"}")
                }
            }.start()
        }
        group.wait()
        #expect(entries().count == 20)
        let verified = try folder.run(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
    }
}
