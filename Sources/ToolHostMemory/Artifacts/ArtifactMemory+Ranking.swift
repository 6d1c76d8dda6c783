import ToolHostCore
import ToolHostStorage

extension ArtifactMemory {
    /// How deep each ranking is read for a hybrid search: reciprocal-rank fusion needs the
    /// entries both rankings place well, not only the first `limit` of each.
    static let fusionDepth = 100

    /// `query` (vector, filters, validity, limit) answered by `ranking`:
    ///
    /// - `vectors`: the nearest entries by cosine similarity (as before rankings existed).
    /// - `text`: the entries holding words of `text`, best full-text match first.
    /// - `hybrid`: both read `fusionDepth` deep (or `limit` when deeper), fused by reciprocal
    ///   rank with equal weights (`SearchRanking.fuse`); ties go to the higher cosine similarity,
    ///   then the smaller id.
    ///
    /// In each, `score` is the cosine similarity and `minSimilarity` applies to it, so a caller's
    /// threshold means the same whatever the order.
    func search(_ query: VectorQuery, text: String, ranking: SearchRanking) throws(ToolHostError) -> [VectorMatch] {
        switch ranking {
        case .vectors:
            return try index.search(query)
        case .text:
            return try index.textSearch(query, text: text).filter { $0.score >= query.minSimilarity }
        case .hybrid:
            var deep = query
            deep.limit = max(query.limit, Self.fusionDepth)
            let vectors = try index.search(deep)
            let texts = try index.textSearch(deep, text: text).filter { $0.score >= query.minSimilarity }
            var byID: [String: VectorMatch] = [:]
            for match in vectors + texts { byID[match.artifactID] = match }
            let fused = SearchRanking.fuse(text: texts.enumerated().map { ($0.element.artifactID, -Double($0.offset)) },
                                           vectors: vectors.map { ($0.artifactID, Double($0.score)) })
            return byID.values.sorted { a, b in
                let (fusedA, fusedB) = (fused[a.artifactID] ?? 0, fused[b.artifactID] ?? 0)
                if fusedA != fusedB { return fusedA > fusedB }
                if a.score != b.score { return a.score > b.score }
                return a.artifactID < b.artifactID
            }.prefix(query.limit).map { $0 }
        }
    }

    /// The ids of the artifacts that say they supersede `id`, in bulk storage or the collection
    /// (sorted; empty when none does).
    public func supersedingIDs(of ids: [String], collection: String = defaultCollection) throws(ToolHostError) -> [String: [String]] {
        var result = try withDatabaseErrors { () throws(DatabaseError) in try bulk.supersedingIDs(of: ids) }
        for (id, newer) in try index.supersedingIDs(collection: collection, of: ids) { result[id, default: []].append(contentsOf: newer) }
        return result.mapValues { Array(Set($0)).sorted() }
    }
}
