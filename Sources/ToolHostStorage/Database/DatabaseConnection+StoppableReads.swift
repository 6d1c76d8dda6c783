import ToolHostCore

extension DatabaseConnection {
    /// `forEachRow` for a body that fails in its own terms (an export whose file cannot be
    /// written): the read stops at that row, the rest of the result is discarded, and the
    /// body's own error comes back as it was; a failure of the read itself comes as `Failure`.
    @discardableResult
    public func forEachRow<Failure: DatabaseFailureRepresentable>(
        _ sql: String, _ parameters: [SQLValue], _ body: (JSONObject) throws(Failure) -> Void) throws(Failure) -> Int {
        try stoppable(body) { (row) throws(DatabaseError) in try forEachRow(sql, parameters, row) }
    }

    /// `forEachRowAsJSON`, stopped by the body's own error as `forEachRow` is.
    @discardableResult
    public func forEachRowAsJSON<Failure: DatabaseFailureRepresentable>(
        _ sql: String, _ parameters: [SQLValue], _ body: (any JSONRowWriter) throws(Failure) -> Void) throws(Failure) -> Int {
        try stoppable(body) { (row) throws(DatabaseError) in try forEachRowAsJSON(sql, parameters, row) }
    }

    /// `forEachRawRow`, stopped by the body's own error as `forEachRow` is.
    @discardableResult
    public func forEachRawRow<Failure: DatabaseFailureRepresentable>(
        _ sql: String, _ parameters: [SQLValue], _ body: (any RawRow) throws(Failure) -> Void) throws(Failure) -> Int {
        try stoppable(body) { (row) throws(DatabaseError) in try forEachRawRow(sql, parameters, row) }
    }

    /// The one place a row read is stopped from outside: the drivers end a read when its body
    /// throws (`DatabaseError.Kind.stoppedByCaller`, never shown to anyone); the body's own
    /// error is kept aside and rethrown in its place.
    private func stoppable<Row, Failure: DatabaseFailureRepresentable>(
        _ body: (Row) throws(Failure) -> Void,
        read: ((Row) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int) throws(Failure) -> Int {
        // `body` only runs while `read` does: it is not kept.
        try withoutActuallyEscaping(body) { (body) throws(Failure) -> Int in
            var stop: Failure?
            do throws(DatabaseError) {
                return try read { (row) throws(DatabaseError) in
                    do throws(Failure) {
                        try body(row)
                    } catch {
                        stop = error
                        throw DatabaseError(.stoppedByCaller, "The read was stopped by its caller")
                    }
                }
            } catch {
                throw stop ?? Failure(databaseFailure: error)
            }
        }
    }
}
