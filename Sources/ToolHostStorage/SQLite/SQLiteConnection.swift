import CSQLite
import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// A connection to an SQLite database file: WAL journal, busy timeout, foreign keys on.
///
/// Prepared statements are cached per SQL text, so a statement run many times (a bulk insert,
/// the same query in a loop) is compiled once.
public final class SQLiteConnection: DatabaseConnection, @unchecked Sendable {
    public let dialect = SQLDialect.sqlite
    /// Page cache for ordinary work: bulk ingest builds its indexes in it.
    static let pageCacheKiB = 262_144
    /// Page cache while rows are streamed out (`forEachRow`).
    static let streamingPageCacheKiB = 8192
    /// Write-ahead log policy for many short processes. SQLite's default close checkpoints
    /// the log into the database and deletes it (several fsyncs: a millisecond or more per
    /// `toolhost run`). A process that leaves the log instead makes the next one read it back
    /// in full before its first query (recovery), and recovery forgets what was already
    /// checkpointed, so the log would only grow. So: no checkpoint on close while the log is
    /// small, and a truncating checkpoint at close once it passes `walTruncateBytes` — one
    /// process in every few dozen pays the fsyncs, and no process reads back more than that.
    /// The closing checkpoint never waits: with a reader in the way (a long export) it is
    /// skipped, and a later close does it.
    static let walTruncateBytes = 256 << 10
    /// How many streamed reads are under way (see `useStreamingCache`).
    private var streamingDepth = 0
    public let path: String
    private let handle: OpaquePointer
    public let interrupter: StatementInterrupter
    private var statements: [String: SQLiteStatement] = [:]
    private let deadline = Deadline()
    private let defaultTimeoutSeconds: Double

