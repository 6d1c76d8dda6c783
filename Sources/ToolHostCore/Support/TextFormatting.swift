extension Double {
    /// The number as people write it in a sentence: `5` rather than `5.0`, `0.25` as is.
    public var compactText: String {
        rounded() == self && magnitude < 1e15 ? String(Int64(self)) : String(self)
    }
}

extension BinaryInteger {
    /// The number with its thousands grouped, as people read it: 1234567 → "1,234,567".
    public var groupedText: String {
        let digits = String(magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return self < 0 ? "-" + result : result
    }
}

extension Collection<UInt8> {
    /// True when the bytes are empty or only JSON whitespace (space, tab, CR, LF).
    public var isBlankJSONText: Bool {
        allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    public var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}

extension String {
    /// Whether `needle` occurs in the text, compared byte by byte. The standard
    /// `contains(_: StringProtocol)` goes through the string-processing library, whose first
    /// call in a process costs a measurable share of a `toolhost run` (its start-up loads the
    /// library's tables).
    public func containsBytes(_ needle: String) -> Bool {
        let haystack = Array(utf8)
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return true }
        guard pattern.count <= haystack.count else { return false }
        let first = pattern[0]
        var index = 0
        while index <= haystack.count - pattern.count {
            if haystack[index] == first, haystack[index..<(index + pattern.count)].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }
}
