import Testing
import ToolHostCore
import ToolHostStorage
import ToolHostTestSupport
@testable import ToolHostMemory

/// Facts that change: searches leave out expired, superseded and not-yet-valid artifacts
/// unless asked, `as_of` answers what was valid then, and supersession is read from the newer
/// artifact wherever it is searched, on every backend.
@Suite struct ArtifactValidityTests {
    static let day: Int64 = 86_400

    static func daysFromNow(_ days: Int64) -> Timestamp {
        let now = Timestamp.now()
        return Timestamp(seconds: now.seconds + days * day, microseconds: now.microseconds)
    }

    /// A code fix about the same deadlock (every search below matches all of them).
    static func fix(_ id: String, from: Int64, to: Int64? = nil, supersedes: String? = nil) -> Artifact {
        Artifact(id: id, type: "code_fix", name: "Deadlock retry \(id)", content: "Retry the PostgreSQL transaction on deadlock",
                 createdAt: daysFromNow(from), validFrom: daysFromNow(from), validTo: to.map(daysFromNow), supersedes: supersedes)
    }

    static func found(_ fixture: MemoryFixture, _ validity: ValidityFilter = .current, ranking: SearchRanking = .vectors) throws -> Set<String> {
        Set(try fixture.with { memory throws(ToolHostError) in
            try memory.findSimilar("deadlock retry transaction", limit: 50, ranking: ranking, validity: validity)
        }.map(\.artifactID))
    }

