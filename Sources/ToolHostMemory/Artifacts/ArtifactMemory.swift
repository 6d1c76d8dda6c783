import ToolHostCore
import ToolHostStorage

/// The router and its two stores: an artifact goes to bulk storage, to the vector index, or to
/// both, as `storage_strategy` says for its type; reads and deletes act on every place an id
/// lives. Ids are stable and every write is an upsert, so no artifact is ever stored twice.
public struct ArtifactMemory {
    /// The collection artifacts are indexed in unless a caller names another.
    public static let defaultCollection = "artifacts"

    public let settings: MemorySettings
    public let embedder: any Embedder
    let connection: any DatabaseConnection
    let index: any VectorIndex
    var bulk: BulkArtifacts { BulkArtifacts(connection: connection) }

    /// `scope` names the database (resident vector copies of two databases never mix);
    /// `vectorFiles` is the folder the `sql` index keeps its vector files in (nil: none).
    public init(connection: any DatabaseConnection, settings: MemorySettings, scope: String, vectorFiles: String? = nil,
                embedder: (any Embedder)? = nil) throws(ToolHostError) {
        self.connection = connection
        self.settings = settings
        self.embedder = embedder ?? Embedders.make(settings)
        switch settings.index {
        case .sql:
            index = SQLVectorIndex(connection: connection, scope: scope, fileDirectory: vectorFiles, scan: settings.vectorScan)
        case .pgvector:
            guard connection.dialect == .postgres else {
                throw ToolHostError(.vectorIndexUnavailable, "memory.index is pgvector, which needs PostgreSQL, but the database is SQLite; use memory.index: sql or a PostgreSQL database.")
            }
            index = PgvectorIndex(connection: connection, settings: settings)
        }
    }

    /// Where one stored artifact went.
    public struct Stored: Sendable {
        public let artifactID: String
        public let route: ArtifactRouting.Route
    }

    /// Stores (inserts or updates) artifacts where their types are routed, and removes each
    /// from the place it is no longer routed to, all in one transaction when both stores are
    /// in this database. Texts are embedded first, outside any transaction. An id given twice
    /// is stored once, as its last occurrence says (as two calls in a row would leave it).
    public func store(_ given: [Artifact], collection: String = defaultCollection) throws(ToolHostError) -> [Stored] {
        var lastOccurrence: [String: Int] = [:]
        for (position, artifact) in given.enumerated() { lastOccurrence[artifact.id] = position }
        let artifacts = given.enumerated().filter { lastOccurrence[$0.element.id] == $0.offset }.map(\.element)
        let routes = artifacts.map { settings.routing.route(for: $0.type) }
        let indexed = zip(artifacts, routes).filter { $0.1 != .bulk }.map(\.0)
        let vectors = indexed.isEmpty ? [] : try embedder.embed(indexed.map(\.embeddingText))
        let records = zip(indexed, vectors).map { artifact, vector in vectorRecord(artifact, collection: collection, vector: vector) }
        try connection.transaction { () throws(ToolHostError) in
            let bulkOnes = zip(artifacts, routes).filter { $0.1 != .vector }.map(\.0)
            let vectorOnly = zip(artifacts, routes).filter { $0.1 == .vector }.map(\.0.id)
            try withDatabaseErrors { () throws(DatabaseError) in
                try bulk.upsert(bulkOnes)
                try bulk.delete(vectorOnly)
            }
            try index.upsert(records)
            let bulkOnly = zip(artifacts, routes).filter { $0.1 == .bulk }.map(\.0.id)
            try index.remove(collection: collection, artifactIDs: bulkOnly)
        }
        return zip(artifacts, routes).map { Stored(artifactID: $0.0.id, route: $0.1) }
    }

    /// The artifact and where it is stored ("bulk", "vector"), or nil when it is nowhere.
    public func artifact(_ id: String, collection: String = defaultCollection) throws(ToolHostError) -> (Artifact, [String])? {
        let fromBulk = try withDatabaseErrors { () throws(DatabaseError) in try bulk.artifact(id) }
        let fromIndex = try index.record(collection: collection, artifactID: id)
        let locations = (fromBulk == nil ? [] : ["bulk"]) + (fromIndex == nil ? [] : ["vector"])
        guard let artifact = fromBulk ?? fromIndex.flatMap({ Artifact(document: $0.document) }) else { return nil }
        return (artifact, locations)
    }

    /// Removes entries of a collection by id (entries whose source is gone).
    @discardableResult
    public func removeFromIndex(collection: String, ids: [String]) throws(ToolHostError) -> Int {
        try index.remove(collection: collection, artifactIDs: ids)
    }

    /// The ids a collection holds.
    public func indexedIDs(collection: String) throws(ToolHostError) -> [String] {
        try index.fingerprints(collection: collection).keys.sorted()
    }

    /// Deletes the artifact from every place; answers the places it was removed from.
    public func delete(_ id: String, collection: String = defaultCollection) throws(ToolHostError) -> [String] {
        try connection.transaction { () throws(ToolHostError) in
            let inBulk = try withDatabaseErrors { () throws(DatabaseError) in try bulk.delete([id]) } > 0
            let inIndex = try index.remove(collection: collection, artifactIDs: [id]) > 0
            return (inBulk ? ["bulk"] : []) + (inIndex ? ["vector"] : [])
        }
    }

