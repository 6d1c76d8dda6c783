/// Walks SQL text and tells which bytes are inside quoted strings, quoted identifiers,
/// dollar-quoted bodies or comments, where placeholders must not be recognised.
struct SQLScanner {
    let bytes: [UInt8]
    let dialect: SQLDialect

    /// Whether the text holds more than one statement: a `;` in code followed by more code.
    func holdsSeveralStatements() -> Bool {
        var sawSeparator = false
        for range in codeRanges() {
            for index in range {
                let byte = bytes[index]
                if byte == UInt8(ascii: ";") {
                    sawSeparator = true
                } else if sawSeparator, byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09 {
                    return true
                }
            }
        }
        return false
    }

    /// The first word of code, upper-cased (`SELECT`, `BEGIN`...).
    func firstKeyword() -> String {
        for range in codeRanges() {
            var word: [UInt8] = []
            for index in range {
                let byte = bytes[index]
                let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                if isLetter {
                    word.append(byte & 0xDF)
                } else if !word.isEmpty || !(byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x28) {
                    return String(decoding: word, as: UTF8.self)
                }
            }
            if !word.isEmpty { return String(decoding: word, as: UTF8.self) }
        }
        return ""
    }

    /// The byte ranges of SQL outside literals and comments, in order.
    func codeRanges() -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        func skip(to end: Int) {
            if start < index { ranges.append(start..<index) }
            index = min(end, bytes.count)
            start = index
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            switch byte {
            case UInt8(ascii: "'"):
                let escapes = dialect == .postgres && index > 0 && (bytes[index - 1] == UInt8(ascii: "E") || bytes[index - 1] == UInt8(ascii: "e"))
                skip(to: closingQuote(from: index + 1, quote: UInt8(ascii: "'"), backslashEscapes: escapes))
            case UInt8(ascii: "\""):
                skip(to: closingQuote(from: index + 1, quote: UInt8(ascii: "\""), backslashEscapes: false))
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                var end = index
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                skip(to: end)
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                var end = index + 2
                while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) { end += 1 }
                skip(to: end + 2)
            case UInt8(ascii: "$") where dialect == .postgres:
                if let tagEnd = dollarTagEnd(from: index) {
                    let tag = bytes[index...tagEnd]
                    var search = tagEnd + 1
                    var close = bytes.count
                    while search + tag.count <= bytes.count {
                        if bytes[search..<(search + tag.count)].elementsEqual(tag) {
                            close = search + tag.count
                            break
                        }
                        search += 1
                    }
                    skip(to: close)
                } else {
                    index += 1
                }
            default:
                index += 1
            }
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }

    /// The index just past the closing quote (doubled quotes are escapes).
    private func closingQuote(from start: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var index = start
        while index < bytes.count {
            if backslashEscapes, bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == quote {
                if index + 1 < bytes.count, bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return bytes.count
    }

    /// For `$tag$` or `$$` at `start`, the index of the closing `$` of the tag.
    private func dollarTagEnd(from start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "$") { return index }
            let isTagCharacter = byte == UInt8(ascii: "_") || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || (index > start + 1 && byte >= 0x30 && byte <= 0x39)
            guard isTagCharacter else { return nil }
            index += 1
        }
        return nil
    }
}
