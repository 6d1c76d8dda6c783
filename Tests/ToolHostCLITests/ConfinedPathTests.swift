import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Paths in tool inputs stay inside the folders tool inputs may write to (`files.export_dir`,
/// `files.writable_dirs`, `training.archive_dir`). Before, an export's `output_path` of
/// `../config.yaml` replaced the host's own config, and `/tmp/x` wrote wherever the server's
/// user could.
@Suite("Paths in tool inputs")
struct ConfinedPathTests {
    let folder = EmptyFolder()

    private func call(_ tool: String, _ input: String) throws -> ToolHostBinary.Result {
        try folder.run(["run", tool], input: input)
    }

    private var exports: String { FilePath.join(folder.dataDirectory, "exports") }

    @Test func exportsLandInTheExportFolderAndNeverOutsideIt() throws {
        _ = try call("training_data_store", #"{"operation": "store_agent_event", "agent_id": "a", "event_type": "e"}"#)
        let named = try call("training_data_store", #"{"operation": "export_for_training", "data_type": "events", "output_path": "events.jsonl"}"#)
        #expect(named.json["path"]?.stringValue == FilePath.join(exports, "events.jsonl"), "\(named.stdoutText)")
        let nested = try call("training_data_store", #"{"operation": "export_to_csv", "data_type": "events", "output_path": "2026/12/events.csv"}"#)
        #expect(nested.status == 0 && FileManager.default.fileExists(atPath: FilePath.join(exports, "2026/12/events.csv")), "\(nested.stdoutText)")

        let outside = folder.root.url("outside")
        let victim = folder.root.url("victim.yaml")
        try "keep: me\n".write(toFile: victim, atomically: true, encoding: .utf8)
        let attempts: [(tool: String, input: String)] = [
            ("training_data_store", #"{"operation": "export_for_training", "data_type": "events", "output_path": "../../../../victim.yaml"}"#),
            ("training_data_store", #"{"operation": "export_for_training", "data_type": "events", "output_path": "ok/../../x.jsonl"}"#),
            ("training_data_store", "{\"operation\": \"export_to_csv\", \"data_type\": \"events\", \"output_path\": \"\(victim)\"}"),
            ("training_data_store", "{\"operation\": \"export_for_training\", \"data_type\": \"events\", \"output_path\": \"\(outside)/x.jsonl\"}"),
            ("conversation_store", "{\"operation\": \"export_conversations\", \"output_path\": \"\(outside)/c.jsonl\"}"),
            ("conversation_store", #"{"operation": "export_conversations", "output_path": "../c.jsonl"}"#),
            ("training_data_store", "{\"operation\": \"apply_retention\", \"retention_days\": 1, \"archive_dir\": \"\(outside)\"}"),
        ]
        for attempt in attempts {
            let refused = try call(attempt.tool, attempt.input)
            let code = refused.json["error_code"]?.stringValue
            #expect(code == "path_not_allowed", "\(attempt.input) → \(refused.stdoutText)")
        }
        #expect((try? String(contentsOfFile: victim, encoding: .utf8)) == "keep: me\n")
        #expect(!FileManager.default.fileExists(atPath: outside))
    }

    @Test func aSymbolicLinkInsideTheExportFolderCannotLeadOut() throws {
        _ = try call("training_data_store", #"{"operation": "store_agent_event", "agent_id": "a", "event_type": "e"}"#)
        let outside = folder.root.url("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: exports, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: FilePath.join(exports, "link"), withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: FilePath.join(exports, "file.jsonl"), withDestinationPath: FilePath.join(outside, "target.jsonl"))
        for path in ["link/x.jsonl", "link", "file.jsonl"] {
            let refused = try call("training_data_store", "{\"operation\": \"export_for_training\", \"data_type\": \"events\", \"output_path\": \"\(path)\"}")
            let code = refused.json["error_code"]?.stringValue
            #expect(code == "path_not_allowed", "\(path) → \(refused.stdoutText)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: outside)
        #expect(left.isEmpty)
    }

    @Test func configuredFoldersWidenWhereInputsMayWrite() throws {
        let shared = folder.root.url("shared")
        try "files:\n  export_dir: out\n  writable_dirs: [\(shared)]\ntoolhost: 1\n".write(toFile: FilePath.join(folder.work, "toolhost.yaml"), atomically: true, encoding: .utf8)
        _ = try call("training_data_store", #"{"operation": "store_agent_event", "agent_id": "a", "event_type": "e"}"#)
        let relative = try call("training_data_store", #"{"operation": "export_for_training", "data_type": "events", "output_path": "e.jsonl"}"#)
        #expect(relative.json["path"]?.stringValue == FilePath.join(folder.work, "out/e.jsonl"), "\(relative.stdoutText)")
        let absolute = try call("training_data_store", "{\"operation\": \"export_for_training\", \"data_type\": \"events\", \"output_path\": \"\(shared)/e.jsonl\"}")
        #expect(absolute.status == 0 && FileManager.default.fileExists(atPath: FilePath.join(shared, "e.jsonl")), "\(absolute.stdoutText)")
    }

    @Test func theCommandLinesOwnOutputStaysFree() throws {
        _ = try call("training_data_store", #"{"operation": "store_agent_event", "agent_id": "a", "event_type": "e"}"#)
        let target = folder.root.url("anywhere/e.jsonl")
        try FileManager.default.createDirectory(atPath: folder.root.url("anywhere"), withIntermediateDirectories: true)
        let exported = try folder.run(["export", "events", "--out", target])
        #expect(exported.status == 0 && FileManager.default.fileExists(atPath: target), "\(exported.stderr)")
    }

    @Test func partialFilesOfKilledExportsAreRemovedAtTheNextExport() throws {
        _ = try call("training_data_store", #"{"operation": "store_agent_event", "agent_id": "a", "event_type": "e"}"#)
        try FileManager.default.createDirectory(atPath: exports, withIntermediateDirectories: true)
        // A pid that is certainly gone: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let stale = FilePath.join(exports, "events.jsonl.partial-\(child.processIdentifier)")
        let live = FilePath.join(exports, "other.jsonl.partial-\(getpid())")
        let unrelated = FilePath.join(exports, "notes.partial-draft")
        for file in [stale, live, unrelated] { try "x".write(toFile: file, atomically: false, encoding: .utf8) }
        let exported = try call("training_data_store", #"{"operation": "export_for_training", "data_type": "events", "output_path": "events.jsonl"}"#)
        #expect(exported.status == 0, "\(exported.stdoutText)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: unrelated))
    }

    @Test func overHTTPARefusedPathIsForbidden() async throws {
        let server = try await HTTPServer.start(binary: folder.binary, in: folder.work, environment: folder.environment())
        let answer = try await server.send("POST", "/api/tools/training_data_store/invoke",
                                           #"{"operation": "export_for_training", "data_type": "events", "output_path": "../../x.jsonl"}"#)
        #expect(answer.status == 403 && answer.json["error_code"] == "path_not_allowed", "\(answer.status) \(answer.text)")
        #expect(answer.header("X-ToolHost-Exit-Code") == "2")
        try await server.expectCleanExit()
    }
}
