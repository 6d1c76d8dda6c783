import ToolHostCore
import ToolHostStorage

extension HandlerContext {
    /// The configured database of this process (pooled, migrated on first use).
    var database: Database { Database.shared(for: config.database) }

    /// Runs `body` with a connection of its own from the pool; `freeFormSQL` restores the
    /// session afterwards (the caller's SQL may have changed it). A call cancelled meanwhile
    /// has its statement stopped and the next ones refused: its transaction is rolled back,
    /// and it fails with `cancelled` whatever the stopped statement said.
    func withConnection<T>(freeFormSQL: Bool = false,
                           _ body: (any DatabaseConnection) throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        try database.withConnection(resetSession: freeFormSQL) { (connection) throws(ToolHostError) -> T in
            do throws(ToolHostError) {
                return try connection.stopping(when: cancellation) { () throws(ToolHostError) -> T in try body(connection) }
            } catch where cancellation?.isCancelled == true {
                throw ToolHostError(.cancelled, "The call of '\(tool.id)' was cancelled; what it had not committed was undone.")
            }
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
