import ToolHostCore
import ToolHostStorage

/// `postgres_client`: SQL on the configured database (SQLite or PostgreSQL), in the shapes
/// code-evolver parses: `{"success": true, "data": [...], "rows_affected": n}`.
///
/// ```json
/// {"operation": "query", "sql": "SELECT * FROM tool_logs WHERE tool_id = %(t)s", "params": {"t": "x"}}
/// {"operation": "insert", "table": "tool_logs", "data": {"tool_id": "x", "log_level": "info", "message": "hi"}}
/// {"operation": "transaction", "statements": [{"sql": "...", "params": [1]}, {"sql": "..."}]}
/// ```
struct PostgresClientHandler: OperationHandler {
    let name = "postgres_client"

    var operations: [Operation] {
        [
            Operation("query", summary: "Run SQL and return its rows (committed)", body: query),
            Operation("execute", summary: "Run SQL and return the number of rows it changed", body: execute),
            Operation("insert", summary: "Insert one row (or an array of rows) into a table", body: TableWrites.insert),
            Operation("update", summary: "Update the rows matching `where`", body: TableWrites.update),
            Operation("delete", summary: "Delete the rows matching `where`", body: TableWrites.delete),
            Operation("create_table", summary: "Create a table from column names and types", body: CreateTable.run),
            Operation("transaction", summary: "Run statements all-or-nothing", body: TransactionOperation.run),
        ]
    }

    /// Runs the SQL and commits it (an INSERT ... RETURNING through `query` persists). With
    /// `database.read_only` it runs in a read-only transaction that is rolled back.
    private func query(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let sql = try input.string("sql")
        var options = context.queryOptions
        options.fetchOne = try input.optionalBool("fetch_one") ?? false
        let result = try context.withConnection(freeFormSQL: true) { (connection) throws(ToolHostError) -> QueryResult in
            guard context.config.database.readOnly else {
                return try Self.run(sql, input, on: connection, options: options)
            }
            // A script could COMMIT the read-only transaction and write after it.
            if SQLParameters.isScript(sql, dialect: connection.dialect) { try ReadOnlyGuard.refuseWrites(context, operation: "a multi-statement query") }
            let prepared = try SQLParameters.prepare(sql, params: input["params"], dialect: connection.dialect)
            return try ReadOnlyGuard.inReadOnlyTransaction(connection) { () throws(DatabaseError) -> QueryResult in
                try connection.run(prepared.sql, prepared.values, options: options)
            }
        }
        return ["success": true, "data": .array(result.rows.map(JSONValue.object)), "rows_affected": .int(result.rowsAffected)]
    }

    private func execute(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let sql = try input.string("sql")
        try ReadOnlyGuard.refuseWrites(context, operation: "execute")
        let result = try context.withConnection(freeFormSQL: true) { (connection) throws(ToolHostError) -> QueryResult in
            try Self.run(sql, input, on: connection, options: context.queryOptions)
        }
        return ["success": true, "rows_affected": .int(result.rowsAffected)]
    }

    /// One statement with its parameters; or, without parameters, a script of several
    /// statements (`CREATE TABLE ...; CREATE INDEX ...`), as psycopg2 runs them. A script
    /// reports no rows and no row count (-1, like DDL).
    private static func run(_ sql: String, _ input: OperationInput, on connection: any DatabaseConnection,
                            options: QueryOptions) throws(ToolHostError) -> QueryResult {
        if SQLParameters.isScript(sql, dialect: connection.dialect) {
            guard input["params"] == nil else {
                throw input.invalid("sql", "holds several statements; with params send one statement per call (or use the transaction operation)")
            }
            try withDatabaseErrors { () throws(DatabaseError) in try connection.executeScript(sql) }
            return QueryResult(rowsAffected: QueryResult.noRowCount)
        }
        let prepared = try SQLParameters.prepare(sql, params: input["params"], dialect: connection.dialect)
        return try withDatabaseErrors { () throws(DatabaseError) in try connection.run(prepared.sql, prepared.values, options: options) }
    }
}

/// `database.read_only`: writes are refused before they reach the database, and free-form
/// queries run where the database itself refuses writes.
enum ReadOnlyGuard {
    static func refuseWrites(_ context: HandlerContext, operation: String) throws(ToolHostError) {
        guard context.config.database.readOnly else { return }
        throw ToolHostError(.readOnly, "The database is configured read-only (database.read_only), so '\(operation)' is refused.")
    }

    static func inReadOnlyTransaction<T>(_ connection: any DatabaseConnection,
                                         _ body: () throws(DatabaseError) -> T) throws(ToolHostError) -> T {
        try withDatabaseErrors { () throws(DatabaseError) -> T in
            // Undo comes first: even a failed BEGIN must not leave query_only on.
            defer { connection.resetSession() }
            switch connection.dialect {
            case .postgres: try connection.executeScript("BEGIN READ ONLY")
            case .sqlite: try connection.executeScript("PRAGMA query_only = ON; BEGIN")
            }
            return try body()
        }
    }
}
