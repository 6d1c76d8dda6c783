import Synchronization
import Testing
import ToolHostCore
import ToolHostTestSupport
@testable import ToolHostMemory

/// The quantized scan (`VectorQuantization`: int8 codes, exact rescoring of a shortlist) against
/// the exact scan, on vectors of a real model (all-MiniLM-L6-v2 from the test server): the same
/// top ten for at least 99% of results, with the exact scores.
@Suite struct QuantizedRecallTests {
    /// Texts an agent's memory might hold: procedures over systems, made from a few word lists
    /// (seeded, so every run embeds the same texts), and queries made the same way that are
    /// never a stored text.
    static func texts(count: Int, seed: UInt64, excluding: Set<String> = []) -> [String] {
        let actions = ["retry", "cache", "validate", "compress", "index", "encrypt", "rotate", "paginate", "throttle", "migrate",
                       "archive", "deduplicate", "batch", "stream", "summarise", "translate", "schedule", "monitor", "back up", "parse"]
        let objects = ["the database transaction", "log lines", "user sessions", "image thumbnails", "invoices", "API responses",
                       "search results", "audit records", "email attachments", "sensor readings", "chat messages", "build artifacts",
                       "payment events", "configuration files", "video uploads", "weather forecasts", "shopping carts", "access tokens"]
        let contexts = ["after a deadlock", "before the nightly report", "when the disk is nearly full", "for mobile clients",
                        "in the billing service", "during a traffic spike", "on a slow network", "for the analytics team",
                        "when a plugin times out", "across three regions", "in the test environment", "for GDPR requests",
                        "while the cluster restarts", "with a retry budget", "in under a second", "for the kitchen inventory"]
        var random = SplitMix64(seed: seed)
        var made: [String] = [], seen = excluding
        while made.count < count {
            let text = "\(actions[random.below(actions.count)]) \(objects[random.below(objects.count)]) \(contexts[random.below(contexts.count)])"
            if seen.insert(text).inserted { made.append(text) }
        }
        return made
    }

    static let stored = texts(count: 2000, seed: 20)
    static let queries = texts(count: 40, seed: 21, excluding: Set(stored))

    /// The vectors of `stored` and `queries`, embedded once per test process (the model is slow).
    static let embedded = Mutex<(stored: [[Float]], queries: [[Float]])?>(nil)

    static func vectors() throws -> (stored: [[Float]], queries: [[Float]], embedder: String) {
        let server = try TestEmbeddingServer.shared.get()
        var settings = MemorySettings()
        settings.embedder = .ollama
        settings.embedderURL = server.baseURL
        settings.embedBatchSize = 256
        settings.embedderTimeoutSeconds = 600
        let embedder = Embedders.make(settings)
        if let done = embedded.withLock({ $0 }) { return (done.stored, done.queries, embedder.fingerprint) }
        let made = (stored: try embedder.embed(stored), queries: try embedder.embed(queries))
        embedded.withLock { $0 = made }
        return (made.stored, made.queries, embedder.fingerprint)
    }

    @Test(arguments: VectorFileTests.engines)
    func theQuantizedScanFindsTheExactTopTenOnRealModelVectors(backend: MemoryBackend) throws {
        let (stored, queries, embedder) = try Self.vectors()
        let fixture = try MemoryFixture(backend)
        _ = try fixture.with { memory throws(ToolHostError) in try memory.stats() }  // migrates the database
        let connection = try fixture.database.connect()
        let exact = SQLVectorIndex(connection: connection, scope: fixture.scope, scan: .exact)
        let quantized = SQLVectorIndex(connection: connection, scope: fixture.scope, scan: .quantized)
        try exact.upsert(stored.enumerated().map { index, vector in
            VectorRecord(collection: "recall", artifactID: "text-\(index)", artifactType: "plan", tags: index % 2 == 0 ? ["even"] : [],
                         document: ["name": .string(Self.stored[index])], contentHash: "", embedder: embedder, vector: vector)
        })
        var found = 0, filteredFound = 0, asked = 0, filteredAsked = 0
        for vector in queries {
            var query = VectorQuery(collection: "recall", embedder: embedder, vector: vector)
            let truth = try exact.search(query)
            let answer = try quantized.search(query)
            found += Set(answer.map(\.artifactID)).intersection(truth.map(\.artifactID)).count
            asked += truth.count
            // Scores are the exact cosines, not the int8 approximation.
            let exactScores = Dictionary(truth.map { ($0.artifactID, $0.score) }, uniquingKeysWith: { first, _ in first })
            let drift = answer.compactMap { match in exactScores[match.artifactID].map { abs($0 - match.score) } }.max() ?? 0
            #expect(drift < 1e-5)

            // A tag filter keeps working in the quantized scan (half the rows admitted).
            query.tags = ["even"]
            let filteredTruth = try exact.search(query)
            let filtered = try quantized.search(query)
            let outside = filtered.filter { ($0.artifactID.split(separator: "-").last.flatMap { Int($0) } ?? 1) % 2 != 0 }
            #expect(outside.isEmpty)
            filteredFound += Set(filtered.map(\.artifactID)).intersection(filteredTruth.map(\.artifactID)).count
            filteredAsked += filteredTruth.count
        }
        #expect(asked == queries.count * 10)
        let recall = Double(found) / Double(asked), filteredRecall = Double(filteredFound) / Double(filteredAsked)
        #expect(recall >= 0.99, "recall@10 \(recall)")
        #expect(filteredRecall >= 0.99, "filtered recall@10 \(filteredRecall)")
    }
}
