import ArgumentParser

/// "Did you mean 'list'?" for a command name mistyped at any level (`toolhost lst`,
/// `toolhost db staus`), before ArgumentParser, which would only say the argument is unexpected.
///
/// ```
/// $ toolhost lst
/// toolhost: error: 'lst' is not a toolhost command. Did you mean 'list'?
/// ```
enum CommandSuggestion {
    /// The sentence for the first word that should name a subcommand and names none; nil when
    /// every such word does (or the command line reaches its options first).
    static func problem(in arguments: [String], root: any ParsableCommand.Type) -> String? {
        var command = root
        var path = [root.configuration.commandName ?? "toolhost"]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            if word.hasPrefix("-") || subcommands.isEmpty || command.configuration.defaultSubcommand != nil { return nil }
            if word == "help" { return nil }
            if let next = subcommands.first(where: { names(of: $0).contains(word) }) {
                command = next
                path.append(word)
                continue
            }
            let candidates = subcommands.flatMap(names(of:))
            let subject = "'\(word)' is not a \(path.joined(separator: " ")) command"
            if let suggestion = closest(to: word, among: candidates) {
                return "\(subject). Did you mean '\(suggestion)'? (`\(path.joined(separator: " ")) --help` lists the commands)"
            }
            return "\(subject); the commands are: \(candidates.joined(separator: ", "))."
        }
        return nil
    }

    private static func names(of command: any ParsableCommand.Type) -> [String] {
        let configuration = command.configuration
        return [configuration.commandName ?? String(describing: command).lowercased()] + configuration.aliases
    }

    /// The candidate nearest `word` by edit distance (a swap of two neighbours counts once), if
    /// near enough to be a slip: one edit for short names, two from five letters; or the only
    /// candidate `word` begins.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let prefixed = candidates.filter { $0.hasPrefix(word) }
        if word.count >= 2, prefixed.count == 1 { return prefixed[0] }
        let scored = candidates.map { (name: $0, distance: editDistance(word, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let allowed = min(word.count, best.name.count) >= 5 ? 2 : 1
        return best.distance <= allowed ? best.name : nil
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// adjacent characters, each one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { best = min(best, table[i - 2][j - 2] + 1) }
                table[i][j] = best
            }
        }
        return table[a.count][b.count]
    }
}
