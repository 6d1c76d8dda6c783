import Testing
import ToolHostCore
import ToolHostTestSupport
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// Migration 11 on a database whose vector index already holds entries: each entry starts at
/// its document's `created_at`, and the text ranking finds it.
@Suite("Migration 11 fills validity and text match")
struct MemoryFactsMigrationTests {
    @Test(arguments: Engine.allCases)
    func entriesIndexedBeforeMigration11AreFoundByTextAndStartAtTheirCreation(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let connection = try database.connect()
        try Migrator.migrate(connection, SchemaMigrations.all.filter { $0.version <= 10 })
        let document: JSONObject = ["artifact_id": "fix-1", "artifact_type": "code_fix", "name": "Retry on deadlock",
                                    "content": "Retry the transaction", "tags": ["postgres"], "created_at": "2026-01-02T03:04:05Z"]
        let vector = HashingEmbedder(dimension: 384).embed([Artifact(document: document)?.embeddingText ?? ""])[0]
        _ = try connection.run("""
            INSERT INTO memory_vectors (collection, artifact_id, artifact_type, tags, document, content_hash, embedder, dimension, embedding)
            VALUES ('artifacts', 'fix-1', 'code_fix', \(connection.dialect.placeholder(1)), \(connection.dialect.placeholder(2)), 'h',
                    \(connection.dialect.placeholder(3)), 384, \(connection.dialect.placeholder(4)))
            """, [.json(["postgres"]), .json(.object(document)), .text(HashingEmbedder(dimension: 384).fingerprint), .blob(VectorBytes.encode(vector))])
        try Migrator.migrate(connection)

        let start = try connection.run("SELECT valid_from_us FROM memory_vectors").rows.first?["valid_from_us"]?.integerValue
        #expect(start.map(Int64.init) == ArtifactValidity.microseconds(Timestamp(seconds: 1_767_323_045)))
        let memory = try ArtifactMemory(connection: connection, settings: MemorySettings(), scope: "migration-11-\(engine)")
        let found = try memory.findSimilar("deadlocks", ranking: .text, validity: .everything)
        #expect(found.map(\.artifactID) == ["fix-1"])
        let before = try memory.findSimilar("deadlocks", ranking: .hybrid, validity: .validAt(Timestamp(seconds: 1_767_323_044)))
        #expect(before.isEmpty)
        let after = try memory.findSimilar("deadlocks", ranking: .hybrid, validity: .validAt(Timestamp(seconds: 1_767_323_045)))
        #expect(after.map(\.artifactID) == ["fix-1"])
    }
}
