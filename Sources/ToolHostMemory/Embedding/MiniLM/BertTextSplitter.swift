@_spi(_Unicode) import Swift

/// The words BERT's WordPiece model sees in a text: Hugging Face `tokenizers`' BertNormalizer
/// followed by its BertPreTokenizer, step for step, so that token ids match the reference.
///
/// 1. Clean: drop NUL, U+FFFD and "control" scalars — categories Cc (but tab, newline and
///    carriage return, which are whitespace), Cf, Co and Cs, as `tokenizers` counts them
///    (unassigned scalars stay) — and turn every whitespace scalar into a space.
/// 2. Put spaces around CJK ideographs, so that each is a word of its own (`tokenizers`' ranges,
///    including its 0x2B920 start of the Extension E–F block).
/// 3. Strip accents: canonical decomposition (NFD), then drop nonspacing marks (Mn).
/// 4. Lower-case scalar by scalar (no final-sigma rule, as Rust's `char::to_lowercase`).
/// 5. Split at whitespace, and make every punctuation scalar (ASCII punctuation, or a Unicode
///    P* category) a word of its own.
///
/// Everything works on Unicode scalars, which are Rust's `char`s, never on grapheme clusters.
struct BertTextSplitter: Sendable {
    var cleansText = true
    var isolatesChineseCharacters = true
    var stripsAccents = true
    var lowercases = true

    func words(_ text: Substring) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if cleansText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
                if Self.isWhitespace(scalar) {
                    cleaned.append(" ")
                    continue
                }
            }
            if isolatesChineseCharacters, Self.isChineseCharacter(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var normalized = String.UnicodeScalarView()
        let appendCased = { (scalar: Unicode.Scalar, into: inout String.UnicodeScalarView) in
            if lowercases, scalar.properties.changesWhenLowercased {
                into.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                into.append(scalar)
            }
        }
        if stripsAccents {
            for scalar in String(cleaned)._nfd where scalar.properties.generalCategory != .nonspacingMark {
                appendCased(scalar, &normalized)
            }
        } else {
            for scalar in cleaned { appendCased(scalar, &normalized) }
        }
        return Self.split(normalized)
    }

    /// Whitespace ends a word; punctuation is a word of its own.
    private static func split(_ scalars: String.UnicodeScalarView) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        func finish() {
            if !word.isEmpty { words.append(String(word)) }
            word = String.UnicodeScalarView()
        }
        for scalar in scalars {
            if isWhitespace(scalar) {
                finish()
            } else if isPunctuation(scalar) {
                finish()
                words.append(String(scalar))
            } else {
                word.append(scalar)
            }
        }
        finish()
        return words
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate: return true
            default: return false
            }
        }
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value) || (0x5B...0x60).contains(value) || (0x7B...0x7E).contains(value)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
