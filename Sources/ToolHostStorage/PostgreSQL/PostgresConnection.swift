import CLibPQ
import CLibPQLoader
import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// A connection to PostgreSQL through libpq.
///
/// The session runs in UTC with ISO-8601 intervals, so values read back the same everywhere.
/// Queries use single-row mode: rows stream in one at a time, so a size limit or a cancel stops
/// a large result early and exports keep memory flat.
public final class PostgresConnection: DatabaseConnection, @unchecked Sendable {
    public let dialect = SQLDialect.postgres
    private let handle: OpaquePointer
    public let interrupter: StatementInterrupter
    private let defaultTimeoutSeconds: Double
    /// The session's statement_timeout in milliseconds, to set it only when it changes.
    private var sessionTimeoutMilliseconds: Int?
    private var defaultTimeoutMillisecondsAtConnect: Int?

    /// Connects with `settings`; failures name host, port and database, never the password.
    public init(settings: DatabaseSettings) throws(DatabaseError) {
        var reason = [CChar](repeating: 0, count: 512)
        guard toolhost_libpq_load(&reason, reason.count) == 0 else {
            let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DatabaseError(.connection, "Cannot use PostgreSQL: \(text)")
        }
        defaultTimeoutSeconds = settings.statementTimeoutSeconds
        var keywords: [String] = []
        var values: [String] = []
        func add(_ keyword: String, _ value: String?) {
            guard let value else { return }
            keywords.append(keyword)
            values.append(value)
        }
        // ToolHost's defaults come first, so that parameters written in a URL override them.
        add("connect_timeout", String(max(1, Int(settings.connectTimeoutSeconds.rounded(.up)))))
        add("application_name", "toolhost")
        add("client_encoding", "UTF8")
        // GSSAPI encryption is probed first by default on TCP, a Kerberos round trip per
        // connection; a deployment that wants it says so in its URL.
        add("gssencmode", "disable")
        // Session settings travel with the connection request: no extra round trips.
        let timeoutMilliseconds = max(Int((settings.statementTimeoutSeconds * 1000).rounded()), 0)
        add("options", "-c TimeZone=UTC -c IntervalStyle=iso_8601 -c client_min_messages=warning -c statement_timeout=\(timeoutMilliseconds)")
        if let url = settings.url {
            add("dbname", url)  // expand_dbname=1 makes libpq read the URL
        } else {
            add("host", settings.host)
            add("port", String(settings.port))
            add("dbname", settings.database)
            add("user", settings.user)
            add("password", settings.password)
        }
        let connection = Self.withCStringArrays(keywords, values) { keywordPointers, valuePointers in
            PQconnectdbParams(keywordPointers, valuePointers, 1)
        }
        guard let connection else { throw DatabaseError(.connection, "Cannot connect to PostgreSQL: out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let target = Self.target(of: connection, settings: settings)
            let reason = Self.firstLine(PQerrorMessage(connection))
            PQfinish(connection)
            throw DatabaseError(.connection, "Cannot connect to PostgreSQL at \(target): \(reason)")
        }
        handle = connection
        let cancelRequest = PostgresCancelRequest(connection)
        interrupter = StatementInterrupter { cancelRequest.send() }
        sessionTimeoutMilliseconds = timeoutMilliseconds
        defaultTimeoutMillisecondsAtConnect = timeoutMilliseconds
        // Server notices would otherwise go to stderr unasked; errors come back as results.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit {
        PQfinish(handle)
    }

    // MARK: Statements

    public func run(_ sql: String, _ parameters: [SQLValue], options: QueryOptions) throws(DatabaseError) -> QueryResult {
        try DatabaseError.naming(sql) { () throws(DatabaseError) in
            // A write returning rows (INSERT ... RETURNING) may finish before a cancel for an
            // oversized result reaches the server; in a transaction of its own, abandoning the
            // result also undoes the write.
            let guarded = options.maxResultBytes != nil && !inTransaction
                && ["INSERT", "UPDATE", "DELETE", "WITH", "MERGE"].contains(SQLScanner(bytes: Array(sql.utf8), dialect: .postgres).firstKeyword())
            guard guarded else { return try collect(sql, parameters, options: options) }
            try begin()
            do throws(DatabaseError) {
                let result = try collect(sql, parameters, options: options)
                try commit()
                return result
            } catch {
                rollback()
                throw error
            }
        }
    }

    private func collect(_ sql: String, _ parameters: [SQLValue], options: QueryOptions) throws(DatabaseError) -> QueryResult {
        var result = QueryResult()
        var bytes = 0
        var keptRows = 0
        try stream(sql, parameters, timeoutSeconds: options.timeoutSeconds) { (columns: [String]) in
            result.columns = columns
        } row: { (row: JSONObject, size: Int) throws(DatabaseError) -> Bool in
            bytes += size
            if let limit = options.maxResultBytes, bytes > limit {
                throw DatabaseError(.resultTooLarge, "The result is larger than \(limit) bytes")
            }
            // fetch_one keeps reading and drops the rest: cancelling would roll back a write
            // (UPDATE ... RETURNING) that the answer reports as done.
            if options.fetchOne && keptRows == 1 { return true }
            result.rows.append(row)
            keptRows += 1
            return true
        } done: { affected in
            result.rowsAffected = affected ?? result.rows.count
        }
        return result
    }

    public func executeScript(_ sql: String) throws(DatabaseError) {
        try DatabaseError.naming(sql) { () throws(DatabaseError) in
            try beforeStatement(timeout: nil)
            try exec(sql)
        }
    }

    /// One simple-protocol round trip. Transaction control goes straight here: a SET before
    /// ROLLBACK would fail in an aborted transaction and leave it open.
    private func exec(_ sql: String) throws(DatabaseError) {
        try NULCharacters.checkStatement(sql)
        guard let result = PQexec(handle, sql) else { throw connectionLost() }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
            throw Self.error(from: result, connection: handle)
        }
    }

