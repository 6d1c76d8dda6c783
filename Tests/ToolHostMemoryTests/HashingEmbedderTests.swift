import Testing
import ToolHostCore
@testable import ToolHostMemory

@Suite struct HashingEmbedderTests {
    @Test func sameTextSameVectorAndUnitLength() {
        let first = HashingEmbedder(dimension: 384).vector("Store a log line for the tool run")
        let second = HashingEmbedder(dimension: 384).vector("Store a log line for the tool run")
        #expect(first == second)
        #expect(first.count == 384)
        let length = first.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(length - 1) < 1e-5)
    }

    /// Stored vectors are only comparable with new ones while the algorithm stays the same:
    /// a change here must come with a new fingerprint (hashing-v2), which makes stores reindex.
    @Test func vectorsArePinnedToTheVersionedAlgorithm() {
        let vector = HashingEmbedder(dimension: 384).vector("Store a log line for the tool run")
        #expect(SHA1.hex(bytes: VectorBytes.encode(vector)) == HashingEmbedderTests.pinned)
        #expect(HashingEmbedder(dimension: 384).fingerprint == "hashing-v1:384")
    }

    static let pinned = "6ac4b3b653f534c3455c41fbeed184b65ab8d7b9"

    @Test func wordsAreSplitFoldedAndFiltered() {
        let words = HashingEmbedder.words("The storeLog tool_runs QUERIES for the classes; Ünïcode stays").map { String(decoding: $0, as: UTF8.self) }
        // camelCase and snake_case split, plurals folded ("classes" loses only its s), stop
        // words gone, non-ASCII kept as written.
        #expect(words == ["store", "log", "tool", "run", "query", "classe", "Ünïcode", "stay"])
    }

    @Test func relatedTextsAreCloserThanUnrelatedOnes() {
        let embedder = HashingEmbedder()
        let need = embedder.vector("store log lines of a tool")
        let related = embedder.vector("Stores logs written by tools and queries them later")
        let unrelated = embedder.vector("bake a chocolate cake with three eggs")
        #expect(cosine(need, related) > cosine(need, unrelated) + 0.2)
        #expect(embedder.vector("").allSatisfy { $0 == 0 })
    }

    @Test func dimensionIsHonoured() {
        #expect(HashingEmbedder(dimension: 64).vector("hello world").count == 64)
    }

    private func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
}

@Suite struct NameDerivationTests {
    /// Reference digests from Python's hashlib, around the padding boundaries.
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (String(repeating: "x", count: 55), "cef734ba81a024479e09eb5a75b6ddae62e6abf1"),
        (String(repeating: "x", count: 56), "901305367c259952f4e7af8323f480d59f81335b"),
        (String(repeating: "x", count: 64), "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"),
        (String(repeating: "a", count: 1000), "291e9a6c66994949b57ba5e650361e98fc36b1ba"),
    ])
    func sha1MatchesTheStandard(input: String, digest: String) {
        #expect(SHA1.hex(input) == digest)
    }

    /// Reference UUIDs from Python's uuid.uuid5(uuid.NAMESPACE_URL, name).
    @Test func uuidV5MatchesTheStandard() {
        #expect(UUIDv5.make(name: "code_fix-abc") == "bc7dcc9f-fbf9-51ab-8a66-6354131f48c1")
        #expect(UUIDv5.make(name: "") == "1b4db7eb-4057-5ddf-91e0-36dec72071f5")
    }

    @Test func derivedIDsDependOnTypeNameAndContentOnly() {
        let id = Artifact.derivedID(type: "plan", name: "a", content: "b")
        #expect(id == Artifact.derivedID(type: "plan", name: "a", content: "b"))
        #expect(id != Artifact.derivedID(type: "plan", name: "a", content: "c"))
        #expect(id != Artifact.derivedID(type: "workflow", name: "a", content: "b"))
        #expect(id.hasPrefix("plan-"))
    }
}
