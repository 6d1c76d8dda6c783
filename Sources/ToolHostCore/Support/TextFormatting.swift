extension Double {
    /// The number as people write it in a sentence: `5` rather than `5.0`, `0.25` as is.
    var compactText: String {
        rounded() == self && magnitude < 1e15 ? String(Int64(self)) : String(self)
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