    @Test(arguments: MemoryBackend.allCases)
    func searchesLeaveOutExpiredSupersededAndFutureArtifactsUnlessAsked(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in
            try memory.store([
                Self.fix("old", from: -30), Self.fix("new", from: -10, supersedes: "old"),
                Self.fix("expired", from: -20, to: -5), Self.fix("scheduled", from: 5), Self.fix("plain", from: -1),
            ])
        }
        for ranking in SearchRanking.allCases {
            #expect(try Self.found(fixture, ranking: ranking) == ["new", "plain"], "\(ranking)")
            #expect(try Self.found(fixture, .validAt(Self.daysFromNow(-15)), ranking: ranking) == ["old", "expired"], "\(ranking)")
            #expect(try Self.found(fixture, .validAt(Self.daysFromNow(6)), ranking: ranking) == ["new", "plain", "scheduled"], "\(ranking)")
            #expect(try Self.found(fixture, .everything, ranking: ranking) == ["old", "new", "expired", "scheduled", "plain"], "\(ranking)")
        }
        // Nothing is left out by reading it by id, and the newer one is named.
        let old = try fixture.with { memory throws(ToolHostError) in try memory.artifact("old") }
        #expect(old?.0.id == "old")
        let superseding = try fixture.with { memory throws(ToolHostError) in try memory.supersedingIDs(of: ["old", "new"]) }
        #expect(superseding == ["old": ["new"]])
        let new = try fixture.with { memory throws(ToolHostError) in try memory.artifact("new") }
        #expect(new?.0.supersedes == "old")
    }

    @Test(arguments: MemoryBackend.allCases)
    func aChainEndsEachLinkWhereTheNextStarts(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        // Stored newest first: "b" and "c" are superseded before they exist.
        _ = try fixture.with { memory throws(ToolHostError) in
            try memory.store([Self.fix("a", from: -2, supersedes: "b")])
            return try memory.store([Self.fix("b", from: -6, supersedes: "c"), Self.fix("c", from: -9)])
        }
        #expect(try Self.found(fixture) == ["a"])
        #expect(try Self.found(fixture, .validAt(Self.daysFromNow(-4))) == ["b"])
        #expect(try Self.found(fixture, .validAt(Self.daysFromNow(-7))) == ["c"])
        #expect(try Self.found(fixture, .validAt(Self.daysFromNow(-10))).isEmpty)
    }

    @Test(arguments: MemoryBackend.allCases)
    func deletingTheNewerMakesTheOlderCurrentAgainAndStoringTheOlderAgainDoesNot(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([Self.fix("old", from: -3), Self.fix("new", from: -1, supersedes: "old")]) }
        var again = Self.fix("old", from: -3)
        again.content += " (reviewed)"
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([again]) }
        #expect(try Self.found(fixture) == ["new"])
        _ = try fixture.with { memory throws(ToolHostError) in try memory.delete("new") }
        #expect(try Self.found(fixture) == ["old"])
    }

    @Test(arguments: MemoryBackend.allCases)
    func reindexKeepsValidity(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in
            try memory.store([Self.fix("old", from: -3), Self.fix("new", from: -1, supersedes: "old"), Self.fix("expired", from: -4, to: -2)])
        }
        let reembedded = try fixture.with { memory throws(ToolHostError) in try memory.reindex(all: true).reembedded }
        #expect(reembedded == 3)
        #expect(try Self.found(fixture) == ["new"])
    }

    /// The text ranking finds entries by their words, within the same filters, and reports the
    /// same cosine similarity the vector ranking does; hybrid holds what either ranks.
    @Test(arguments: MemoryBackend.allCases)
    func theTextRankingMatchesWordsAndReportsCosineScores(backend: MemoryBackend) throws {
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(ArtifactMemoryTests.corpus) }
        let text = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("baking flour", limit: 5, ranking: .text) }
        #expect(text.map(\.artifactID) == ["plan-cake"])  // the only entry with either word (stemmed: "bake")
        let vectors = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("baking flour", limit: 5) }
        let cosine = vectors.first { $0.artifactID == "plan-cake" }?.score
        #expect(text.first.map { abs($0.score - (cosine ?? -2)) < 1e-4 } == true)

        let typed = try fixture.with { memory throws(ToolHostError) in
            try memory.findSimilar("logs deadlock", types: ["prompt"], limit: 5, ranking: .text)
        }
        #expect(typed.map(\.artifactID) == ["prompt-summary"])
        let tagged = try fixture.with { memory throws(ToolHostError) in
            try memory.findSimilar("logs deadlock plugin", tags: ["postgres", "retry"], tagMatch: .all, limit: 5, ranking: .text)
        }
        #expect(tagged.map(\.artifactID) == ["fix-deadlock"])

        let hybrid = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("postgres deadlock", limit: 10, ranking: .hybrid) }
        #expect(hybrid.first?.artifactID == "fix-deadlock")
        let vectorIDs = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("postgres deadlock", limit: 10) }.map(\.artifactID)
        #expect(Set(hybrid.map(\.artifactID)) == Set(vectorIDs))

        // Text written after the first search is found (the index follows every write).
        var changed = ArtifactMemoryTests.corpus[4]
        changed.content = "Whisk meringue"
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store([changed]) }
        let after = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("meringue flour", limit: 5, ranking: .text) }
        #expect(after.map(\.artifactID) == ["plan-cake"])
        let gone = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("flour eggs", limit: 5, ranking: .text) }
        #expect(gone.isEmpty)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.delete("plan-cake") }
        let deleted = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("meringue", limit: 5, ranking: .text) }
        #expect(deleted.isEmpty)
    }

    /// A pgvector table made before validity and text match existed gets their columns the
    /// first time it is met, its entries starting at their `created_at`.
    @Test func anOlderPgvectorTableIsUpgradedOnFirstUse() throws {
        let fixture = try MemoryFixture(.pgvector)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.store(ArtifactMemoryTests.corpus) }
        try fixture.database.connect().executeScript("""
            DROP INDEX idx_memory_pgvector_384_supersedes; DROP INDEX idx_memory_pgvector_384_search;
            ALTER TABLE memory_pgvector_384 DROP COLUMN search_vector, DROP COLUMN valid_from_us, DROP COLUMN valid_to_us, DROP COLUMN supersedes
            """)
        let text = try fixture.with { memory throws(ToolHostError) in try memory.findSimilar("baking flour", limit: 5, ranking: .text) }
        #expect(text.map(\.artifactID) == ["plan-cake"])
        #expect(try fixture.count("SELECT count(*) FROM memory_pgvector_384 WHERE valid_from_us IS NULL") == 0)
        let before = try fixture.with { memory throws(ToolHostError) in
            try memory.findSimilar("baking flour", limit: 5, validity: .validAt(ArtifactValidityTests.daysFromNow(-1)))
        }
        #expect(before.isEmpty)  // stored just now: not valid yesterday
    }
}
