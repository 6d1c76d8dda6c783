import ToolHostCore
import ToolHostStorage

extension DatabaseConnection {
    /// `transaction` for handler code that fails with `ToolHostError`: committed when `body`
    /// returns, rolled back when it throws, and the handler's own error (not found, invalid
    /// input...) is what the caller sees.
    func atomically<T>(_ body: () throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        var failure: ToolHostError?
        do {
            return try transaction { () throws(DatabaseError) -> T in
                do throws(ToolHostError) {
                    return try body()
                } catch {
                    failure = error
                    throw DatabaseError(.statement, error.message)  // rolls back
                }
            }
        } catch {
            throw failure ?? error.toolHostError
        }
    }

    /// The rows of one statement, failing with `ToolHostError`.
    func rows(_ sql: String, _ values: [SQLValue] = []) throws(ToolHostError) -> [JSONObject] {
        try withDatabaseErrors { () throws(DatabaseError) in try run(sql, values).rows }
    }

    /// Serialises writers of one corpus and task until the transaction ends (PostgreSQL: a
    /// transaction-level advisory lock; SQLite's write lock already does it).
    func lockCorpusTask(_ corpus: String, _ task: String) throws(ToolHostError) {
        guard dialect == .postgres else { return }
        _ = try rows("SELECT pg_advisory_xact_lock(hashtext($1))", [.text(corpus + "\u{1}" + task)])
    }
}
