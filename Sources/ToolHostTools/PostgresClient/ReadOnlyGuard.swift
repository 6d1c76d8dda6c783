import ToolHostCore
import ToolHostStorage

/// `database.read_only`: writes are refused before they reach the database, and free-form
/// queries run where the database itself refuses writes.
enum ReadOnlyGuard {
    /// `operation`, refused under `database.read_only` before it opens a connection (`query`
    /// is not wrapped: it runs in a read-only transaction instead, `inReadOnlyTransaction`).
    static func refusing(_ operation: Operation) -> Operation {
        Operation(operation.name, nature: operation.nature) { input, context in
            try refuseWrites(context, operation: operation.name)
            return try operation.run(input, context)
        }
    }

    static func refuseWrites(_ context: HandlerContext, operation: String) throws(ToolHostError) {
        guard context.config.database.readOnly else { return }
        throw ToolHostError(.readOnly, "The database is configured read-only (database.read_only), so '\(operation)' is refused.")
    }

    static func inReadOnlyTransaction<T>(_ connection: any DatabaseConnection,
                                         _ body: () throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        // Undo comes first: even a failed BEGIN must not leave query_only on.
        defer { connection.resetSession() }
        switch connection.dialect {
        case .postgres: try connection.executeScript("BEGIN READ ONLY")
        case .sqlite: try connection.executeScript("PRAGMA query_only = ON; BEGIN")
        }
        return try body()
    }
}