    /// The artifacts most like `text`, best first, among those valid as `validity` says (now
    /// by default), ordered by `ranking` (`ArtifactMemory+Ranking`). Every match's `score` is
    /// its cosine similarity to `text`, and `minSimilarity` leaves out matches below it,
    /// whatever the ranking.
    public func findSimilar(_ text: String, collection: String = defaultCollection, types: [String] = [], tags: [String] = [],
                            tagMatch: VectorQuery.TagMatch = .any, limit: Int = 10, minSimilarity: Float = -1,
                            ranking: SearchRanking = .vectors, validity: ValidityFilter = .current) throws(ToolHostError) -> [VectorMatch] {
        guard let vector = try embedder.embed([text]).first else { return [] }
        // Only stop words or punctuation: a zero vector is equally (un)like everything.
        guard vector.contains(where: { $0 != 0 }) else {
            throw .invalidInput([Violation(path: "/query", message: "has no words to match (only common words or punctuation)")])
        }
        var query = VectorQuery(collection: collection, embedder: embedder.fingerprint, vector: vector)
        query.types = types
        query.tags = tags
        query.tagMatch = tagMatch
        query.limit = limit
        query.minSimilarity = minSimilarity
        query.validity = validity
        return try search(query, text: text, ranking: ranking)
    }

    /// Counts per store, collection, embedder and type; `stale` counts entries made by another
    /// embedder than the configured one (searches do not see them until `reindex`).
    public func stats() throws(ToolHostError) -> JSONObject {
        let bulkCounts = try withDatabaseErrors { () throws(DatabaseError) in try bulk.countsByType() }
        let collections = try index.stats()
        let current = embedder.fingerprint
        return [
            "embedder": .string(current),
            "index": .string(settings.index.rawValue),
            "bulk": ["count": .int(bulkCounts.values.reduce(0, +)), "by_type": .object(Self.counts(bulkCounts))],
            "collections": .array(collections.map { collection in
                [
                    "collection": .string(collection.collection), "count": .int(collection.count),
                    "stale": .int(collection.byEmbedder.filter { $0.key != current }.values.reduce(0, +)),
                    "by_type": .object(Self.counts(collection.byType)),
                    "by_embedder": .object(Self.counts(collection.byEmbedder)),
                ]
            }),
        ]
    }

    /// Embeds again every entry whose vector another embedder made (every entry when `all`),
    /// from the text kept with it, a page at a time; then rebuilds what the index backend built
    /// with other settings (pgvector's HNSW parameters).
    public func reindex(all: Bool = false) throws(ToolHostError) -> (reembedded: Int, unchanged: Int, structuresRebuilt: Int) {
        var cursor: VectorCursor?
        var reembedded = 0, unchanged = 0
        while true {
            let page = try index.page(after: cursor, limit: 256)
            guard let last = page.last else { break }
            cursor = VectorCursor(collection: last.collection, artifactID: last.artifactID)
            let stale = page.filter { all || $0.embedder != embedder.fingerprint }
            unchanged += page.count - stale.count
            guard !stale.isEmpty else { continue }
            let texts = stale.map { Artifact(document: $0.document)?.embeddingText ?? "" }
            let vectors = try embedder.embed(texts)
            var records = stale
            for position in records.indices {
                records[position].vector = vectors[position]
                records[position].embedder = embedder.fingerprint
            }
            try index.upsert(records)
            reembedded += records.count
        }
        return (reembedded, unchanged, try index.rebuildStructures())
    }

    /// Entries embedded and written together by `synchronize`: a failure late in a large run
    /// keeps what was done before it, and memory holds one page of vectors.
    static let synchronizePage = 512

    /// Makes `collection` hold exactly `artifacts`, embedding only those whose text or embedder
    /// changed since they were indexed (by content hash) and removing entries no longer given.
    public func synchronize(collection: String, with artifacts: [Artifact],
                            removingOthers: Bool = true) throws(ToolHostError) -> (embedded: Int, unchanged: Int, removed: Int) {
        let known = try index.fingerprints(collection: collection)
        let changed = artifacts.filter { artifact in
            guard let entry = known[artifact.id] else { return true }
            return entry.contentHash != artifact.contentHash || entry.embedder != embedder.fingerprint
        }
        var start = 0
        while start < changed.count {
            let page = Array(changed[start..<min(start + Self.synchronizePage, changed.count)])
            let vectors = try embedder.embed(page.map(\.embeddingText))
            try index.upsert(zip(page, vectors).map { vectorRecord($0, collection: collection, vector: $1) })
            start += page.count
        }
        var removed = 0
        if removingOthers {
            let given = Set(artifacts.map(\.id))
            removed = try index.remove(collection: collection, artifactIDs: known.keys.filter { !given.contains($0) }.sorted())
        }
        return (changed.count, artifacts.count - changed.count, removed)
    }

    private static func counts(_ counts: [String: Int]) -> JSONObject {
        JSONObject(counts.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) })
    }

    private func vectorRecord(_ artifact: Artifact, collection: String, vector: [Float]) -> VectorRecord {
        VectorRecord(collection: collection, artifactID: artifact.id, artifactType: artifact.type, tags: artifact.tags,
                     document: artifact.document, contentHash: artifact.contentHash, embedder: embedder.fingerprint, vector: vector)
    }
}
