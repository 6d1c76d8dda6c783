import ToolHostCore

/// Drops the examples of an export that repeat an earlier one: exactly (the same bytes) or
/// nearly (the same text once normalised: letters and digits only, lower-cased, every run of
/// anything else one separator — so case, punctuation, spacing and weights do not make two
/// examples different). The first one written stays. Two hashes an example are kept, 16
/// bytes, so memory grows by that and no more.
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
        hasher.combine(bytes)
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
/// comparison.
struct NormalisedText {
    private(set) var bytes: [UInt8] = []

    var hash: Int {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

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
        var separate = !bytes.isEmpty
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...:
                if separate { bytes.append(UInt8(ascii: " ")) }
                separate = false
                bytes.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if separate { bytes.append(UInt8(ascii: " ")) }
                separate = false
                bytes.append(byte + 32)
            default:
                separate = !bytes.isEmpty
            }
        }
    }
}
