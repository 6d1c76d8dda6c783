/// The hash chain that both audit stores keep (the `toolhost_audit_log` table and the optional
/// JSONL file): every entry is numbered one more than the entry before it and carries that
/// entry's SHA-256 (`prev`) and its own (`hash`).
///
/// An edit, a deletion or a reordering of past entries then shows at the first entry touched,
/// short of rewriting every later one. The store decides only where entries live and how two
/// writers take turns; linking and checking are the same for both.
///
/// ```swift
/// let first = AuditChain.link(["tool": "bulk_data_store"], after: nil)   // seq 1, prev 000…
/// var walk = AuditChain.Walk()
/// walk.check(first)                                                    // nil: it holds
/// ```
public enum AuditChain {
    /// The hash the first entry follows.
    public static let genesis = String(repeating: "0", count: 64)

    /// Where a chain ends: the number and hash of its last entry.
    public struct Tip: Sendable, Equatable {
        public var seq: Int
        public var hash: String

        public init(seq: Int, hash: String) {
            self.seq = seq
            self.hash = hash
        }
    }

    /// The entry made of `fields` (in order) that follows `tip` (nil: the chain is empty):
    /// `seq` first, then the fields, then `prev` and `hash`.
    public static func link(_ fields: JSONObject, after tip: Tip?) -> JSONObject {
        var entry: JSONObject = ["seq": .int((tip?.seq ?? 0) + 1)]
        for (key, value) in fields where key != "seq" && key != "prev" && key != "hash" { entry[key] = value }
        entry["prev"] = .string(tip?.hash ?? genesis)
        entry["hash"] = .string(hash(of: entry))
        return entry
    }

    /// The tip an entry leaves the chain at (nil when it has no number or hash).
    public static func tip(of entry: JSONObject) -> Tip? {
        guard let seq = entry["seq"]?.integerValue, let hash = entry["hash"]?.stringValue else { return nil }
        return Tip(seq: Int(seq), hash: hash)
    }

    /// SHA-256 of the entry's JSON without its `hash` member.
    static func hash(of entry: JSONObject) -> String {
        var body = entry
        body["hash"] = nil
        return SHA256.hex(bytes: JSONWriter.bytes(.object(body)))
    }

    /// Checks entries one after another, from the first.
    public struct Walk: Sendable {
        public private(set) var entries = 0
        private var previous = AuditChain.genesis

        public init() {}

        /// Nil when `entry` follows the entries checked so far; else why it does not, as the end
        /// of a sentence ("is numbered 4, not 3: …").
        public mutating func check(_ entry: JSONObject) -> String? {
            let expected = entries + 1
            guard entry["seq"]?.integerValue.map({ Int($0) }) == expected else {
                return "is numbered \(entry["seq"].map { JSONWriter.string($0) } ?? "nothing"), not \(expected): an entry before it is missing or out of order"
            }
            guard entry["prev"]?.stringValue == previous else {
                return "does not follow the entry before it (its prev is not that entry's hash)"
            }
            guard let hash = entry["hash"]?.stringValue, hash == AuditChain.hash(of: entry) else {
                return "was changed after it was written (its hash does not match its content)"
            }
            previous = hash
            entries = expected
            return nil
        }
    }

    /// What a check of a whole store found: entries that hold, and the first one that breaks the
    /// chain (its line in a file, its `seq` in the table).
    public struct Verification: Sendable {
        public var entries = 0
        public var problem: (position: Int, reason: String)?

        public init(entries: Int = 0, problem: (position: Int, reason: String)? = nil) {
            self.entries = entries
            self.problem = problem
        }
    }
}
