import Synchronization
import Testing
import ToolHostCore
import ToolHostStorage
import ToolHostTestSupport
@testable import ToolHostMemory

@Suite struct ArtifactMemoryTests {
    static func artifact(_ id: String, _ type: String, _ name: String, _ content: String, tags: [String] = []) -> Artifact {
        Artifact(id: id, type: type, name: name, content: content, tags: tags)
    }

    static let corpus = [
        artifact("fix-deadlock", "code_fix", "Retry on deadlock", "Wrap the PostgreSQL transaction in a retry loop when it fails with a deadlock", tags: ["postgres", "retry"]),
        artifact("bug-timeout", "bug_report", "Plugin timeout", "The plugin was killed after its timeout while writing a large file", tags: ["plugins"]),
        artifact("prompt-summary", "prompt", "Summarise logs", "You summarise tool logs into three bullet points", tags: ["logs"]),
        artifact("perf-latency", "performance", "Latency", "p95 12 ms for store_log", tags: ["logs"]),
        artifact("plan-cake", "plan", "Bake a cake", "Mix flour, eggs and sugar, then bake for forty minutes", tags: ["kitchen"]),
    ]

    @Test(arguments: MemoryBackend.allCases)
    func eachTypeGoesWhereTheStrategyRoutesIt(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        let stored = try fixture.with { memory throws(ToolHostError) in try memory.store(Self.corpus) }
        #expect(stored.map(\.route) == [.hybrid, .hybrid, .vector, .bulk, .hybrid])
        #expect(try fixture.count("SELECT count(*) FROM memory_artifacts") == 4)  // all but the prompt
        #expect(try fixture.indexEntries() == 4)  // all but the performance record

        // Read back from wherever it lives; a vector-only artifact comes from the index.
        let prompt = try fixture.with { memory throws(ToolHostError) in try memory.artifact("prompt-summary") }
        #expect(prompt?.1 == ["vector"])
        #expect(prompt?.0.content == "You summarise tool logs into three bullet points")
        let fix = try fixture.with { memory throws(ToolHostError) in try memory.artifact("fix-deadlock") }
        #expect(fix?.1 == ["bulk", "vector"])
        #expect(fix?.0.tags == ["postgres", "retry"])
        let perf = try fixture.with { memory throws(ToolHostError) in try memory.artifact("perf-latency") }
        #expect(perf?.1 == ["bulk"])
        let none = try fixture.with { memory throws(ToolHostError) in try memory.artifact("nothing") }
        #expect(none == nil)
    }

