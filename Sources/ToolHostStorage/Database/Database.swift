import Dispatch
import Synchronization
import ToolHostCore

/// The configured database of this process: hands out pooled connections, migrated on first
/// use. Built-in tools reach storage through it (`Database.shared(for:)`), so a long-lived
/// ToolHost reuses connections across calls and a one-shot `toolhost run` opens exactly one.
///
/// ```swift
/// let rows = try Database.shared(for: config.database).withConnection { connection in
///     try connection.run("SELECT count(*) AS n FROM tool_logs").rows
/// }
/// ```
public final class Database: Sendable {
    public let settings: DatabaseSettings
    private let migrations: [Migration]
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var idle: [PooledConnection] = []
        var migrated = false
        var connectionFailure: (error: DatabaseError, at: Double)?
        /// A connection being opened ahead of its first use (`openAhead`).
        var opening: ConnectionAhead?
    }

    /// Why the last attempt to connect failed, if it did in the last few seconds: lets a caller
    /// that must not wait (the invocation recorder) give up at once instead of timing out a
    /// second time. It expires, so a long-lived process tries again once the server is back.
    public var lastConnectionFailure: DatabaseError? {
        state.withLock { state in
            state.connectionFailure.flatMap { MonotonicClock.now() - $0.at < Self.failureMemorySeconds ? $0.error : nil }
        }
    }

    static let failureMemorySeconds = 5.0

    /// A connection parked in the pool; only one borrower uses it at a time.
    private struct PooledConnection: @unchecked Sendable {
        let connection: any DatabaseConnection
    }

    /// SQLite only: the threads of this process take turns with the database (see the gate).
    private let sqliteTurns: ThreadExclusiveGate?

    /// `migrations`: every migration of the tables this process uses (the built-in tools':
    /// `SchemaMigrations.all`, in ToolHostTools, which owns them).
    public init(settings: DatabaseSettings, migrations: [Migration]) {
        self.settings = settings
        self.migrations = migrations
        sqliteTurns = settings.kind == .sqlite ? ThreadExclusiveGate() : nil
    }

    private static let registry = Mutex<[String: Database]>([:])

    /// The one `Database` of this process for these settings (a process has one list of
    /// migrations: the first caller's is used).
    public static func shared(for settings: DatabaseSettings, migrations: [Migration]) -> Database {
        let key = "\(settings.kind.rawValue):\(settings.displayName):\(settings.user):\(settings.path)"
        return registry.withLock { databases in
            if let existing = databases[key] { return existing }
            let database = Database(settings: settings, migrations: migrations)
            databases[key] = database
            return database
        }
    }

    /// Closes the idle connections of every shared database, for a process about to exit.
    /// SQLite's last close checkpoints the write-ahead log and removes it; a process that
    /// just exits leaves the log for the next one to read back in full before its first
    /// query (the log grows to megabytes, and every `toolhost run` paid for it).
    public static func closeAllShared() {
        let databases = registry.withLock { Array($0.values) }
        for database in databases {
            let idle = database.state.withLock { state in
                defer { state.idle.removeAll() }
                return state.idle
            }
            _ = idle  // released here: each connection closes in its deinit
        }
    }

    /// Runs `body` with a connection of its own; database failures become ToolHost errors.
    /// `resetSession` restores the session afterwards, for callers that run free-form SQL
    /// (which may SET search_path, ROLE or timeouts) on a connection others will reuse.
    public func withConnection<T>(resetSession: Bool = false,
                                  _ body: (any DatabaseConnection) throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        guard let sqliteTurns else { return try withPooledConnection(resetSession: resetSession, body) }
        return try sqliteTurns.withTurn { () throws(ToolHostError) -> T in try withPooledConnection(resetSession: resetSession, body) }
    }

    private func withPooledConnection<T>(resetSession: Bool,
                                         _ body: (any DatabaseConnection) throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        let connection: any DatabaseConnection
        do {
            connection = try checkOut()
        } catch {
            throw error.toolHostError
        }
        defer {
            if resetSession { connection.resetSession() }
            checkIn(connection)
        }
        // Each statement a span, while tracing is on and the borrower runs in one; the text of
        // free-form SQL (which is what `resetSession` marks) is never recorded.
        if TraceScope.current != nil, Tracer.current != nil {
            return try body(TracedConnection(connection, settings: settings, recordsQueryText: !resetSession))
        }
        return try body(connection)
    }

    /// Like `withConnection`, for code that speaks `DatabaseError`.
    public func withDatabaseConnection<T>(_ body: (any DatabaseConnection) throws(DatabaseError) -> T) throws(ToolHostError) -> T {
        try withConnection { (connection) throws(ToolHostError) -> T in
            do throws(DatabaseError) {
                return try body(connection)
            } catch {
                throw error.toolHostError
            }
        }
    }

    /// Starts opening (and migrating) a connection on a thread of its own, for a process that
    /// will need one shortly and has other work to do first: `toolhost run` on PostgreSQL loads
    /// libpq and waits for a backend to start while it reads its catalogue and input. The
    /// first borrower takes that connection, waiting for it if need be.
    public func openAhead() {
        let ahead = ConnectionAhead()
        let started = state.withLock { state in
            guard state.idle.isEmpty, state.opening == nil else { return false }
            state.opening = ahead
            return true
        }
        guard started else { return }
        if !DetachedThread.start({ [self] in ahead.finish(Result { () throws(DatabaseError) in try connect() }) }) {
            ahead.finish(Result { () throws(DatabaseError) in try connect() })
        }
    }

    private func checkOut() throws(DatabaseError) -> any DatabaseConnection {
        while let pooled = state.withLock({ $0.idle.popLast() }) {
            if pooled.connection.isHealthy { return pooled.connection }
        }
        if let ahead = state.withLock({ state in defer { state.opening = nil }; return state.opening }) {
            return try ahead.wait().get()
        }
        return try connect()
    }

    /// A new connection, the database migrated on the first.
    private func connect() throws(DatabaseError) -> any DatabaseConnection {
        let connection: any DatabaseConnection
        do {
            connection = try DatabaseConnector.connect(settings)
            state.withLock { $0.connectionFailure = nil }
        } catch {
            state.withLock { $0.connectionFailure = (error, MonotonicClock.now()) }
            throw error
        }
        if !state.withLock({ $0.migrated }) {
            try Migrator.migrate(connection, migrations)
            state.withLock { $0.migrated = true }
        }
        return connection
    }

    private func checkIn(_ connection: any DatabaseConnection) {
        connection.rollback()  // a borrower that left a transaction open does not leak it
        // A broken connection, or one whose transaction would not end, is dropped, not reused.
        guard connection.isHealthy, !connection.inTransaction else { return }
        state.withLock { state in
            if state.idle.count < max(settings.poolMax, 1) { state.idle.append(PooledConnection(connection: connection)) }
        }
    }
}

/// A connection opened on another thread, handed to the one borrower that waits for it.
private final class ConnectionAhead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<any DatabaseConnection, DatabaseError>?

    func finish(_ result: Result<any DatabaseConnection, DatabaseError>) {
        self.result = result
        done.signal()
    }

    func wait() -> Result<any DatabaseConnection, DatabaseError> {
        done.wait()
        return result ?? .failure(DatabaseError(.connection, "The connection opened ahead produced nothing."))
    }
}
