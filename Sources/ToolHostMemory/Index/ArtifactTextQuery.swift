import ToolHostCore

/// The words of a search text as each engine's full-text index is asked for them: any word
/// may match (the text ranking orders by how well, it does not require all), each word
/// reduced to letters and digits so that user text is never query syntax.
///
/// Both engines stem (FTS5's `porter` tokenizer, PostgreSQL's `english` configuration), and
/// weigh an artifact's fields as tool discovery's BM25 does (`TextRanking`): a word in the
/// name counts 3, in the tags 2, in the description 1.5, in the content 1.
struct ArtifactTextQuery {
    let words: [String]

    /// Nil when `text` has no word at all.
    init?(_ text: String) {
        var seen = Set<String>()
        words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter { seen.insert($0).inserted }
        guard !words.isEmpty else { return nil }
    }

    /// FTS5: `"w1" OR "w2"`.
    var fts5: String { words.map { "\"\($0)\"" }.joined(separator: " OR ") }

    /// PostgreSQL's `to_tsquery`: `w1 | w2` (stop words are dropped by the configuration).
    var tsquery: String { words.joined(separator: " | ") }

    /// The FTS5 table over `memory_vectors` (migration 11).
    static let fts5Table = "memory_vectors_fts"

    /// FTS5's BM25 with the field weights, columns (name, description, tags, content); lower
    /// is better.
    static let fts5Rank = "bm25(\(fts5Table), 3.0, 1.5, 2.0, 1.0)"

    /// `ts_rank` with weights D (content), C (description), B (tags), A (name) in the ratio
    /// 1 : 1.5 : 2 : 3; higher is better.
    static func postgresRank(_ vector: String, _ tsquery: String) -> String {
        "ts_rank('{0.33, 0.5, 0.67, 1.0}', \(vector), to_tsquery('english', \(tsquery)))"
    }

}
