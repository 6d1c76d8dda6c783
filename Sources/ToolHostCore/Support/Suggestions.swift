/// "Did you mean ...?" candidates for a mistyped name (a tool id, a property, an operation).
///
/// Works on UTF-8 bytes rather than Characters: it runs for every unknown key of every tool
/// while a catalogue loads, and grapheme-aware string operations made that the hot spot.
public enum Suggestions {
    /// Up to `limit` names from `candidates` close to `name`, closest first: names within a
    /// small edit distance (a third of the length, at least 2), then names that contain it or
    /// are contained in it.
    public static func closest(to name: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let target = lowered(name)
        guard !target.isEmpty else { return [] }
        let threshold = max(2, target.count / 3)
        var scored: [(distance: Int, name: String)] = []
        for candidate in candidates {
            let other = lowered(candidate)
            if let distance = editDistance(target, other, atMost: threshold) {
                scored.append((distance, candidate))
            } else if min(target.count, other.count) >= 3, contains(other, target) || contains(target, other) {
                scored.append((threshold + 1, candidate))
            }
        }
        return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.prefix(limit).map(\.name)
    }

    /// Levenshtein distance of two strings' UTF-8 bytes, or nil when it is more than `bound`.
    public static func editDistance(_ a: String, _ b: String, atMost bound: Int = .max) -> Int? {
        editDistance(Array(a.utf8), Array(b.utf8), atMost: bound)
    }

    /// Levenshtein distance, or nil as soon as it must exceed `bound` (O(n·m) time, O(m) space).
    static func editDistance(_ a: [UInt8], _ b: [UInt8], atMost bound: Int) -> Int? {
        guard abs(a.count - b.count) <= bound else { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > bound { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= bound ? previous[b.count] : nil
    }

    private static func lowered(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