    @discardableResult
    public func forEachRow(_ sql: String, _ parameters: [SQLValue],
                           _ body: (JSONObject) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        var count = 0
        try stream(sql, parameters, timeoutSeconds: nil) { _ in } row: { (row: JSONObject, _: Int) throws(DatabaseError) -> Bool in
            try body(row)
            count += 1
            return true
        } done: { _ in }
        return count
    }

    /// Rows in libpq's binary format, cell bytes handed over as they are (`forEachRawRow`).
    @discardableResult
    public func forEachRawRow(_ sql: String, _ parameters: [SQLValue],
                              _ body: (any RawRow) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        var count = 0
        try streamResults(sql, parameters, timeoutSeconds: nil, binary: true) { _ in } row: { (result: OpaquePointer) throws(DatabaseError) -> Bool in
            try body(PostgresRawRow(result: result))
            count += 1
            return true
        } done: { _ in }
        return count
    }

    /// Sends one statement and feeds its rows to `row` as they arrive. `row` returns false to
    /// stop (the rest of the result is cancelled and discarded) or throws to abort.
    private func stream(_ sql: String, _ parameters: [SQLValue], timeoutSeconds: Double?,
                        columns: ([String]) -> Void,
                        row: (JSONObject, Int) throws(DatabaseError) -> Bool,
                        done: (Int?) -> Void) throws(DatabaseError) {
        var names: [String] = []
        var types: [UInt32] = []
        var distinct = true
        try streamResults(sql, parameters, timeoutSeconds: timeoutSeconds, binary: false) { result in
            (names, types) = Self.describe(result)
            distinct = Set(names).count == names.count
            columns(names)
        } row: { (result: OpaquePointer) throws(DatabaseError) -> Bool in
            let (object, size) = Self.row(result, names: names, types: types, distinct: distinct)
            return try row(object, size)
        } done: { affected in
            done(affected)
        }
    }

