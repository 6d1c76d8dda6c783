import ToolHostCore
import ToolHostStorage

extension HandlerContext {
    /// The configured database of this process (pooled, migrated on first use).
    var database: Database { Database.shared(for: config.database) }

    /// What a use of a connection does with the indexes large bulk inserts set aside (SQLite,
    /// `buildDeferredIndexes`): a use that may read builds them first, so that no query runs
    /// without an index it could use for longer than the first; one that only stores (or finds
    /// its rows by unique keys, never set aside) leaves them to the next read.
    enum SetAsideIndexes {
        case build, leave
    }

    /// Runs `body` with a connection of its own from the pool; `freeFormSQL` restores the
    /// session afterwards (the caller's SQL may have changed it). A call cancelled meanwhile
    /// has its statement stopped and the next ones refused: its transaction is rolled back,
    /// and it fails with `cancelled` whatever the stopped statement said.
    func withConnection<T>(freeFormSQL: Bool = false, setAsideIndexes: SetAsideIndexes = .build,
                           _ body: (any DatabaseConnection) throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        try database.withConnection(resetSession: freeFormSQL) { (connection) throws(ToolHostError) -> T in
            do throws(ToolHostError) {
                return try connection.stopping(when: cancellation) { () throws(ToolHostError) -> T in
                    if setAsideIndexes == .build { buildDeferredIndexes(on: connection) }
                    return try body(connection)
                }
            } catch where cancellation?.isCancelled == true {
                throw ToolHostError(.cancelled, "The call of '\(tool.id)' was cancelled; what it had not committed was undone.")
            }
        }
    }

    /// Builds the indexes that large bulk inserts set aside, saying so when there were any:
    /// the first read after a big load waits for them. When they cannot be built now (another
    /// process holds the write lock past the busy timeout), the use goes on without them: the
    /// same rows, found by scanning.
    private func buildDeferredIndexes(on connection: any DatabaseConnection) {
        do {
            let built = try connection.buildDeferredIndexes()
            guard !built.isEmpty else { return }
            let names = built.map { "\($0.name) on \($0.table)" }.joined(separator: ", ")
            warn("\(tool.id): built the index\(built.count == 1 ? "" : "es") a bulk load set aside: \(names)")
        } catch {
            warn("\(tool.id): the indexes a bulk load set aside could not be built yet (\(error.message)); this call scans instead")
        }
    }

    /// Limits from the tool's YAML `constraints:` (`max_query_time_seconds`,
    /// `max_result_size_mb`), which code-evolver's definitions carry.
    var queryOptions: QueryOptions {
        let constraints = tool.document["constraints"]?.objectValue
        let seconds = constraints?["max_query_time_seconds"]?.numberValue.flatMap { $0 > 0 ? $0 : nil }
        let megabytes = constraints?["max_result_size_mb"]?.numberValue.flatMap { $0 > 0 && $0 < 1e6 ? $0 : nil }
        return QueryOptions(maxResultBytes: megabytes.map { Int($0 * 1024 * 1024) }, timeoutSeconds: seconds)
    }
}

extension OperationInput {
    /// A timestamp field (`since`, `until`...): ISO-8601, a date, or a span before now (`7d`).
    func optionalTimestamp(_ key: String) throws(ToolHostError) -> Timestamp? {
        guard let text = try optionalString(key) else { return nil }
        guard let timestamp = Timestamp(expression: text) else {
            throw invalid(key, "must be an ISO-8601 timestamp such as 2026-11-22T08:00:00Z, a date, or a span such as 7d, not \"\(text)\"")
        }
        return timestamp
    }
}
