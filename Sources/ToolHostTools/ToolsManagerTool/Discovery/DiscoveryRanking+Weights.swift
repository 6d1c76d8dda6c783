import ToolHostMemory

extension DiscoveryRanking {
    /// How much the vector ranking counts in the fusion against the text ranking (1).
    ///
    /// A model's embeddings (ollama, openai) carry meaning BM25 cannot see — synonyms,
    /// paraphrases — and count as much as the text. The built-in hashing embedder hashes the same
    /// words (and word parts) BM25 reads, with collisions: it adds little the text ranking does
    /// not know, and noise. Measured on the labelled needs of Benchmarks/discovery/needs.json,
    /// every weight above 0.05 lowered hybrid hit@1 (weights 0.1, 0.25, 0.5, 1: 0.41, 0.38,
    /// 0.35, 0.35, against 0.47 at 0.05 and at 0); at 0.05 it orders what the text ranks alike or
    /// does not match at all, and barely moves the rest.
    static func vectorWeight(for embedder: any Embedder) -> Double {
        embedder is HashingEmbedder ? hashingVectorWeight : 1
    }

    static let hashingVectorWeight = 0.05
}
