import ToolHostCore

/// A connection whose statements are each a span (OpenTelemetry's database conventions:
/// `db.system.name`, `db.operation.name`, `db.collection.name`, `db.query.text`,
/// `db.response.returned_rows`, the SQLSTATE or SQLite code on failure), children of the span
/// the borrower runs in. `Database.withConnection` hands one out only while tracing is on and
/// a span is current, so an untraced process never pays for it.
///
/// The query text is recorded for ToolHost's own statements, whose values are all bound
/// parameters; never for free-form SQL (`postgres_client`), which may hold literal values.
final class TracedConnection: DatabaseConnection {
    let wrapped: any DatabaseConnection
    private let settings: DatabaseSettings
    private let recordsQueryText: Bool

    init(_ wrapped: any DatabaseConnection, settings: DatabaseSettings, recordsQueryText: Bool) {
        self.wrapped = wrapped
        self.settings = settings
        self.recordsQueryText = recordsQueryText
    }

    var dialect: SQLDialect { wrapped.dialect }
    var inTransaction: Bool { wrapped.inTransaction }
    var isHealthy: Bool { wrapped.isHealthy }

    func run(_ sql: String, _ parameters: [SQLValue], options: QueryOptions) throws(DatabaseError) -> QueryResult {
        try traced(sql) { () throws(DatabaseError) in
            let result = try wrapped.run(sql, parameters, options: options)
            return (result, result.columns.isEmpty ? nil : result.rows.count)
        }
    }

    func executeScript(_ sql: String) throws(DatabaseError) {
        try traced(sql) { () throws(DatabaseError) in (try wrapped.executeScript(sql), nil) }
    }

    func forEachRow(_ sql: String, _ parameters: [SQLValue], _ body: (JSONObject) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        try traced(sql) { () throws(DatabaseError) in
            let count = try wrapped.forEachRow(sql, parameters, body)
            return (count, count)
        }
    }

    func forEachRowAsJSON(_ sql: String, _ parameters: [SQLValue],
                          _ body: (any JSONRowWriter) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        try traced(sql) { () throws(DatabaseError) in
            let count = try wrapped.forEachRowAsJSON(sql, parameters, body)
            return (count, count)
        }
    }

    func forEachRawRow(_ sql: String, _ parameters: [SQLValue], _ body: (any RawRow) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        try traced(sql) { () throws(DatabaseError) in
            let count = try wrapped.forEachRawRow(sql, parameters, body)
            return (count, count)
        }
    }

    func bulkInsert(into table: TableName, columns: [String], rows: some Sequence<[SQLValue]>) throws(DatabaseError) -> Int {
        let operation = dialect == .postgres ? "COPY" : "INSERT"
        return try traced(nil, summary: StatementSummary(operation: operation, collection: table.description)) { () throws(DatabaseError) in
            let count = try wrapped.bulkInsert(into: table, columns: columns, rows: rows)
            return (count, nil)
        }
    }

    func columns(of table: TableName) throws(DatabaseError) -> [ColumnInfo] { try wrapped.columns(of: table) }
    func begin() throws(DatabaseError) { try wrapped.begin() }
    func commit() throws(DatabaseError) { try wrapped.commit() }
    func rollback() { wrapped.rollback() }
    var interrupter: StatementInterrupter { wrapped.interrupter }
    func resetSession() { wrapped.resetSession() }

    /// Runs `body` in a client span; `body` answers its value and the rows it returned (nil:
    /// a statement that returns none).
    private func traced<T>(_ sql: String?, summary: StatementSummary? = nil,
                           _ body: () throws(DatabaseError) -> (T, Int?)) throws(DatabaseError) -> T {
        let summary = summary ?? sql.map(StatementSummary.init(sql:)) ?? StatementSummary(operation: nil, collection: nil)
        guard let span = Tracer.startSpan(summary.spanName(system: systemName), kind: .client) else { return try body().0 }
        defer { span.end() }
        span.set("db.system.name", systemName)
        span.set("db.operation.name", summary.operation)
        span.set("db.collection.name", summary.collection)
        if recordsQueryText, let sql { span.set("db.query.text", String(sql.prefix(Self.maxQueryTextBytes))) }
        if settings.kind == .postgres {
            span.set("db.namespace", settings.database)
            span.set("server.address", settings.host)
            span.set("server.port", settings.port)
        }
        do {
            let (value, rows) = try body()
            span.set("db.response.returned_rows", rows)
            return value
        } catch {
            let code: String = switch error.resultCode {
            case .sqlState(let state)?: state
            case .sqlite(let number)?: String(number)
            case nil: "\(error.kind)"
            }
            span.set("db.response.status_code", error.resultCode == nil ? nil : code)
            span.fail(type: code, message: error.message)
            throw error
        }
    }

    private var systemName: String { settings.kind == .postgres ? "postgresql" : "sqlite" }

    static let maxQueryTextBytes = 2048
}

/// What a statement does to what, from its text, for the span's name: `INSERT tool_logs`.
/// A first word and the table after INTO, FROM, UPDATE or TABLE: enough to group statements
/// in a tracing back end, never a parse.
struct StatementSummary: Equatable {
    var operation: String?
    var collection: String?

    init(operation: String?, collection: String?) {
        self.operation = operation
        self.collection = collection
    }

    init(sql: String) {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == ";" })
            .prefix(64).map { String($0) }
        operation = words.first.map { $0.uppercased() }
        let anchor = switch operation {
        case "INSERT": "INTO"
        case "UPDATE": "UPDATE"
        case "CREATE", "DROP", "ALTER": "TABLE"
        default: "FROM"
        }
        guard var index = words.firstIndex(where: { $0.uppercased() == anchor }) else { return }
        index += 1
        while index < words.count, ["IF", "NOT", "EXISTS", "ONLY"].contains(words[index].uppercased()) { index += 1 }
        guard index < words.count else { return }
        // `t(a, b)` names t; `(SELECT …)` names nothing.
        let name = words[index].prefix { $0 != "(" }.filter { $0 != "\"" }
        if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) { collection = name }
    }

    func spanName(system: String) -> String {
        switch (operation, collection) {
        case (let operation?, let collection?): "\(operation) \(collection)"
        case (let operation?, nil): operation
        default: system
        }
    }
}