    /// The one loop over a statement's results in single-row mode: `described` gets the first
    /// result (for its columns), `row` each row's result, `done` the affected-row count.
    private func streamResults(_ sql: String, _ parameters: [SQLValue], timeoutSeconds: Double?, binary: Bool,
                               described: (OpaquePointer) -> Void,
                               row: (OpaquePointer) throws(DatabaseError) -> Bool,
                               done: (Int?) -> Void) throws(DatabaseError) {
        try DatabaseError.naming(sql) { () throws(DatabaseError) in
            try NULCharacters.checkStatement(sql)
            let bound = try PostgresParameters(parameters)
            try beforeStatement(timeout: timeoutSeconds)
            let sent = bound.withPointers { types, values, lengths, formats in
                PQsendQueryParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, binary ? 1 : 0)
            }
            guard sent == 1 else { throw connectionLost() }
            PQsetSingleRowMode(handle)

            var isDescribed = false
            var failure: DatabaseError?
            var stopped = false
            var affected: Int?
            while let result = PQgetResult(handle) {
                defer { PQclear(result) }
                switch PQresultStatus(result) {
                case PGRES_SINGLE_TUPLE:
                    if !isDescribed {
                        isDescribed = true
                        described(result)
                    }
                    guard failure == nil, !stopped else { continue }
                    do throws(DatabaseError) {
                        if try !row(result) {
                            stopped = true
                            cancel()
                        }
                    } catch {
                        failure = error
                        cancel()
                    }
                case PGRES_TUPLES_OK:
                    if !isDescribed {
                        isDescribed = true
                        described(result)
                    }
                case PGRES_COMMAND_OK:
                    // No count in the command tag (DDL, SET...): -1, as DB-API's rowcount says.
                    affected = Int(String(cString: PQcmdTuples(result))) ?? QueryResult.noRowCount
                case PGRES_EMPTY_QUERY:
                    break
                case PGRES_COPY_IN, PGRES_COPY_BOTH:
                    failure = failure ?? DatabaseError(.statement, "COPY is not supported through this operation; use a bulk operation instead")
                    PQputCopyEnd(handle, "not supported")
                case PGRES_COPY_OUT:
                    // COPY ... TO STDOUT: the data must be read off before the command can end.
                    failure = failure ?? DatabaseError(.statement, "COPY TO STDOUT is not supported through this operation; use SELECT")
                    var buffer: UnsafeMutablePointer<CChar>?
                    while PQgetCopyData(handle, &buffer, 0) >= 0 {
                        if let buffer { PQfreemem(buffer) }
                        buffer = nil
                    }
                default:
                    let error = Self.error(from: result, connection: handle)
                    // A cancel we sent ourselves (result limit, fetch_one) is not the user's error.
                    if failure == nil, !(stopped && error.sqlState == "57014") { failure = error }
                }
            }
            if let failure { throw failure }
            done(affected)
        }
    }

    @discardableResult
    public func bulkInsert(into table: TableName, columns: [String], rows: some Sequence<[SQLValue]>) throws(DatabaseError) -> Int {
        try beforeStatement(timeout: nil)
        let sql = "COPY \(table.quoted) (\(columns.map(SQLIdentifier.quote).joined(separator: ", "))) FROM STDIN"
        guard let start = PQexec(handle, sql) else { throw connectionLost() }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw Self.error(from: start, connection: handle)
        }
        PQclear(start)
        var encoder = PostgresCopyEncoder()
        do throws(DatabaseError) {
            for row in rows {
                guard row.count == columns.count else {
                    throw DatabaseError(.statement, "A row has \(row.count) values for \(columns.count) columns")
                }
                try encoder.append(row, columns: columns)
                if encoder.buffer.count >= 1 << 18 { try flush(&encoder) }
            }
            try flush(&encoder)
        } catch {
            PQputCopyEnd(handle, error.message)
            while let result = PQgetResult(handle) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw connectionLost() }
        var failure: DatabaseError?
        var count = 0
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                count = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = Self.error(from: result, connection: handle)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return count
    }

    /// Sends the encoded rows; a use interrupted meanwhile ends the COPY here (every 256 KiB)
    /// rather than after its last row.
    private func flush(_ encoder: inout PostgresCopyEncoder) throws(DatabaseError) {
        if interrupter.isInterrupted { throw StatementInterrupter.interruptedError }
        guard !encoder.buffer.isEmpty else { return }
        let sent = encoder.buffer.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else { throw connectionLost() }
        encoder.buffer.removeAll(keepingCapacity: true)
    }

    public func columns(of table: TableName) throws(DatabaseError) -> [ColumnInfo] {
        let sql = """
            SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """
        return try run(sql, [.text(table.quoted)]).rows.map { row in
            ColumnInfo(name: row["name"]?.stringValue ?? "", type: (row["type"]?.stringValue ?? "").lowercased(),
                       isNullable: row["nullable"]?.boolValue ?? true)
        }
    }

    // MARK: Transactions

    public var inTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    public func begin() throws(DatabaseError) { try exec("BEGIN") }

    public func commit() throws(DatabaseError) {
        try exec("COMMIT")
    }

    public func rollback() {
        guard inTransaction else { return }
        try? exec("ROLLBACK")
        // A SET made inside the transaction is undone with it: the cached value is unknown.
        sessionTimeoutMilliseconds = nil
    }

    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Undoes what free-form SQL may have changed in the session (SET search_path, SET ROLE,
    /// statement_timeout...), back to the values set at connection time.
    public func resetSession() {
        rollback()
        if (try? exec("RESET ALL")) != nil { sessionTimeoutMilliseconds = defaultTimeoutMillisecondsAtConnect }
    }

    // MARK: Helpers

    /// Before each statement a caller sends (not transaction control): refuses it while the
    /// connection's use is interrupted (`StatementInterrupter`), and sets statement_timeout when
    /// the wanted value differs from the session's.
    private func beforeStatement(timeout seconds: Double?) throws(DatabaseError) {
        if interrupter.isInterrupted { throw StatementInterrupter.interruptedError }
        let wanted = Int(((seconds ?? defaultTimeoutSeconds) * 1000).rounded())
        guard wanted != sessionTimeoutMilliseconds else { return }
        guard let result = PQexec(handle, "SET statement_timeout = \(max(wanted, 0))") else { throw connectionLost() }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw Self.error(from: result, connection: handle) }
        sessionTimeoutMilliseconds = wanted
    }

    private func cancel() {
        guard let cancel = PQgetCancel(handle) else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
        PQfreeCancel(cancel)
    }

    /// A call that libpq refused: the connection is gone, or (while it is still up) libpq
    /// refused the statement itself before sending it (too many parameters, say).
    private func connectionLost() -> DatabaseError {
        let reason = Self.firstLine(PQerrorMessage(handle))
        if PQstatus(handle) == CONNECTION_OK {
            return DatabaseError(.statement, "PostgreSQL could not be sent the statement: \(reason)")
        }
        return DatabaseError(.connection, "The connection to PostgreSQL failed: \(reason)")
    }

    private static func describe(_ result: OpaquePointer) -> ([String], [UInt32]) {
        let count = Int(PQnfields(result))
        let names = (0..<count).map { String(cString: PQfname(result, Int32($0))) }
        let types = (0..<count).map { UInt32(PQftype(result, Int32($0))) }
        return (names, types)
    }

    /// One row; with `distinct` names (the usual case) members are appended without a lookup
    /// per cell, otherwise a later column of the same name wins.
    private static func row(_ result: OpaquePointer, names: [String], types: [UInt32], distinct: Bool) -> (JSONObject, Int) {
        var object = JSONObject(capacity: names.count)
        func set(_ column: Int, _ value: JSONValue) {
            if distinct { object.appendNew(names[column], value) } else { object[names[column]] = value }
        }
        var size = 0
        for column in 0..<names.count {
            let index = Int32(column)
            if PQgetisnull(result, 0, index) == 1 {
                set(column, .null)
                continue
            }
            let length = Int(PQgetlength(result, 0, index))
            size += length
            let text = PQgetvalue(result, 0, index).map {
                $0.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
            } ?? ""
            set(column, PostgresValueDecoder.decode(text, type: types[column]))
        }
        return (object, size)
    }

    static func error(from result: OpaquePointer, connection: OpaquePointer) -> DatabaseError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue ?? 0)).map { String(cString: $0) }
        }
        let sqlState = field("C")
        let message = field("M") ?? firstLine(PQresultErrorMessage(result) ?? PQerrorMessage(connection))
        let kind: DatabaseError.Kind = switch sqlState {
        case "57014": .timeout
        case "25006": .readOnly
        case let state? where state.hasPrefix("08"): .connection
        default: .statement
        }
        let text = kind == .timeout ? "The statement ran longer than its time limit and was cancelled (\(message))" : message
        return DatabaseError(kind, text.prefix(1).uppercased() + text.dropFirst(), sqlState: sqlState, detail: field("D"), hint: field("H"))
    }

    static func firstLine(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        let text = String(cString: message)
        return text.split(whereSeparator: \.isNewline).first.map { String($0).trimmingSpacesForMessage } ?? "unknown error"
    }

    private static func target(of connection: OpaquePointer, settings: DatabaseSettings) -> String {
        let host = PQhost(connection).map { String(cString: $0) } ?? settings.host
        let port = PQport(connection).map { String(cString: $0) } ?? String(settings.port)
        let database = PQdb(connection).map { String(cString: $0) } ?? settings.database
        return "\(host):\(port), database \(database)"
    }

    private static func withCStringArrays<R>(_ first: [String], _ second: [String],
                                             _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let firstPointers = first.map { UnsafePointer(strdup($0)) } + [nil]
        let secondPointers = second.map { UnsafePointer(strdup($0)) } + [nil]
        defer {
            firstPointers.forEach { free(UnsafeMutablePointer(mutating: $0)) }
            secondPointers.forEach { free(UnsafeMutablePointer(mutating: $0)) }
        }
        return firstPointers.withUnsafeBufferPointer { a in
            secondPointers.withUnsafeBufferPointer { b in body(a.baseAddress!, b.baseAddress!) }
        }
    }
}

extension String {
    var trimmingSpacesForMessage: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "." { text = text.dropLast() }
        return String(text)
    }
}

/// A single-row-mode result in binary format, read without copying.
private struct PostgresRawRow: RawRow {
    let result: OpaquePointer

    func bytes(_ column: Int) -> UnsafeRawBufferPointer? {
        let index = Int32(column)
        guard PQgetisnull(result, 0, index) == 0 else { return nil }
        return UnsafeRawBufferPointer(start: PQgetvalue(result, 0, index), count: Int(PQgetlength(result, 0, index)))
    }
}

/// libpq's cancel request for one connection, made while the connection is idle (at connect)
/// and sent from whichever thread cancels a call: `PQcancel` is safe from any thread, while
/// `PQgetCancel` reads the connection and is not.
private final class PostgresCancelRequest: @unchecked Sendable {
    private let cancel: OpaquePointer?

    init(_ connection: OpaquePointer) { cancel = PQgetCancel(connection) }

    deinit { if let cancel { PQfreeCancel(cancel) } }

    func send() {
        guard let cancel else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
    }
}
