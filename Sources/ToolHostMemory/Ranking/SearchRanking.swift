/// How a search orders what it finds: `vectors` by the cosine similarity of embeddings, `text`
/// by full-text match (BM25), `hybrid` by both, fused by reciprocal rank. Tool discovery
/// (`DiscoveryRanking`) and `artifact_store` `find_similar` take the same values.
public enum SearchRanking: String, CaseIterable, Sendable {
    case hybrid, text, vectors

    /// Reciprocal-rank fusion's constant (Cormack, Clarke and Büttcher 2009): an entry's fused
    /// score is the sum over rankings of 1 / (k + its rank there), so an entry both rankings
    /// place well beats one that only one of them places first, and neither ranking's score
    /// scale matters.
    public static let fusionK = 60.0

    /// The fused score of every entry of either list (each best first, with its scores), the
    /// vector ranking counting `vectorWeight` against the text's 1, scaled so that first in
    /// both is 1. Rounded so that ties stay exact whatever the floating-point path, and the
    /// caller's tie-breaker decides them.
    public static func fuse(text: [(id: String, score: Double)], vectors: [(id: String, score: Double)],
                            vectorWeight: Double = 1) -> [String: Double] {
        let textRanks = ranks(text), vectorRanks = ranks(vectors)
        var fused: [String: Double] = [:]
        for id in Set(textRanks.keys).union(vectorRanks.keys) {
            let sum = (textRanks[id].map { 1 / (fusionK + Double($0)) } ?? 0)
                + vectorWeight * (vectorRanks[id].map { 1 / (fusionK + Double($0)) } ?? 0)
            fused[id] = (sum / ((1 + vectorWeight) / (fusionK + 1)) * 1e9).rounded() / 1e9
        }
        return fused
    }

    /// 1-based ranks of a list sorted best first, equal scores sharing a rank ("1, 2, 2, 4"):
    /// two entries a ranking cannot tell apart must not be told apart by their ids.
    public static func ranks(_ list: [(id: String, score: Double)]) -> [String: Int] {
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