    /// Opens (creating if needed, with its folder) the database file at `path`. `readOnly` opens
    /// an existing file without changing it, not even its journal mode (a backup being checked).
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5000, statementTimeoutSeconds: Double = 0,
                readOnly: Bool = false) throws(DatabaseError) {
        self.path = path
        self.defaultTimeoutSeconds = statementTimeoutSeconds
        if path != ":memory:" && !readOnly {
            do {
                try FileIO.makeDirectories(FilePath.directory(of: path))
            } catch {
                throw DatabaseError(.connection, "Cannot create the folder for the SQLite database \(path): \(error.reason)")
            }
        }
        var database: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &database, flags, nil)
        guard result == SQLITE_OK, let database else {
            let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(result)"
            if let database { sqlite3_close_v2(database) }
            throw DatabaseError(.connection, "Cannot open the SQLite database \(path): \(message)")
        }
        handle = database
        let interruptible = InterruptibleSQLite(database)
        interrupter = StatementInterrupter { sqlite3_interrupt(interruptible.handle) }
        deadline.interrupter = interrupter
        toolhost_sqlite_skip_checkpoint_on_close(database)
        toolhost_sqlite_set_busy_retry(database, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(database, 1)
        sqlite3_progress_handler(database, 4096, { context in
            guard let context else { return 0 }
            return Unmanaged<Deadline>.fromOpaque(context).takeUnretainedValue().shouldStop ? 1 : 0
        }, Unmanaged.passUnretained(deadline).toOpaque())
        do {
            let journal = readOnly ? "" : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
            try Self.retryingWhileBusy(forMilliseconds: busyTimeoutMilliseconds) { () throws(DatabaseError) in
                try executeScript(journal + "PRAGMA foreign_keys = ON; PRAGMA cache_size = -\(Self.pageCacheKiB); PRAGMA temp_store = MEMORY;")
            }
        } catch {
            statements.removeAll()
            sqlite3_close_v2(database)
            throw DatabaseError(.connection, "Cannot open the SQLite database \(path): \(error.message)")
        }
    }

    /// Runs `body` again while it fails with SQLITE_BUSY, for at most `milliseconds`. Switching
    /// a new file to WAL needs an exclusive lock, and where waiting could deadlock (several
    /// processes opening a new database at once) SQLite answers BUSY at once instead of calling
    /// the busy handler: the open is simply tried again.
    private static func retryingWhileBusy(forMilliseconds milliseconds: Int32, _ body: () throws(DatabaseError) -> Void) throws(DatabaseError) {
        let giveUp = MonotonicClock.now() + Double(max(milliseconds, 0)) / 1000
        while true {
            do {
                return try body()
            } catch {
                guard case .sqlite(let code)? = error.resultCode, code & 0xFF == SQLITE_BUSY, MonotonicClock.now() < giveUp else { throw error }
                usleep(UInt32.random(in: 2000...10000))
            }
        }
    }

    deinit {
        statements.removeAll()
        if path != ":memory:", let size = FileIO.size(of: path + "-wal"), size > Self.walTruncateBytes {
            sqlite3_busy_timeout(handle, 0)
            try? executeScript("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        sqlite3_close_v2(handle)
    }

    // MARK: Statements

    public func run(_ sql: String, _ parameters: [SQLValue], options: QueryOptions) throws(DatabaseError) -> QueryResult {
        try DatabaseError.naming(sql) { () throws(DatabaseError) in
            let statement = try prepared(sql)
            try statement.bind(parameters)
            // A write that could be abandoned half-way (result too large, time limit) runs in a
            // transaction of its own, so abandoning it also undoes it, as on PostgreSQL.
            let guarded = !inTransaction && sqlite3_stmt_readonly(statement.handle) == 0
                && (options.maxResultBytes != nil || (options.timeoutSeconds ?? defaultTimeoutSeconds) > 0)
            if guarded { try begin() }
            do throws(DatabaseError) {
                let result = try collect(statement, options: options)
                if guarded { try commit() }
                return result
            } catch {
                if guarded { rollback() }
                throw error
            }
        }
    }

    private func collect(_ statement: SQLiteStatement, options: QueryOptions) throws(DatabaseError) -> QueryResult {
        var result = QueryResult()
        var bytes = 0
        try stepRows(statement, timeoutSeconds: options.timeoutSeconds ?? defaultTimeoutSeconds) { (statement) throws(DatabaseError) in
            let row = statement.row()
            bytes += row.bytes
            if let limit = options.maxResultBytes, bytes > limit {
                throw DatabaseError(.resultTooLarge, "The result is larger than \(limit) bytes")
            }
            // fetch_one keeps stepping so a write (UPDATE ... RETURNING) completes.
            if !options.fetchOne || result.rows.isEmpty { result.rows.append(row.object) }
        }
        result.columns = statement.columnNames
        if !statement.columnNames.isEmpty {
            result.rowsAffected = result.rows.count
        } else if ["INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"].contains(statement.firstKeyword) {
            result.rowsAffected = Int(sqlite3_changes(handle))
        } else {
            // sqlite3_changes() would still hold the count of an earlier INSERT.
            result.rowsAffected = QueryResult.noRowCount
        }
        return result
    }

    /// Steps a bound statement to its end under the time limit, calling `onRow` on each row
    /// it stands on, then resets it for reuse.
    private func stepRows(_ statement: SQLiteStatement, timeoutSeconds: Double,
                          _ onRow: (SQLiteStatement) throws(DatabaseError) -> Void) throws(DatabaseError) {
        defer { sqlite3_reset(statement.handle) }
        deadline.arm(seconds: timeoutSeconds)
        defer { deadline.disarm() }
        var first = true
        while true {
            let step = sqlite3_step(statement.handle)
            if first {
                statement.refreshColumns()  // after a re-preparation the columns may differ
                first = false
            }
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw failure(step) }
            try onRow(statement)
        }
    }

    public func executeScript(_ sql: String) throws(DatabaseError) {
        try NULCharacters.checkStatement(sql)
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "error \(result)"
            sqlite3_free(message)
            throw DatabaseError(.statement, text, resultCode: .sqlite(result), detail: "SQLite result code \(result)", statement: sql)
        }
    }

    @discardableResult
    public func forEachRow(_ sql: String, _ parameters: [SQLValue],
                           _ body: (JSONObject) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        try stream(sql, parameters) { (statement) throws(DatabaseError) in try body(statement.row().object) }
    }

    /// Rows written straight from SQLite's column buffers (`SQLiteStatement.appendRowJSON`).
    @discardableResult
    public func forEachRowAsJSON(_ sql: String, _ parameters: [SQLValue],
                                 _ body: (any JSONRowWriter) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        try stream(sql, parameters) { (statement) throws(DatabaseError) in try body(statement) }
    }

    /// Cells straight from SQLite's column buffers.
    @discardableResult
    public func forEachRawRow(_ sql: String, _ parameters: [SQLValue],
                              _ body: (any RawRow) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        try stream(sql, parameters) { (statement) throws(DatabaseError) in try body(SQLiteRawRow(handle: statement.handle)) }
    }

    private func stream(_ sql: String, _ parameters: [SQLValue],
                        _ onRow: (SQLiteStatement) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        try DatabaseError.naming(sql) { () throws(DatabaseError) in
            let statement = try prepared(sql)
            try statement.bind(parameters)
            try useStreamingCache(true)
            defer { try? useStreamingCache(false) }
            var count = 0
            try stepRows(statement, timeoutSeconds: defaultTimeoutSeconds) { (statement) throws(DatabaseError) in
                try onRow(statement)
                count += 1
            }
            return count
        }
    }

    public func columns(of table: TableName) throws(DatabaseError) -> [ColumnInfo] {
        try run("SELECT name, type, \"notnull\" FROM pragma_table_info(?1)", [.text(table.name)]).rows.map { row in
            ColumnInfo(name: row["name"]?.stringValue ?? "", type: (row["type"]?.stringValue ?? "").lowercased(),
                       isNullable: row["notnull"]?.integerValue == 0)
        }
    }

    // MARK: Transactions

    public var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// BEGIN IMMEDIATE takes the write lock up front, so two writers wait (busy timeout)
    /// instead of deadlocking on a lock upgrade.
    /// A streamed read passes over each page once: a small page cache keeps memory flat (the
    /// large one would fill with pages never read again). `false` restores the large one.
    /// Nested uses (an export's queries inside `readingOnce`) count: the large cache comes back
    /// when the outermost one ends.
    public func useStreamingCache(_ streaming: Bool) throws(DatabaseError) {
        streamingDepth += streaming ? 1 : -1
        guard streamingDepth == (streaming ? 1 : 0) else { return }
        try executeScript("PRAGMA cache_size = -\(streaming ? Self.streamingPageCacheKiB : Self.pageCacheKiB)")
    }

    public func begin() throws(DatabaseError) { try executeScript("BEGIN IMMEDIATE") }

    public func commit() throws(DatabaseError) { try executeScript("COMMIT") }

    public func rollback() {
        if inTransaction { try? executeScript("ROLLBACK") }
    }

    public var isHealthy: Bool { true }

    public func resetSession() {
        rollback()
        try? executeScript("PRAGMA query_only = OFF; PRAGMA foreign_keys = ON;")
    }

    // MARK: Helpers

    /// The statement for `sql`, prepared once per connection; refused while the connection's
    /// use is interrupted (`StatementInterrupter`). Scripts are not (`executeScript`): a
    /// rollback must still run.
    func prepared(_ sql: String) throws(DatabaseError) -> SQLiteStatement {
        if interrupter.isInterrupted { throw StatementInterrupter.interruptedError }
        if let cached = statements[sql] { return cached }
        let statement = try SQLiteStatement(database: handle, sql: sql)
        if statements.count >= 64 { statements.removeAll() }
        statements[sql] = statement
        return statement
    }

    func failure(_ code: Int32) -> DatabaseError {
        if code & 0xFF == SQLITE_INTERRUPT {
            if interrupter.isInterrupted { return StatementInterrupter.interruptedError }
            return DatabaseError(.timeout, "The statement ran longer than its time limit and was cancelled")
        }
        return Self.error(handle, code, context: nil)
    }

    static func error(_ database: OpaquePointer, _ code: Int32, context: String?) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(database))
        let primary = code & 0xFF
        let kind: DatabaseError.Kind = primary == SQLITE_READONLY ? .readOnly : .statement
        let text = context.map { "\($0): \(message)" } ?? message
        return DatabaseError(kind, text.prefix(1).uppercased() + text.dropFirst(), resultCode: .sqlite(code), detail: "SQLite result code \(code)")
    }
}

