import ToolHostCore

/// The SQL flavour of a connection, for the few statements that must differ.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres

    /// The placeholder of the `index`th bound parameter (1-based): `$3` or `?3`.
    public func placeholder(_ index: Int) -> String { self == .postgres ? "$\(index)" : "?\(index)" }

    /// Placeholders `first` through `last`, comma-separated.
    public func placeholders(_ range: ClosedRange<Int>) -> String { range.map(placeholder).joined(separator: ", ") }
}

/// Limits and choices for one query.
public struct QueryOptions: Sendable {
    /// Abandon the query (with `DatabaseError.Kind.resultTooLarge`) past this many bytes of data.
    public var maxResultBytes: Int?
    /// Keep only the first row (the rest is not fetched).
    public var fetchOne = false
    /// Cancel the statement past this many seconds; nil uses the connection's default.
    public var timeoutSeconds: Double?

    public init(maxResultBytes: Int? = nil, fetchOne: Bool = false, timeoutSeconds: Double? = nil) {
        self.maxResultBytes = maxResultBytes
        self.fetchOne = fetchOne
        self.timeoutSeconds = timeoutSeconds
    }
}

/// What a statement returned: rows as JSON objects (column order kept) and the count of rows
/// it changed (or returned, for queries).
public struct QueryResult: Sendable {
    public var columns: [String]
    public var rows: [JSONObject]
    /// Rows changed or returned; `noRowCount` for a statement that has no such count (DDL).
    public var rowsAffected: Int

    /// The `rowsAffected` of a statement that neither changes nor returns rows (CREATE, SET,
    /// a script): -1, what DB-API's `rowcount` (and so code-evolver's own client) answers.
    public static let noRowCount = -1

    public init(columns: [String] = [], rows: [JSONObject] = [], rowsAffected: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.rowsAffected = rowsAffected
    }
}

/// A column of a live table, as the database's catalogue describes it.
public struct ColumnInfo: Sendable, Equatable {
    public let name: String
    /// The declared type, lower-cased (`integer`, `jsonb`, `timestamp with time zone`...).
    public let type: String
    public let isNullable: Bool
}

/// A table name, optionally schema-qualified (`training_data.training_events` on PostgreSQL).
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    public let schema: String?
    public let name: String

    public init(_ name: String, schema: String? = nil) {
        self.name = name
        self.schema = schema
    }

    /// Reads `table` or `schema.table`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where !parts[0].isEmpty: self.init(parts[0])
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty: self.init(parts[1], schema: parts[0])
        default: return nil
        }
    }

    public var description: String { schema.map { "\($0).\(name)" } ?? name }

    /// The quoted SQL spelling: `"schema"."table"`.
    public var quoted: String {
        (schema.map { SQLIdentifier.quote($0) + "." } ?? "") + SQLIdentifier.quote(name)
    }
}

/// One open connection to a database. Not shared between threads: a `ConnectionPool` hands
/// each caller its own.
public protocol DatabaseConnection: AnyObject {
    var dialect: SQLDialect { get }

    /// Runs one statement with bound parameters (`$1` on PostgreSQL, `?1` on SQLite).
    func run(_ sql: String, _ parameters: [SQLValue], options: QueryOptions) throws(DatabaseError) -> QueryResult

    /// Runs statements that take no parameters, separated by semicolons (DDL scripts).
    func executeScript(_ sql: String) throws(DatabaseError)

