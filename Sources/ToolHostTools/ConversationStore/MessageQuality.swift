import ToolHostCore

/// The quality score `add_message` gives an assistant message the caller did not score:
/// a heuristic for picking training examples, not a judgement of content.
///
/// Start at 0.5, then
/// - +0.1 when the response is 20 to 100 words long (whitespace-separated);
/// - +0.1 when it took 0.5 to 3 seconds (`processing_time`);
/// - +0.2 × (emotion_confidence − 0.5) when the confidence is known;
/// - +0.1 when 1 to 5 memories informed it (`memory_context`: an array of memories, or an
///   object whose `memories` array lists them);
/// and clamp to [0, 1].
enum MessageQuality {
    static func score(content: String, processingTime: Double?, emotionConfidence: Double?, memoriesUsed: Int?) -> Double {
        var score = 0.5
        if (20...100).contains(wordCount(content)) { score += 0.1 }
        if let processingTime, (0.5...3).contains(processingTime) { score += 0.1 }
        if let emotionConfidence { score += 0.2 * (emotionConfidence - 0.5) }
        if let memoriesUsed, (1...5).contains(memoriesUsed) { score += 0.1 }
        // Rounded so that 0.1 + 0.1 + 0.5 reads 0.7, not 0.7000000000000001.
        return (min(max(score, 0), 1) * 1e9).rounded() / 1e9
    }

    /// How many memories `memory_context` says were used, when it says.
    static func memoriesUsed(_ context: JSONValue?) -> Int? {
        switch context {
        case .array(let memories)?: memories.count
        case .object(let object)?: object["memories"]?.arrayValue?.count
        default: nil
        }
    }

    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            let isSpace = byte == 0x20 || (0x09...0x0D).contains(byte)
            if !isSpace && !inWord { count += 1 }
            inWord = !isSpace
        }
        return count
    }
}
