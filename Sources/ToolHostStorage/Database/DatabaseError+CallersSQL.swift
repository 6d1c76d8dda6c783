import ToolHostCore

extension DatabaseError {
    /// Whether the database refused a statement for what it says (a syntax error, a missing
    /// table or column, a constraint, a value of the wrong type, a privilege it lacks) rather
    /// than for the database's own state (a lock, a deadlock, a full disk, a crash): the
    /// caller's SQL is to blame and sending it again unchanged cannot work.
    public var blamesTheStatement: Bool {
        guard kind == .statement else { return false }
        switch resultCode {
        case .sqlState(let state)?: return Self.statementClasses.contains(String(state.prefix(2)))
        // SQLITE_ERROR (syntax, no such table...), TOOBIG, CONSTRAINT, MISMATCH, RANGE.
        case .sqlite(let code)?: return [1, 18, 19, 20, 25].contains(code & 0xFF)
        case nil: return false
        }
    }

    /// SQLSTATE classes of a statement's own fault: feature not supported (0A), cardinality
    /// (21), data exception (22), integrity constraint (23), invalid transaction state (25),
    /// invalid SQL statement name (26), triggered data change (27), dependent privileges (2B),
    /// transaction termination (2D), SQL routine (2F), cursor name (34), catalog name (3D),
    /// schema name (3F), syntax error or access rule (42), WITH CHECK OPTION (44), PL/pgSQL
    /// RAISE (P0). Not: transaction rollback (40: retry), resources (53), operator intervention
    /// (57), system (58), internal (XX).
    static let statementClasses: Set<String> = ["0A", "21", "22", "23", "25", "26", "27", "2B", "2D", "2F", "34", "3D", "3F", "42", "44", "P0"]

    /// The failure as a caller who sent this SQL sees it: `sql_rejected` when the statement is
    /// to blame (a client error: HTTP 400), else what any database failure is.
    public var callersSQLError: ToolHostError {
        let error = toolHostError
        guard blamesTheStatement else { return error }
        return ToolHostError(.sqlRejected, error.message, details: error.details)
    }
}

extension ErrorCode {
    /// The database refused the caller's own SQL (`postgres_client` query, execute and
    /// transaction) for what it says; `sqlstate`, `detail` and `hint` say why.
    public static let sqlRejected = ErrorCode("sql_rejected")
}