    /// Streams the rows of a query to `body` one at a time, so memory stays flat however many
    /// rows there are. Returns the number of rows.
    @discardableResult
    func forEachRow(_ sql: String, _ parameters: [SQLValue], _ body: (JSONObject) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int

    /// `forEachRow` for a caller that only writes each row out as JSON (an export): the row
    /// is handed over as something that appends its compact JSON object, which a driver may
    /// write without building the `JSONObject` (SQLite does).
    @discardableResult
    func forEachRowAsJSON(_ sql: String, _ parameters: [SQLValue], _ body: (any JSONRowWriter) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int

    /// Streams rows as the bytes of their cells, building no JSON: for bulk binary reads such
    /// as vectors. Text cells are UTF-8, blob/bytea cells their bytes. PostgreSQL sends the
    /// result in binary format, so select only text and bytea columns (cast others to text).
    @discardableResult
    func forEachRawRow(_ sql: String, _ parameters: [SQLValue], _ body: (any RawRow) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int

    /// Inserts many rows through the engine's fastest path (COPY on PostgreSQL, one prepared
    /// statement on SQLite). Call inside a transaction on SQLite for speed.
    @discardableResult
    func bulkInsert(into table: TableName, columns: [String], rows: some Sequence<[SQLValue]>) throws(DatabaseError) -> Int

    /// The columns of a table, empty when it does not exist.
    func columns(of table: TableName) throws(DatabaseError) -> [ColumnInfo]

    func begin() throws(DatabaseError)
    func commit() throws(DatabaseError)
    func rollback()
    /// Whether a transaction is open.
    var inTransaction: Bool { get }

    /// False once the connection is broken (the server went away); the pool drops it.
    var isHealthy: Bool { get }

    /// Stops this connection's statements from another thread while a call uses it
    /// (`stopping(when:)`).
    var interrupter: StatementInterrupter { get }

    /// Rolls back and undoes session changes that free-form SQL may have made, before the
    /// connection serves another caller.
    func resetSession()
}

/// A row that writes itself as one compact JSON object: the same keys, in the same order, and
/// the same values as `JSONWriter` makes of the row's `JSONObject` (JSON cells may keep their
/// stored escapes and number spellings).
public protocol JSONRowWriter {
    func appendJSON(to bytes: inout [UInt8])
    /// The integer in the column named `column` (a key to group rows by), if it holds one.
    func integer(named column: String) -> Int64?
}

/// One row of `forEachRawRow`: its cells' bytes, valid only while the row is being handled.
public protocol RawRow {
    /// The cell's bytes, nil for NULL.
    func bytes(_ column: Int) -> UnsafeRawBufferPointer?
}

extension RawRow {
    /// The cell as text (UTF-8, invalid sequences repaired), nil for NULL.
    public func text(_ column: Int) -> String? {
        bytes(column).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// A row already built as an object.
struct JSONObjectRow: JSONRowWriter {
    let object: JSONObject
    func appendJSON(to bytes: inout [UInt8]) { JSONWriter.append(.object(object), to: &bytes) }
    func integer(named column: String) -> Int64? { object[column]?.integerValue.map(Int64.init) }
}

extension DatabaseConnection {
    @discardableResult
    public func forEachRowAsJSON(_ sql: String, _ parameters: [SQLValue],
                                 _ body: (any JSONRowWriter) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        try forEachRow(sql, parameters) { (object) throws(DatabaseError) in try body(JSONObjectRow(object: object)) }
    }

    public func run(_ sql: String, _ parameters: [SQLValue] = []) throws(DatabaseError) -> QueryResult {
        try run(sql, parameters, options: QueryOptions())
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws, and
    /// the error it threw rethrown as it was (a failure of BEGIN or COMMIT itself comes as
    /// `Failure`). Inside an open transaction it simply runs (the outer one decides).
    public func transaction<T, Failure: DatabaseFailureRepresentable>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
        if inTransaction { return try body() }
        do throws(DatabaseError) {
            try begin()
        } catch {
            throw Failure(databaseFailure: error)
        }
        let value: T
        do {
            value = try body()
        } catch {
            rollback()
            throw error
        }
        do throws(DatabaseError) {
            try commit()
        } catch {
            rollback()
            throw Failure(databaseFailure: error)
        }
        return value
    }

    /// Runs a long read that passes over most pages once (an export made of many queries)
    /// with the small page cache `forEachRow` uses on SQLite, so memory stays flat.
    public func readingOnce<T>(_ body: () throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        guard let sqlite = ((self as? TracedConnection)?.wrapped ?? self) as? SQLiteConnection else { return try body() }
        try? sqlite.useStreamingCache(true)
        defer { try? sqlite.useStreamingCache(false) }
        return try body()
    }

    public func tableExists(_ table: TableName) throws(DatabaseError) -> Bool {
        try !columns(of: table).isEmpty
    }
}
