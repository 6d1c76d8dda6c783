import ToolHostCore

/// Drops the examples of an export that repeat an earlier one: exactly (the same bytes) or
/// nearly (the same text once normalised: ASCII letters lower-cased, digits and non-ASCII bytes
/// kept, every run of other ASCII one separator — so case, ASCII punctuation, spacing, weights
/// and call ids do not make two examples different; non-ASCII punctuation does, and no Unicode
/// normalisation is made). The first one written stays. Two hashes an example are kept (16
/// bytes, some 40 with the sets' own overhead), so memory grows by that and no more (and two examples whose 64-bit hashes collide,
/// about one chance in 10^7 at a million examples, count as one).
struct ExampleDeduplicator {
    enum Verdict: Equatable {
        case new, exact, near
    }

    private(set) var exact = 0
    private(set) var near = 0
    private var seenBytes: Set<Int> = []
    private var seenText: Set<Int> = []

    /// Whether `bytes` (the example as written) or `example`'s text was seen before; what is
    /// new is remembered.
    mutating func verdict(on example: JSONObject, bytes: [UInt8]) -> Verdict {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }  // one pass, not an element at a time
        guard seenBytes.insert(hasher.finalize()).inserted else {
            exact += 1
            return .exact
        }
        var text = NormalisedText()
        for key in ["messages", "input", "preferred_output", "non_preferred_output"] {
            if let value = example[key] { text.add(value) }
        }
        guard seenText.insert(text.hash).inserted else {
            near += 1
            return .near
        }
        return .new
    }
}

/// The text of an example's values (keys, numbers and booleans left out), normalised for
/// comparison and hashed as it is read: no copy of the text is made. The normalised bytes go
/// eight at a time into a 64-bit multiply-xorshift hash (a table folds each byte), so the pass
/// costs little more than reading the text.
struct NormalisedText {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325
    private var word: UInt64 = 0
    private var filled = 0
    private var length = 0

    var hash: Int {
        var state = mixed(state, word)
        state ^= UInt64(length)
        // splitmix64's finaliser: every input bit reaches every output bit.
        state = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
        state = (state ^ (state >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: state ^ (state >> 31))
    }

    mutating func add(_ value: JSONValue) {
        switch value {
        case .string(let text): add(text)
        case .array(let items): for item in items { add(item) }
        // Call ids differ between otherwise equal examples (generated per call): not text.
        case .object(let object): for (key, member) in object where key != "id" && key != "tool_call_id" { add(member) }
        default: break
        }
    }

    /// What each byte becomes: ASCII letters lower-cased, digits and non-ASCII bytes kept,
    /// anything else 0, a separator (one, however long the run, and none at the start).
    private static let folded: [UInt8] = (0..<256).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...: UInt8(value)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt8(value) | 0x20
        default: 0
        }
    }

    private mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes in Self.folded.withUnsafeBufferPointer { add(bytes: bytes, folded: $0) } }
    }

    /// The loop keeps the hash's state in locals (registers), written back once.
    private mutating func add(bytes: UnsafeBufferPointer<UInt8>, folded: UnsafeBufferPointer<UInt8>) {
        var state = self.state, word = self.word, filled = self.filled, length = self.length
        @inline(__always) func push(_ value: UInt8) {
            word = word << 8 | UInt64(value)
            filled += 1
            length += 1
            if filled == 8 {
                state = mixed(state, word)
                word = 0
                filled = 0
            }
        }
        var separate = length > 0
        for byte in bytes {
            let kept = folded[Int(byte)]
            if kept == 0 {
                separate = length > 0
                continue
            }
            if separate {
                push(UInt8(ascii: " "))
                separate = false
            }
            push(kept)
        }
        self.state = state
        self.word = word
        self.filled = filled
        self.length = length
    }

    private func mixed(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let product = (state ^ word) &* 0x9E37_79B9_7F4A_7C15
        return product ^ (product >> 29)
    }
}
