import ToolHostMemory

/// How discovery orders the tools for a need: `hybrid` (the default) fuses the text ranking
/// (BM25 over names, tags, descriptions and input fields) and the vector ranking (cosine
/// similarity of embeddings) by reciprocal-rank fusion (`SearchRanking.fuse`); `text` and
/// `vectors` use one of them alone (for measuring what each brings). Whatever the ranking, of
/// two tools with the same score the one with more successful recorded calls comes first, then
/// the smaller id.
public typealias DiscoveryRanking = SearchRanking

extension DiscoveryRanking {
    /// One ranked tool: its score (hybrid: the fused score scaled so that first in both
    /// rankings is 1; text: BM25; vectors: cosine similarity), where each ranking placed it
    /// (1-based, nil when it did not match there) and its successful calls.
    struct Ranked {
        let id: String
        let score: Double
        let textRank: Int?
        let vectorRank: Int?
        let calls: Int
    }

    /// The tools in this ranking's order from the two rankings (each best first, with its
    /// scores) and usage counts.
    func order(text: [(id: String, score: Double)], vectors: [(id: String, score: Double)], calls: [String: Int],
               vectorWeight: Double = 1) -> [Ranked] {
        let textRanks = Self.ranks(text), vectorRanks = Self.ranks(vectors)
        let scored: [(id: String, score: Double)] = switch self {
        case .text: text
        case .vectors: vectors
        case .hybrid: Self.fuse(text: text, vectors: vectors, vectorWeight: vectorWeight).map { ($0.key, $0.value) }
        }
        return scored.map { Ranked(id: $0.id, score: $0.score, textRank: textRanks[$0.id], vectorRank: vectorRanks[$0.id], calls: calls[$0.id] ?? 0) }
            .sorted { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.calls != b.calls { return a.calls > b.calls }
                return a.id < b.id
            }
    }
}
