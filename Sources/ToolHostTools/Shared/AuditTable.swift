import ToolHostCore
import ToolHostStorage

/// The audit chain in the database (`toolhost_audit_log`, migration 6): the audit log an
/// operator queries with SQL, on the same database as the data it is about.
///
/// Writers take turns inside one transaction: SQLite's write lock (`BEGIN IMMEDIATE`), and on
/// PostgreSQL a transaction-scoped advisory lock, so reading the tip and appending after it
/// cannot interleave; the primary key on `seq` would refuse a fork anyway.
public struct AuditTable: Sendable {
    /// The advisory lock that orders appends on PostgreSQL ("audit" in ASCII).
    static let appendLock: Int64 = 0x6175_6469_74

    public init() {}

    /// The columns besides `entry` and `hash`, each read from the entry; a NUL character
    /// (which PostgreSQL text cannot hold) is stored as U+FFFD, and `verify` compares the same way.
    static let columns = ["caller", "tool", "operation", "outcome", "error_code"]
    /// Every column of a row, in the order `append` binds them.
    static let names = ["seq", "at"] + columns + ["duration_ms", "entry", "hash"]

    /// Appends one chained entry per element of `batch` in one transaction. Each entry's `at`
    /// (ISO-8601) is also its `at` column.
    public func append(_ batch: [JSONObject], on connection: any DatabaseConnection) throws(DatabaseError) {
        guard !batch.isEmpty else { return }
        let dialect = connection.dialect
        let insert = "INSERT INTO \(AuditSchema.table.quoted) (\(Self.names.joined(separator: ", "))) VALUES (\(dialect.placeholders(1...Self.names.count)))"
        try connection.transaction { () throws(DatabaseError) in
            if dialect == .postgres { _ = try connection.run("SELECT pg_advisory_xact_lock(\(Self.appendLock))") }
            var tip = try Self.tip(on: connection)
            for fields in batch {
                let entry = AuditChain.link(fields, after: tip)
                tip = AuditChain.tip(of: entry)
                let time = entry["at"]?.stringValue.flatMap(Timestamp.init(parsing:)) ?? .now()
                var values: [SQLValue] = [.integer(Int64(tip?.seq ?? 0)), .text(dialect == .postgres ? time.iso8601 : time.storageText)]
                values += Self.columns.map { Self.columnText(entry[$0]).map { .text($0) } ?? .null }
                values.append(entry["duration_ms"]?.numberValue.map { .double($0) } ?? .null)
                values.append(.text(JSONWriter.string(.object(entry))))
                values.append(.text(tip?.hash ?? ""))
                _ = try connection.run(insert, values)
            }
        }
    }

    private static func tip(on connection: any DatabaseConnection) throws(DatabaseError) -> AuditChain.Tip? {
        let rows = try connection.run("SELECT seq, hash FROM \(AuditSchema.table.quoted) ORDER BY seq DESC LIMIT 1").rows
        guard let row = rows.first, let seq = row["seq"]?.integerValue, let hash = row["hash"]?.stringValue else { return nil }
        return AuditChain.Tip(seq: Int(seq), hash: hash)
    }

    /// A column's text as stored: the entry's string with NUL as U+FFFD.
    private static func columnText(_ value: JSONValue?) -> String? {
        value?.replacingNULCharacters().stringValue
    }

    /// Walks the table in `seq` order: each row's entry must follow the one before it, and its
    /// columns must say what its entry says (an edited column breaks the chain as an edited
    /// entry does). A problem names the row's `seq`.
    public func verify(on connection: any DatabaseConnection) throws(DatabaseError) -> AuditChain.Verification {
        var walk = AuditChain.Walk()
        var problem: (position: Int, reason: String)?
        _ = try connection.forEachRow("SELECT \(Self.names.joined(separator: ", ")) FROM \(AuditSchema.table.quoted) ORDER BY seq", []) {
            (row) throws(DatabaseError) in
            guard problem == nil else { return }
            let seq = row["seq"]?.integerValue.map { Int($0) } ?? 0
            guard let text = row["entry"]?.stringValue, let entry = (try? JSONParser.parse(text))?.objectValue else {
                problem = (seq, "holds no JSON object in its entry column")
                return
            }
            if let reason = walk.check(entry) {
                problem = (seq, reason)
            } else if let column = Self.mismatch(row, entry) {
                problem = (seq, "was changed after it was written (its \(column) column no longer matches its entry)")
            }
        }
        return AuditChain.Verification(entries: walk.entries, problem: problem)
    }

    /// The first column of `row` that does not say what `entry` says.
    private static func mismatch(_ row: JSONObject, _ entry: JSONObject) -> String? {
        if row["seq"]?.integerValue != entry["seq"]?.integerValue { return "seq" }
        if row["hash"]?.stringValue != entry["hash"]?.stringValue { return "hash" }
        let stored = row["at"]?.stringValue.flatMap(Timestamp.init(parsing:))
        if stored == nil || stored != entry["at"]?.stringValue.flatMap(Timestamp.init(parsing:)) { return "at" }
        for column in columns where row[column]?.stringValue != columnText(entry[column]) { return column }
        if row["duration_ms"]?.numberValue != entry["duration_ms"]?.numberValue { return "duration_ms" }
        return nil
    }
}
