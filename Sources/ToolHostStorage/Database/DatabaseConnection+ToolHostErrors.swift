import ToolHostCore

extension DatabaseConnection {
    /// `transaction` for handler code that fails with `ToolHostError`: committed when `body`
    /// returns, rolled back when it throws, and the handler's own error (not found, invalid
    /// input...) is what the caller sees.
    public func atomically<T>(_ body: () throws(ToolHostError) -> T) throws(ToolHostError) -> T {
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
    public func rows(_ sql: String, _ values: [SQLValue] = []) throws(ToolHostError) -> [JSONObject] {
        try withDatabaseErrors { () throws(DatabaseError) in try run(sql, values).rows }
    }
}
