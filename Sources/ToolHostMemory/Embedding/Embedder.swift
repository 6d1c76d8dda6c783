import ToolHostCore

/// Turns texts into vectors for semantic search. Every vector is L2-normalised, so cosine
/// similarity is a dot product.
public protocol Embedder: Sendable {
    /// Names the method, model and (when known in advance) dimension. Vectors of different
    /// fingerprints are never compared: a changed embedder means `reindex`.
    var fingerprint: String { get }
    /// One vector per text, in order.
    func embed(_ texts: [String]) throws(ToolHostError) -> [[Float]]
}

extension ErrorCode {
    /// The embedding server cannot be reached, or does not serve the configured model.
    public static let embedderUnavailable = ErrorCode("embedder_unavailable")
    /// The embedding server answered, but not with usable vectors.
    public static let embedderFailed = ErrorCode("embedder_failed")
    /// Vectors of different lengths met (a changed embedder, or a server returning mixed sizes).
    public static let dimensionMismatch = ErrorCode("dimension_mismatch")
    /// The configured vector index cannot be used (pgvector missing, wrong database).
    public static let vectorIndexUnavailable = ErrorCode("vector_index_unavailable")
}

/// The embedder the configuration names.
public enum Embedders {
    public static func make(_ settings: MemorySettings) -> any Embedder {
        switch settings.embedder {
        case .hashing: HashingEmbedder(dimension: settings.dimension)
        case .ollama: HTTPEmbedder(api: .ollama, settings: settings)
        case .openai: HTTPEmbedder(api: .openAI, settings: settings)
        case .minilm: MiniLMEmbedder(modelPath: settings.minilmModelPath)
        }
    }
}

extension Array where Element == Float {
    /// Scaled to length 1; a zero vector stays zero (it matches nothing).
    mutating func normalize() {
        var sum: Float = 0
        for value in self { sum += value * value }
        guard sum > 0 else { return }
        let scale = 1 / sum.squareRoot()
        for index in indices { self[index] *= scale }
    }
}
