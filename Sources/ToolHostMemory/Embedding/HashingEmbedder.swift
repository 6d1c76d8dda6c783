import ToolHostCore

/// The embedded default: feature hashing of word unigrams, word bigrams and character
/// trigrams into a fixed number of dimensions, L2-normalised.
///
/// No model and no network, and the same vector for the same text on every run and machine
/// (FNV-1a over bytes, never Swift's seeded `Hasher`). It finds texts that share words and
/// word parts — "store a log line" finds `store_log` — not synonyms; a real model
/// (`ollama`, `openai`) does that.
public struct HashingEmbedder: Embedder {
    public let dimension: Int

    /// Weights of the three kinds of feature: whole words count most, a word pair adds
    /// phrase sense, character trigrams let "logging" meet "logs".
    static let wordWeight: Float = 1.0
    static let bigramWeight: Float = 0.6
    static let trigramWeight: Float = 0.5

    /// Words too common to say anything about a need.
    static let stopWords: Set<[UInt8]> = Set([
        "a", "an", "the", "to", "of", "and", "or", "in", "on", "for", "with", "by", "is", "are", "be", "it", "its", "this",
        "that", "from", "as", "at", "i", "me", "my", "we", "our", "you", "your", "can", "do", "does", "how", "what", "which",
        "want", "need", "some", "any", "all", "into", "so", "if", "then", "there", "their", "them", "will", "would", "should",
    ].map { Array($0.utf8) })

    public init(dimension: Int = 384) {
        self.dimension = max(dimension, 1)
    }

    public var fingerprint: String { "hashing-v1:\(dimension)" }

    public func embed(_ texts: [String]) -> [[Float]] {
        texts.map(vector)
    }

    /// The vector of one text.
    public func vector(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        let words = Self.words(text)
        var previous: [UInt8]?
        for word in words {
            add(Self.hash(kind: 0x77, word), weight: Self.wordWeight, to: &vector)
            if let previous { add(Self.hash(kind: 0x62, previous, 0x20, word), weight: Self.bigramWeight, to: &vector) }
            previous = word
            // Trigrams of the word with its boundaries marked, weighted so a long word counts
            // about as much as a short one.
            let padded = [0x5E] + word + [0x24]
            let count = padded.count - 2
            let weight = Self.trigramWeight / Float(count).squareRoot()
            for start in 0..<count {
                add(Self.hash(kind: 0x63, padded[start..<start + 3]), weight: weight, to: &vector)
            }
        }
        vector.normalize()
        return vector
    }

    private func add(_ hash: UInt64, weight: Float, to vector: inout [Float]) {
        // The top bit chooses the sign, so collisions cancel out on average instead of adding up.
        let index = Int(hash % UInt64(dimension))
        vector[index] += hash >> 63 == 0 ? weight : -weight
    }

    /// The words of `text` (`WordSplitter`), plural endings folded, stop words left out.
    static func words(_ text: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        WordSplitter.forEachWord(in: text) { bytes in
            let word = folded(bytes)
            if !stopWords.contains(word) { words.append(word) }
        }
        return words
    }

    /// English plurals to their singular, conservatively: "queries" → "query", "logs" → "log",
    /// but "class", "status" and short words stay.
    static func folded(_ word: [UInt8]) -> [UInt8] {
        let s = UInt8(ascii: "s")
        guard word.count > 3, word.last == s else { return word }
        let beforeLast = word[word.count - 2]
        if word.count > 4, word.suffix(3) == [UInt8(ascii: "i"), UInt8(ascii: "e"), s] { return word.dropLast(3) + [UInt8(ascii: "y")] }
        if beforeLast == s || beforeLast == UInt8(ascii: "u") || beforeLast == UInt8(ascii: "i") { return word }
        return Array(word.dropLast())
    }

    /// 64-bit FNV-1a over a kind byte and the feature's parts.
    static func hash(kind: UInt8, _ parts: some Collection<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        hash = (hash ^ UInt64(kind)) &* 0x0000_0100_0000_01B3
        for byte in parts { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return finalize(hash)
    }

    static func hash(kind: UInt8, _ first: [UInt8], _ separator: UInt8, _ second: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        hash = (hash ^ UInt64(kind)) &* 0x0000_0100_0000_01B3
        for byte in first { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = (hash ^ UInt64(separator)) &* 0x0000_0100_0000_01B3
        for byte in second { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return finalize(hash)
    }

    /// FNV's low bits mix poorly for short inputs; a final avalanche (splitmix64's) spreads them.
    private static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
