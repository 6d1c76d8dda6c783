/// Finds the progress lines a plugin writes on its stderr, the line protocol by which any
/// child process (executable, custom tool) reports how far it has come:
///
///     toolhost:progress DONE[/TOTAL] [MESSAGE]
///
/// e.g. `echo "toolhost:progress 3/10 copying b.txt" >&2` or, in Python,
/// `print(f"toolhost:progress {i}/{n}", file=sys.stderr, flush=True)`. DONE and TOTAL are
/// non-negative numbers; the message is the rest of the line. Stderr is the channel because
/// every language and shell can write it without setup, and a plugin that runs without a
/// progress-aware caller loses nothing: the lines stay in its stderr as any other line.
///
/// Fed chunks as the pipe gives them (a line may arrive in pieces). Only the start of each line
/// is kept while it is read, so a plugin that writes megabytes of stderr costs no more.
public struct ProgressLineReader: Sendable {
    public static let prefix: [UInt8] = Array("toolhost:progress ".utf8)
    /// Longest progress line read; the rest of a longer one is ignored (its message is cut).
    static let maxLineBytes = 1024

    private var line: [UInt8] = []
    /// The current line cannot be a progress line (it started otherwise).
    private var skipping = false
    /// The current line outgrew `maxLineBytes`: kept as far as it went.
    private var truncated = false

    public init() {}

    /// The progress lines completed by `chunk`, and the lines that started with the prefix
    /// but could not be read (for one warning).
    public mutating func read(_ chunk: ArraySlice<UInt8>) -> (reports: [CallProgress], unreadable: [String]) {
        var reports: [CallProgress] = []
        var unreadable: [String] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                if !skipping, line.count >= Self.prefix.count {
                    if let report = Self.parse(line[Self.prefix.count...]) { reports.append(report) } else {
                        unreadable.append(String(decoding: line, as: UTF8.self))
                    }
                }
                line.removeAll(keepingCapacity: true)
                skipping = false
                truncated = false
                continue
            }
            if skipping || truncated { continue }
            if line.count < Self.prefix.count, byte != Self.prefix[line.count] {
                skipping = true
                line.removeAll(keepingCapacity: true)
                continue
            }
            if line.count == Self.maxLineBytes { truncated = true; continue }
            line.append(byte)
        }
        return (reports, unreadable)
    }

    /// `DONE[/TOTAL] [MESSAGE]`, or nil when the numbers are not numbers.
    static func parse(_ body: ArraySlice<UInt8>) -> CallProgress? {
        var text = Substring(String(decoding: body, as: UTF8.self))
        if text.last == "\r" { text = text.dropLast() }
        let numbers = text.prefix { $0 != " " }
        let message = text.dropFirst(numbers.count).drop { $0 == " " }
        let parts = numbers.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let done = Self.number(parts[0]) else { return nil }
        var total: Double?
        if parts.count == 2 {
            guard let value = Self.number(parts[1]) else { return nil }
            total = value
        }
        return CallProgress(done: done, total: total, message: message.isEmpty ? nil : String(message))
    }

    private static func number(_ text: Substring) -> Double? {
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        return value
    }
}
