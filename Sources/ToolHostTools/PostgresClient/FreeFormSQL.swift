import ToolHostCore
import ToolHostStorage

/// `query` and `execute`: the caller's own SQL, with `%(name)s` / `%s` parameters bound.
enum FreeFormSQL {
    /// Runs the SQL and commits it (an INSERT ... RETURNING through `query` persists). With
    /// `database.read_only` it runs in a read-only transaction that is rolled back.
    static func query(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        try blamingTheStatement { try runQuery(input, call) }
    }

    static func execute(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        try blamingTheStatement {
            let result = try run(try input.string("sql"), input, call, options: call.queryOptions)
            return .fields(["rows_affected": .int(result.rowsAffected)])
        }
    }

    /// The caller's SQL refused for what it says is `sql_rejected` (`DatabaseError.callersSQLError`),
    /// a client's error, not the server's `database_error`.
    static func blamingTheStatement<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw error.callersSQLError
        }
    }

    private static func runQuery(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let sql = try input.string("sql")
        var options = call.queryOptions
        options.fetchOne = try input.optionalBool("fetch_one") ?? false
        let result: QueryResult
        if call.context.config.database.readOnly {
            // A script could COMMIT the read-only transaction and write after it.
            if SQLParameters.isScript(sql, dialect: call.dialect) {
                try ReadOnlyGuard.refuseWrites(call.context, operation: "a multi-statement query")
            }
            let prepared = try SQLParameters.prepare(sql, params: input["params"], dialect: call.dialect)
            result = try ReadOnlyGuard.inReadOnlyTransaction(call.connection) { () throws(DatabaseError) -> QueryResult in
                try call.connection.run(prepared.sql, prepared.values, options: options)
            }
        } else {
            result = try run(sql, input, call, options: options)
        }
        return .fields(["data": .array(result.rows.map(JSONValue.object)), "rows_affected": .int(result.rowsAffected)])
    }

    /// One statement with its parameters; or, without parameters, a script of several
    /// statements (`CREATE TABLE ...; CREATE INDEX ...`), as psycopg2 runs them. A script
    /// reports no rows and no row count (-1, like DDL).
    private static func run(_ sql: String, _ input: OperationInput, _ call: DatabaseCall, options: QueryOptions) throws -> QueryResult {
        if SQLParameters.isScript(sql, dialect: call.dialect) {
            guard input["params"] == nil else {
                throw input.invalid("sql", "holds several statements; with params send one statement per call (or use the transaction operation)")
            }
            try call.connection.executeScript(sql)
            return QueryResult(rowsAffected: QueryResult.noRowCount)
        }
        let prepared = try SQLParameters.prepare(sql, params: input["params"], dialect: call.dialect)
        return try call.connection.run(prepared.sql, prepared.values, options: options)
    }
}
