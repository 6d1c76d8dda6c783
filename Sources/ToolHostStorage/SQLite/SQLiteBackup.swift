import CSQLite
import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// Copies one SQLite database into another with SQLite's online backup API.
///
/// The whole copy is one step, so it reads one snapshot of the source: pages a writer changes
/// meanwhile are not mixed in, and in WAL mode that writer is not blocked. A destination that
/// other connections have open is replaced as they would see any write (under its lock), so a
/// restore can copy into the live database file.
///
/// ```swift
/// let pages = try SQLiteBackup.copy(from: "data/toolhost.db", to: "/backups/copy.db.tmp")
/// ```
public enum SQLiteBackup {
    /// Copies `source` into `destination` (created when missing) and returns the pages copied.
    /// `journalMode` sets the destination's journal mode afterwards (`DELETE` for a standalone
    /// file that must not depend on a `-wal` beside it); nil leaves it as it is.
    @discardableResult
    public static func copy(from source: String, to destination: String, sourceReadOnly: Bool = false,
                            journalMode: String? = nil, busyTimeoutMilliseconds: Int32 = 30_000) throws(DatabaseError) -> Int {
        let sourceHandle = try open(source, flags: sourceReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
                                    busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        defer { sqlite3_close_v2(sourceHandle) }
        let destinationHandle = try open(destination, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                         busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        defer { sqlite3_close_v2(destinationHandle) }
        guard let backup = sqlite3_backup_init(destinationHandle, "main", sourceHandle, "main") else {
            throw SQLiteConnection.error(destinationHandle, sqlite3_errcode(destinationHandle), context: "Cannot start copying \(source) into \(destination)")
        }
        // Busy or locked: another connection holds a lock the copy needs; the busy handler
        // already waited on the source, so this covers the destination's lock.
        let giveUpAt = MonotonicClock.now() + Double(busyTimeoutMilliseconds) / 1000
        var result = sqlite3_backup_step(backup, -1)
        while (result == SQLITE_BUSY || result == SQLITE_LOCKED) && MonotonicClock.now() < giveUpAt {
            usleep(20_000)
            result = sqlite3_backup_step(backup, -1)
        }
        let pages = Int(sqlite3_backup_pagecount(backup))
        sqlite3_backup_finish(backup)
        guard result == SQLITE_DONE else {
            throw SQLiteConnection.error(destinationHandle, result, context: "Cannot copy \(source) into \(destination)")
        }
        if let journalMode {
            let pragma = sqlite3_exec(destinationHandle, "PRAGMA journal_mode = \(journalMode)", nil, nil, nil)
            guard pragma == SQLITE_OK else {
                throw SQLiteConnection.error(destinationHandle, pragma, context: "Cannot set the journal mode of \(destination)")
            }
        }
        return pages
    }

    private static func open(_ path: String, flags: Int32, busyTimeoutMilliseconds: Int32) throws(DatabaseError) -> OpaquePointer {
        var handle: OpaquePointer?
        let result = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(result)"
            if let handle { sqlite3_close_v2(handle) }
            throw DatabaseError(.connection, "Cannot open the SQLite database \(path): \(message)")
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        return handle
    }
}
