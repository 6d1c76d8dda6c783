/// "Did you mean ...?" candidates for a mistyped name (a tool id, a property, an operation).
public enum Suggestions {
    /// Up to `limit` names from `candidates` close to `name`, closest first: names that differ
    /// by a small edit distance, or that contain or are contained in it.
    public static func closest(to name: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let target = Array(name.lowercased())
        guard !target.isEmpty else { return [] }
        let threshold = max(2, target.count / 3)
        var scored: [(distance: Int, name: String)] = []
        for candidate in candidates {
            let lowered = candidate.lowercased()
            if lowered == name.lowercased() { scored.append((0, candidate)); continue }
            let distance = editDistance(target, Array(lowered))
            if distance <= threshold {
                scored.append((distance, candidate))
            } else if target.count >= 3, lowered.contains(String(target)) || String(target).contains(lowered) && lowered.count >= 3 {
                scored.append((threshold + 1, candidate))
            }
        }
        return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.prefix(limit).map(\.name)
    }

    /// Levenshtein distance between two character arrays, in O(n·m) time and O(m) space.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
