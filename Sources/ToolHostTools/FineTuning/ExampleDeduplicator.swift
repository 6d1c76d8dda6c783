import ToolHostCore

/// Drops the examples of an export that repeat an earlier one: exactly (the same bytes) or
/// nearly (the same text once normalised: letters and digits only, lower-cased, every run of
/// anything else one separator — so case, punctuation, spacing and weights do not make two
/// examples different). The first one written stays. Two hashes an example are kept, 16
/// bytes, so memory grows by that and no more (and two examples whose 64-bit hashes collide,
/// about one chance in 10^8 at a million examples, count as one).
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
/// comparison and hashed as it is read (64-bit FNV-1a: no copy of the text is made).
struct NormalisedText {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325
    private var started = false

    var hash: Int { Int(truncatingIfNeeded: state) }

    mutating func add(_ value: JSONValue) {
        switch value {
        case .string(let text): add(text)
        case .array(let items): for item in items { add(item) }
        case .object(let object): for (_, member) in object { add(member) }
        default: break
        }
    }

    /// ASCII letters lower-cased, digits and every non-ASCII byte kept, anything else a
    /// separator (one, however long the run, and none at the start).
    private mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(bytes: $0) }  // a buffer walk: several times faster than String.UTF8View's
    }

    private mutating func add(bytes: UnsafeBufferPointer<UInt8>) {
        var separate = started
        for byte in bytes {
            let kept: UInt8
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...: kept = byte
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): kept = byte | 0x20
            default:
                separate = started
                continue
            }
            if separate { mix(UInt8(ascii: " ")) }
            separate = false
            started = true
            mix(kept)
        }
    }

    private mutating func mix(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
}