/// The time limit of the statement running now, read by SQLite's progress handler.
final class Deadline: @unchecked Sendable {
    private var until = Double.infinity
    /// The connection's interrupter, set once before its first statement.
    var interrupter: StatementInterrupter?

    /// Read by SQLite's progress handler: past the time limit, or the call was cancelled.
    var shouldStop: Bool { hasPassed || interrupter?.isInterrupted == true }

    func arm(seconds: Double) { until = seconds > 0 ? MonotonicClock.now() + seconds : .infinity }
    func disarm() { until = .infinity }
    var hasPassed: Bool { until != .infinity && MonotonicClock.now() > until }
}

/// The database handle, for `sqlite3_interrupt` from the thread that cancels a call (the one
/// SQLite call documented as safe from any thread while the connection is in use).
private struct InterruptibleSQLite: @unchecked Sendable {
    let handle: OpaquePointer
    init(_ handle: OpaquePointer) { self.handle = handle }
}

/// A row of a stepped statement, read without copying.
private struct SQLiteRawRow: RawRow {
    let handle: OpaquePointer

    func bytes(_ column: Int) -> UnsafeRawBufferPointer? {
        let index = Int32(column)
        guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return nil }
        // blob first, then bytes: the order SQLite documents for a stable pointer.
        let pointer = sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        guard let pointer, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: count)
    }
}
