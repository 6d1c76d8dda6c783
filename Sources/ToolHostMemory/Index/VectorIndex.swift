import ToolHostCore
import ToolHostStorage

/// One entry of a vector index: an artifact's vector, the fields searches filter on, and the
/// artifact itself (`document`), so an artifact kept only in the index can be read back.
public struct VectorRecord: Sendable {
    public var collection: String
    public var artifactID: String
    public var artifactType: String
    public var tags: [String]
    public var document: JSONObject
    /// Of the embedded text: an unchanged hash means the vector need not be made again.
    public var contentHash: String
    public var embedder: String
    public var vector: [Float]

    public init(collection: String, artifactID: String, artifactType: String, tags: [String], document: JSONObject,
                contentHash: String, embedder: String, vector: [Float]) {
        self.collection = collection
        self.artifactID = artifactID
        self.artifactType = artifactType
        self.tags = tags
        self.document = document
        self.contentHash = contentHash
        self.embedder = embedder
        self.vector = vector
    }

    /// When the entry's fact holds, from its document (the artifact's own fields).
    public var validity: ArtifactValidity { ArtifactValidity(document: document) }
}

/// What a search asks for: the nearest `limit` vectors of one collection made by one embedder,
/// among those of the given types and tags, valid as `validity` says, at least `minSimilarity`
/// alike.
public struct VectorQuery: Sendable {
    public enum TagMatch: String, Sendable { case any, all }

    public var collection: String
    public var embedder: String
    public var vector: [Float]
    public var types: [String] = []
    public var tags: [String] = []
    public var tagMatch = TagMatch.any
    public var limit = 10
    public var minSimilarity: Float = -1
    /// Entries valid now unless the caller asks for another time or for every entry.
    public var validity = ValidityFilter.current

    public init(collection: String, embedder: String, vector: [Float]) {
        self.collection = collection
        self.embedder = embedder
        self.vector = vector
    }

    /// Whether an entry of this type and these tags is a candidate.
    func admits(type: String, tags entryTags: [String]) -> Bool {
        if !types.isEmpty, !types.contains(type) { return false }
        guard !tags.isEmpty else { return true }
        switch tagMatch {
        case .any: return tags.contains { entryTags.contains($0) }
        case .all: return tags.allSatisfy { entryTags.contains($0) }
        }
    }
}

public struct VectorMatch: Sendable {
    public let artifactID: String
    public let score: Float
    public let document: JSONObject

    /// The score as answers show it: four decimals (a Float's tail digits say nothing).
    public var displayedScore: Double { (Double(score) * 10000).rounded() / 10000 }
}

/// A position in (collection, artifact id) order.
public struct VectorCursor: Sendable, Equatable {
    public let collection: String
    public let artifactID: String

    public init(collection: String, artifactID: String) {
        self.collection = collection
        self.artifactID = artifactID
    }
}

/// What a collection holds, for `stats`.
public struct CollectionStats: Sendable {
    public let collection: String
    public let count: Int
    public let byEmbedder: [String: Int]
    public let byType: [String: Int]
}

/// A vector index backend. Shaped so that a remote store (Qdrant's collections, UUIDv5 point
/// ids from artifact ids, payload filters on type and tags) fits behind it as well as the
/// database does: every call names its collection, entries are keyed by artifact id, and
/// filters are plain values rather than SQL.
public protocol VectorIndex {
    /// Inserts or replaces entries by (collection, artifact id).
    func upsert(_ records: [VectorRecord]) throws(ToolHostError)
    /// Removes entries; answers how many existed.
    @discardableResult
    func remove(collection: String, artifactIDs: [String]) throws(ToolHostError) -> Int
    /// The entry of an artifact, without its vector (empty).
    func record(collection: String, artifactID: String) throws(ToolHostError) -> VectorRecord?
    /// The best matches, most similar first.
    func search(_ query: VectorQuery) throws(ToolHostError) -> [VectorMatch]
    /// Up to `query.limit` entries, among those `query` admits, that hold words of `text`, the
    /// best text match (BM25 on SQLite, `ts_rank` on PostgreSQL) first; each `score` is still
    /// the cosine similarity to `query.vector`, so that every ranking reports the same measure.
    func textSearch(_ query: VectorQuery, text: String) throws(ToolHostError) -> [VectorMatch]
    /// For each of `artifactIDs`, the entries of the collection that say they supersede it.
    func supersedingIDs(collection: String, of artifactIDs: [String]) throws(ToolHostError) -> [String: [String]]
    /// (artifact id, content hash, embedder) of every entry of a collection: what an
    /// incremental indexer compares against.
    func fingerprints(collection: String) throws(ToolHostError) -> [String: (contentHash: String, embedder: String)]
    /// Up to `limit` entries after `cursor` in (collection, artifact id) order, vectors left
    /// empty: how `reindex` walks the index while it rewrites it.
    func page(after cursor: VectorCursor?, limit: Int) throws(ToolHostError) -> [VectorRecord]
    func stats() throws(ToolHostError) -> [CollectionStats]
    /// Brings the backend's own structures in line with the settings (an approximate index
    /// built with other parameters); answers how many it rebuilt. Part of `reindex`.
    func rebuildStructures() throws(ToolHostError) -> Int
}

extension VectorIndex {
    /// Nothing to rebuild: the exact index has no structure of its own.
    public func rebuildStructures() throws(ToolHostError) -> Int { 0 }
}
