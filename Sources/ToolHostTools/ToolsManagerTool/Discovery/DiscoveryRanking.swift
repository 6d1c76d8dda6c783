/// How discovery orders the tools for a need: `hybrid` (the default) fuses the text ranking
/// (BM25 over names, tags, descriptions and input fields) and the vector ranking (cosine
/// similarity of embeddings) by reciprocal-rank fusion; `text` and `vectors` use one of them
/// alone (for measuring what each brings). Whatever the ranking, of two tools with the same
/// score the one with more successful recorded calls comes first, then the smaller id.
public enum DiscoveryRanking: String, CaseIterable, Sendable {
    case hybrid, text, vectors

    /// Reciprocal-rank fusion's constant (Cormack, Clarke and Büttcher 2009): a tool's fused
    /// score is the sum over rankings of 1 / (k + its rank there), so a tool both rankings
    /// place well beats one that only one of them places first, and neither ranking's score
    /// scale matters.
    static let fusionK = 60.0

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
        case .hybrid:
            Set(textRanks.keys).union(vectorRanks.keys).map { id in
                let fused = (textRanks[id].map { 1 / (Self.fusionK + Double($0)) } ?? 0)
                    + vectorWeight * (vectorRanks[id].map { 1 / (Self.fusionK + Double($0)) } ?? 0)
                // Rounded so that ties stay exact whatever the floating-point path, and usage
                // decides them.
                return (id, (fused / ((1 + vectorWeight) / (Self.fusionK + 1)) * 1e9).rounded() / 1e9)
            }
        }
        return scored.map { Ranked(id: $0.id, score: $0.score, textRank: textRanks[$0.id], vectorRank: vectorRanks[$0.id], calls: calls[$0.id] ?? 0) }
            .sorted { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.calls != b.calls { return a.calls > b.calls }
                return a.id < b.id
            }
    }

    /// 1-based ranks of a list sorted best first, equal scores sharing a rank ("1, 2, 2, 4"):
    /// two tools a ranking cannot tell apart must not be told apart by their ids.
    static func ranks(_ list: [(id: String, score: Double)]) -> [String: Int] {
        var ranks: [String: Int] = [:]
        var previous: (score: Double, rank: Int)?
        for (position, entry) in list.enumerated() where ranks[entry.id] == nil {
            let rank = previous.map { $0.score == entry.score ? $0.rank : position + 1 } ?? position + 1
            ranks[entry.id] = rank
            previous = (entry.score, rank)
        }
        return ranks
    }
}
