/// What in a text each of `RecordRedaction`'s detectors needs before its regular expression can
/// match, found in one pass over the bytes: most text has no `@`, few digits and no key prefix,
/// and a regular expression costs far more than this pass. The regular expressions' `\d` matches
/// any Unicode digit (fullwidth `４`, Arabic-Indic `٤`), so every non-ASCII byte counts as a
/// digit: text in other scripts always gets the digit detectors, ASCII text only when it has
/// enough digits.
struct RedactionTriggers {
    var digits = 0, dots = 0, colons = 0, ats = 0, equals = 0
    /// The text holds a byte sequence an API-key shape starts with (`sk-`, `gh?_`, `github_pat_`,
    /// `AKIA`, `xox?-`, `AIza`, `eyJ`).
    var mayHoldAPIKey = false
    /// The text holds "bearer" in some case (its last three letters).
    var mayHoldBearer = false

    /// What every form `CredentialRedaction` masks needs: `:`, `=` or "bearer".
    var mayHoldCredential: Bool { colons > 0 || equals > 0 || mayHoldBearer }

    init(_ text: String) {
        var text = text
        self = text.withUTF8 { bytes in Self.classes.withUnsafeBufferPointer { Self(bytes: bytes, classes: $0) } }
    }

    private enum Class: UInt8 {
        case none = 0, digit, dot, colon, at, equals, keyByte
    }

    /// Each byte's class: a table lookup instead of a chain of comparisons, and most bytes
    /// (letters, spaces) are `none`.
    private static let classes: [Class] = (0..<256).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...: .digit
        case UInt8(ascii: "."): .dot
        case UInt8(ascii: ":"): .colon
        case UInt8(ascii: "@"): .at
        case UInt8(ascii: "="): .equals
        // The third byte of a key prefix or of "bearer" ("rer"): checked against the two before.
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "I"), UInt8(ascii: "x"), UInt8(ascii: "z"), UInt8(ascii: "J"),
             UInt8(ascii: "r"), UInt8(ascii: "R"): .keyByte
        default: .none
        }
    }

    /// Counts in locals (registers), stored once at the end.
    private init(bytes: UnsafeBufferPointer<UInt8>, classes: UnsafeBufferPointer<Class>) {
        var digits = 0, dots = 0, colons = 0, ats = 0, equals = 0
        for index in bytes.indices {
            switch classes[Int(bytes[index])] {
            case .none: continue
            case .digit: digits += 1
            case .dot: dots += 1
            case .colon: colons += 1
            case .at: ats += 1
            case .equals: equals += 1
            case .keyByte where index >= 2: check(bytes[index], after: (bytes[index - 2], bytes[index - 1]))
            case .keyByte: continue
            }
        }
        (self.digits, self.dots, self.colons, self.ats, self.equals) = (digits, dots, colons, ats, equals)
    }

    /// `byte` after `previous`: the end of `sk-`, `gh?_`, `github_` (`ub_`), `AKI`, `xox`, `AIz`,
    /// `eyJ`, or of "rer" in "bearer".
    private mutating func check(_ byte: UInt8, after previous: (UInt8, UInt8)) {
        switch byte {
        case UInt8(ascii: "r"), UInt8(ascii: "R"):
            if previous.1 | 0x20 == UInt8(ascii: "e"), previous.0 | 0x20 == UInt8(ascii: "r") { mayHoldBearer = true }
        case UInt8(ascii: "-") where previous == (UInt8(ascii: "s"), UInt8(ascii: "k")),
             UInt8(ascii: "_") where previous.0 == UInt8(ascii: "h") || previous == (UInt8(ascii: "u"), UInt8(ascii: "b")),
             UInt8(ascii: "I") where previous == (UInt8(ascii: "A"), UInt8(ascii: "K")),
             UInt8(ascii: "x") where previous == (UInt8(ascii: "x"), UInt8(ascii: "o")),
             UInt8(ascii: "z") where previous == (UInt8(ascii: "A"), UInt8(ascii: "I")),
             UInt8(ascii: "J") where previous == (UInt8(ascii: "e"), UInt8(ascii: "y")):
            mayHoldAPIKey = true
        default:
            break
        }
    }
}
