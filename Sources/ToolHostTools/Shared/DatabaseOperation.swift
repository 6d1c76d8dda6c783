import ToolHostCore
import ToolHostStorage

/// What a database operation works with: a pooled connection (inside the operation's one
/// transaction for a write) and the call around it.
struct DatabaseCall {
    let connection: any DatabaseConnection
    let context: HandlerContext

    var dialect: SQLDialect { connection.dialect }
    /// The id of the tool being run, for error messages.
    var toolID: String { context.tool.id }
    /// The limits of the tool's YAML `constraints:`.
    var queryOptions: QueryOptions { context.queryOptions }
}

/// How an operation touches the database, declared once: the mechanism opens the connection,
/// or the connection and one transaction, and converts every error on the way out.
///
/// ```swift
/// Operation.read("get_tool") { input, call in .rows(try call.connection.run(sql, values).rows.map(JSONValue.object)) }
/// Operation.write("store_log") { input, call in .stored(id: try spec.insert(values, on: call.connection)) }
/// ```
extension Operation {
    typealias DatabaseBody = @Sendable (OperationInput, DatabaseCall) throws -> OperationAnswer

    /// Reads with a connection of its own from the pool (autocommit: each statement sees the
    /// latest committed data). `freeFormSQL` restores the session afterwards, for callers' SQL.
    /// Read-only unless `nature` says otherwise: an operation that runs without a transaction
    /// of its own but still writes (creates tables, runs a caller's SQL) must say so, because
    /// its MCP hints are derived from it and clients approve read-only calls without asking
    /// (`BuiltinReadOnlyTests` runs every read-only operation and checks nothing changed).
    /// A read first builds the indexes large bulk inserts set aside (`SetAsideIndexes`).
    static func read(_ name: String, freeFormSQL: Bool = false, nature: ToolNature = .readOnly, _ body: @escaping DatabaseBody) -> Operation {
        Operation(name, nature: nature) { input, context in
            try context.withConnection(freeFormSQL: freeFormSQL) { (connection) throws(ToolHostError) -> OperationAnswer in
                try ToolHostError.converting { try body(input, DatabaseCall(connection: connection, context: context)) }
            }
        }
    }

    /// Writes in one transaction: every change is kept when the body answers, none when it
    /// throws (the error it threw is what the caller sees). A write adds or updates in place
    /// unless `nature` says it can destroy (delete, replace wholesale, run arbitrary statements).
    /// A write leaves set-aside indexes to the next read (it stores, or finds its rows by unique
    /// keys, which are never set aside), unless it runs a caller's SQL, which may need them.
    static func write(_ name: String, freeFormSQL: Bool = false, nature: ToolNature = .write, _ body: @escaping DatabaseBody) -> Operation {
        Operation(name, nature: nature) { input, context in
            try context.withConnection(freeFormSQL: freeFormSQL, setAsideIndexes: freeFormSQL ? .build : .leave) {
                (connection) throws(ToolHostError) -> OperationAnswer in
                try connection.transaction { () throws(ToolHostError) -> OperationAnswer in
                    try ToolHostError.converting { try body(input, DatabaseCall(connection: connection, context: context)) }
                }
            }
        }
    }
}