    @Test(arguments: MemoryBackend.allCases)
    func storingAgainUpdatesInPlaceAndFollowsARouteChange(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(Self.corpus) }
        var changed = Self.corpus[0]
        changed.content = "Retry the transaction up to three times on SQLSTATE 40P01"
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([changed, changed]) }
        #expect(try fixture.count("SELECT count(*) FROM memory_artifacts") == 4)
        #expect(try fixture.indexEntries() == 4)
        let read = try fixture.with { memory throws(ToolHostError) in try memory.artifact("fix-deadlock") }
        #expect(read?.0.content == changed.content)

        // The same id as another type: the copy in the place it is no longer routed to goes.
        var nowBulk = changed
        nowBulk.type = "evaluation"
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([nowBulk]) }
        #expect(try fixture.indexEntries() == 3)
        var nowVector = nowBulk
        nowVector.type = "pattern"
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([nowVector]) }
        #expect(try fixture.count("SELECT count(*) FROM memory_artifacts WHERE artifact_id = 'fix-deadlock'") == 0)
        #expect(try fixture.indexEntries() == 4)

        let removed = try fixture.with { memory throws(ToolHostError) in try memory.delete("bug-timeout") }
        #expect(removed == ["bulk", "vector"])
        let again = try fixture.with { memory throws(ToolHostError) in try memory.delete("bug-timeout") }
        #expect(again.isEmpty)
    }

    @Test(arguments: MemoryBackend.allCases)
    func similarArtifactsComeFirstWithinTheFilters(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(Self.corpus) }
        let best = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("postgres transaction deadlock", limit: 3) }
        #expect(best.first?.artifactID == "fix-deadlock")
        #expect(best.count == 3)
        #expect(zip(best, best.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(best.first?.document["name"]?.stringValue == "Retry on deadlock")

        let onlyBugs = try fixture.with { memory throws(ToolHostError) in
            try memory.findSimilar("postgres transaction deadlock", types: ["bug_report", "plan"], limit: 10)
        }
        #expect(Set(onlyBugs.map(\.artifactID)) == ["bug-timeout", "plan-cake"])
        let anyTag = try fixture.with { memory throws(ToolHostError) in
            try memory.findSimilar("logs", tags: ["logs", "kitchen"], tagMatch: .any, limit: 10)
        }
        #expect(Set(anyTag.map(\.artifactID)) == ["prompt-summary", "plan-cake"])  // the performance record is bulk-only
        let allTags = try fixture.with { memory throws(ToolHostError) in
            try memory.findSimilar("retry", tags: ["postgres", "retry"], tagMatch: .all, limit: 10)
        }
        #expect(allTags.map(\.artifactID) == ["fix-deadlock"])
        let strict = try fixture.with { memory throws(ToolHostError) in
            try memory.findSimilar("postgres transaction deadlock", limit: 10, minSimilarity: 0.3)
        }
        #expect(strict.map(\.artifactID) == ["fix-deadlock"])
        let otherCollection = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("deadlock", collection: "elsewhere") }
        #expect(otherCollection.isEmpty)
    }

    @Test(arguments: MemoryBackend.allCases)
    func aSearchSeesWritesMadeSinceTheLastSearch(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(Array(Self.corpus.prefix(2))) }
        let before = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("bake a cake", limit: 1) }
        #expect(before.first?.artifactID != "plan-cake")
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([Self.corpus[4]]) }
        let after = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("bake a cake", limit: 1) }
        #expect(after.first?.artifactID == "plan-cake")
        _ = try fixture.with { memory throws(ToolHostError) in try memory.delete("plan-cake") }
        let gone = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("bake a cake", limit: 5) }
        #expect(!gone.contains { $0.artifactID == "plan-cake" })

        // Writes through plain SQL, from another connection, are seen too (triggers).
        guard backend != .pgvector else { return }
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([Self.corpus[4]]) }
        _ = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("bake a cake", limit: 1) }  // held in memory now
        _ = try fixture.database.connect().run("DELETE FROM memory_vectors WHERE artifact_id = 'plan-cake'")
        // A stale copy would still rank the cake first and then drop it for want of a document,
        // leaving one of two.
        let afterSQL = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("bake a cake", limit: 2) }
        #expect(afterSQL.count == 2)
        #expect(!afterSQL.contains { $0.artifactID == "plan-cake" })
    }

    @Test(arguments: MemoryBackend.allCases)
    func anIdGivenTwiceInABatchIsStoredOnceAsItsLastOccurrence(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        let first = Self.artifact("x", "performance", "first", "bulk only")
        let last = Self.artifact("x", "prompt", "last", "vector only")
        let stored = try fixture.with { memory throws(ToolHostError) in try memory.store([first, last]) }
        #expect(stored.map(\.route) == [.vector])
        let read = try fixture.with { memory throws(ToolHostError) in try memory.artifact("x") }
        #expect(read?.0.name == "last" && read?.1 == ["vector"])
        #expect(try fixture.count("SELECT count(*) FROM memory_artifacts") == 0)
    }

    /// A first load into pgvector builds the HNSW index in one pass after the rows are in; the
    /// index is there afterwards and searches use it, and later small writes insert into it.
    @Test func aLargeFirstLoadIntoPgvectorBuildsTheIndexOnce() throws {
        let fixture = try MemoryFixture(.pgvector)
        let count = PgvectorIndex.rebuildBatchMinimum
        let load = (0..<count).map { Self.artifact("bulk-\($0)", "pattern", "pattern \($0)", "generic filler text number \($0)") }
            + [Self.artifact("needle", "pattern", "needle", "a very particular sentence about haystacks and needles")]
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(load) }
        #expect(try fixture.indexEntries() == count + 1)
        let indexes = try fixture.database.connect().run("SELECT indexname FROM pg_indexes WHERE tablename = 'memory_pgvector_384'").rows
            .compactMap { $0["indexname"]?.stringValue }
        #expect(indexes.contains("idx_memory_pgvector_384_hnsw"))
        let plan = try fixture.database.connect().run("""
            EXPLAIN SELECT artifact_id FROM memory_pgvector_384 WHERE collection = 'artifacts'
            ORDER BY embedding <=> (SELECT embedding FROM memory_pgvector_384 LIMIT 1) LIMIT 5
            """).rows.compactMap { $0["QUERY PLAN"]?.stringValue }.joined(separator: "\n")
        #expect(plan.contains("idx_memory_pgvector_384_hnsw"), "\(plan)")
        let found = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("particular haystacks needles", limit: 1) }
        #expect(found.first?.artifactID == "needle")
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([Self.corpus[4]]) }
        let cake = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("bake a cake with eggs", limit: 1) }
        #expect(cake.first?.artifactID == "plan-cake")
    }

    /// An HNSW index is built once; changed m or ef_construction take effect through reindex.
    @Test func reindexRebuildsAnHNSWIndexWhoseSettingsChanged() throws {
        let fixture = try MemoryFixture(.pgvector)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(Self.corpus) }
        var changed = MemoryBackend.pgvector.settings
        changed.hnswM = 8
        changed.hnswEfConstruction = 32
        let first = try fixture.with(changed) { memory throws(ToolHostError) in try memory.reindex() }
        #expect(first.structuresRebuilt == 1 && first.reembedded == 0)
        let definition = try fixture.database.connect().run("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_memory_pgvector_384_hnsw'")
            .rows.first?["indexdef"]?.stringValue ?? ""
        #expect(definition.contains("m='8'") && definition.contains("ef_construction='32'"), "\(definition)")
        let second = try fixture.with(changed) { memory throws(ToolHostError) in try memory.reindex() }
        #expect(second.structuresRebuilt == 0)
        let found = try fixture.with(changed) { memory throws(ToolHostError) in try memory.findSimilar("postgres transaction deadlock", limit: 1) }
        #expect(found.first?.artifactID == "fix-deadlock")
        let sqlIndex = try MemoryFixture(.sqliteSQL)
        let none = try sqlIndex.with { memory throws(ToolHostError) in try memory.reindex() }
        #expect(none.structuresRebuilt == 0)
    }

    @Test func aQueryOfOnlyCommonWordsIsRefused() throws {
        let fixture = try MemoryFixture(.sqliteSQL)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(Self.corpus) }
        let error = #expect(throws: ToolHostError.self) {
            try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("the, and; of!") }
        }
        #expect(error?.code == .invalidInput)
    }

    @Test(arguments: MemoryBackend.allCases)
    func anEmbedderChangeIsStaleUntilReindexed(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(Self.corpus) }
        var smaller = backend.settings
        smaller.dimension = 128
        let stats = try fixture.with(smaller) { memory throws(ToolHostError) in try memory.stats() }
        #expect(stats["collections"]?[0]?["stale"] == 4)
        let unseen = try fixture.with(smaller) { memory throws(ToolHostError) in try memory.findSimilar("deadlock") }
        #expect(unseen.isEmpty)
        let result = try fixture.with(smaller) { memory throws(ToolHostError) in try memory.reindex() }
        #expect(result.reembedded == 4 && result.unchanged == 0)
        #expect(try fixture.indexEntries() == 4)
        let found = try fixture.with(smaller) { memory throws(ToolHostError) in try memory.findSimilar("postgres transaction deadlock", limit: 1) }
        #expect(found.first?.artifactID == "fix-deadlock")
        let second = try fixture.with(smaller) { memory throws(ToolHostError) in try memory.reindex() }
        #expect(second.reembedded == 0 && second.unchanged == 4)
        let all = try fixture.with(smaller) { memory throws(ToolHostError) in try memory.reindex(all: true) }
        #expect(all.reembedded == 4)
    }

    @Test(arguments: MemoryBackend.allCases)
    func synchronizeEmbedsOnlyWhatChanged(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        let counting = CountingEmbedder()
        let tools = (0..<5).map { Self.artifact("tool-\($0)", "tool", "tool \($0)", "does thing number \($0)") }
        let first = try fixture.with(embedder: counting) { memory throws(ToolHostError) in try memory.synchronize(collection: "tools", with: tools) }
        #expect(first.embedded == 5 && first.unchanged == 0 && first.removed == 0)
        var edited = Array(tools.dropLast())
        edited[1].description = "now with a description"
        let second = try fixture.with(embedder: counting) { memory throws(ToolHostError) in try memory.synchronize(collection: "tools", with: edited) }
        #expect(second.embedded == 1 && second.unchanged == 3 && second.removed == 1)
        #expect(counting.texts.withLock { $0 } == 6)
    }
}

/// The hashing embedder, counting the texts it is given.
final class CountingEmbedder: Embedder {
    let texts = Mutex(0)
    var fingerprint: String { "counting:64" }
    func embed(_ texts: [String]) -> [[Float]] {
        self.texts.withLock { $0 += texts.count }
        return HashingEmbedder(dimension: 64).embed(texts)
    }
}
