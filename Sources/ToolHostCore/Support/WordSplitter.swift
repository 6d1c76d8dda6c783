/// Splits text into the words both the hashing embedder and tool discovery match on: ASCII
/// letters and digits lowercased (other UTF-8 text kept as is), split at punctuation, spaces,
/// underscores and camelCase humps (`csv_to_json`, `parseHTML` → csv, to, json, parse, html).
/// Text past 64 KiB is not read: neither a vector nor a ranking has anything more to learn.
///
/// One splitter, so that the embedder's words and BM25's words cannot drift apart; each caller
/// folds and filters the words its own way.
public enum WordSplitter {
    public static let maxBytes = 65536

    /// Calls `body` with each word of `text`, in order (the buffer is reused: copy what you keep).
    public static func forEachWord(in text: String, _ body: ([UInt8]) -> Void) {
        var current: [UInt8] = []
        var previousWasLower = false
        func finish() {
            if !current.isEmpty {
                body(current)
                current.removeAll(keepingCapacity: true)
            }
            previousWasLower = false
        }
        for byte in text.utf8.prefix(maxBytes) {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                current.append(byte)
                previousWasLower = byte >= UInt8(ascii: "a")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if previousWasLower { finish() }
                current.append(byte + 32)
                previousWasLower = false
            case 0x80...:
                current.append(byte)
                previousWasLower = false
            default:
                finish()
            }
        }
        finish()
    }
}
