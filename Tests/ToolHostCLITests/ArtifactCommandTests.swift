import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Semantic memory through the real binary: `toolhost run artifact_store` on both engines and
/// on pgvector chosen by environment, and training rows indexed for retrieval.
@Suite("Semantic memory through the real binary")
struct ArtifactCommandTests {
    let fixture = CLIFixture()
    private let quiet = ["TOOLHOST_RECORD_INVOCATIONS": "false"]

    enum Backend: String, CaseIterable, CustomStringConvertible {
        case sqlite, postgres, pgvector
        var description: String { rawValue }

        func database() throws -> TestDatabase {
            switch self {
            case .sqlite: try TestDatabase(.sqlite)
            case .postgres: try TestDatabase(.postgres)
            case .pgvector: try TestDatabase.withPgvector()
            }
        }
    }

    private func run(_ tool: String, _ input: String, database: TestDatabase, extra: [String: String] = [:]) throws -> ToolHostBinary.Result {
        try fixture.run(["run", tool, "--tools-dir", ToolHostPaths.shippedTools], input: input,
                        environment: database.environment.merging(quiet) { $1 }.merging(extra) { $1 })
    }

    @Test(arguments: Backend.allCases)
    func storeFindGetAndDeleteWithExitStatusesAndCodes(backend: Backend) throws {
        let database = try backend.database()
        let environment = backend == .pgvector ? ["TOOLHOST_VECTOR_INDEX": "pgvector"] : [:]
        func call(_ input: String) throws -> ToolHostBinary.Result { try run("artifact_store", input, database: database, extra: environment) }

        let stored = try call(#"{"operation": "store_artifacts", "artifacts": [{"artifact_id": "fix-1", "artifact_type": "code_fix", "name": "Retry on deadlock", "content": "Retry the PostgreSQL transaction when it fails with a deadlock"}, {"artifact_id": "perf-1", "artifact_type": "perf_data", "content": "p95 12 ms"}, {"artifact_id": "plan-1", "artifact_type": "plan", "content": "bake a cake with flour and eggs"}]}"#)
        #expect(stored.status == 0, "\(stored.stderr) \(stored.stdoutText)")
        #expect(stored.json["stored"]?[0]?["routed_to"] == ["vector"])
        #expect(stored.json["stored"]?[1]?["routed_to"] == ["bulk"])

        let found = try call(#"{"operation": "find_similar", "query": "deadlock in a postgres transaction", "top_k": 1}"#)
        #expect(found.status == 0)
        #expect(found.json["data"]?[0]?["artifact_id"] == "fix-1")
        let got = try call(#"{"operation": "get_artifact", "artifact_id": "perf-1"}"#)
        #expect(got.json["stored_in"] == ["bulk"])
        let stats = try call(#"{"operation": "stats"}"#)
        #expect(stats.json["index"]?.stringValue == (backend == .pgvector ? "pgvector" : "sql"))
        #expect(stats.json["collections"]?[0]?["count"] == 2)

        let deleted = try call(#"{"operation": "delete_artifact", "artifact_id": "fix-1"}"#)
        #expect(deleted.json["deleted_from"] == ["vector"])
        let missing = try call(#"{"operation": "delete_artifact", "artifact_id": "fix-1"}"#)
        #expect(missing.status != 0)
        #expect(missing.json["error_code"] == "not_found")
        let invalid = try call(#"{"operation": "store_artifact", "artifact_type": "plan"}"#)
        #expect(invalid.status != 0)
        #expect(invalid.json["error_code"] == "invalid_input")
    }

    @Test func pgvectorOnSQLiteIsAClearFailure() throws {
        let database = try TestDatabase(.sqlite)
        let refused = try run("artifact_store", #"{"operation": "stats"}"#, database: database, extra: ["TOOLHOST_VECTOR_INDEX": "pgvector"])
        #expect(refused.status != 0)
        #expect(refused.json["error_code"] == "vector_index_unavailable")
    }

    /// The in-process embedder's model files, wrong, through `toolhost run` and `toolhost embed`:
    /// the stable code in the answer, the path and the problem in the sentence.
    @Test func aMissingOrBrokenMiniLMModelIsAnErrorNamingThePath() throws {
        let database = try TestDatabase(.sqlite)
        let nowhere = fixture.directory.url("no-model-here")
        let missing = try run("artifact_store", #"{"operation": "find_similar", "query": "deadlock"}"#, database: database,
                              extra: ["TOOLHOST_EMBEDDER": "minilm", "TOOLHOST_MINILM_MODEL_PATH": nowhere])
        #expect(missing.status != 0)
        #expect(missing.json["error_code"] == "embedder_model_missing")
        #expect(missing.json["error"]?.stringValue?.contains("\(nowhere) does not exist") == true)

        // A folder whose config.json is not JSON.
        fixture.directory.write("broken-model/config.json", "{ not json")
        let broken = try fixture.run(["embed", "hello"], environment: [
            "TOOLHOST_EMBEDDER": "minilm", "TOOLHOST_MINILM_MODEL_PATH": fixture.directory.url("broken-model"),
        ])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("\(fixture.directory.url("broken-model/config.json")) is not JSON"))
        let summary = try fixture.run(["embed", "--summary", "hello", "world"], environment: [
            "TOOLHOST_EMBEDDER": "minilm", "TOOLHOST_MINILM_MODEL_PATH": try TestMiniLMModel.folder(),
        ])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.json["embedder"] == "minilm:all-MiniLM-L6-v2")
        #expect(summary.json["texts"] == 2)
    }

    @Test(arguments: Engine.allCases)
    func trainingRowsIndexedThroughTheBinaryAreRetrievable(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let stored = try run("training_data_store", #"{"operation": "store_tool_executions", "executions": [{"tool_name": "word_stats", "input_params": {"text": "count these words"}, "success": true}, {"tool_name": "file_info", "input_params": {"path": "/etc/hostname"}, "success": true}]}"#, database: database)
        #expect(stored.status == 0, "\(stored.stderr)")
        let indexed = try run("training_data_store", #"{"operation": "index_to_rag", "data_type": "tool_executions"}"#, database: database)
        #expect(indexed.status == 0)
        #expect(indexed.json["embedded"] == 2)
        let examples = try run("artifact_store", #"{"operation": "find_similar", "collection": "training_data_examples", "query": "checksum of the file /etc/hostname", "top_k": 1}"#, database: database)
        #expect(examples.json["data"]?[0]?["name"] == "file_info")
    }
}
