import ToolHostCore
import ToolHostStorage

/// `postgres_client`: SQL on the configured database (SQLite or PostgreSQL), in the shapes
/// code-evolver parses: `{"success": true, "data": [...], "rows_affected": n}`. What each
/// operation takes is in `postgres_client.yaml` (`operations:`).
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
            // Callers' SQL runs as psycopg2 runs it with autocommit: a script may hold its own
            // BEGIN/COMMIT, VACUUM cannot run in a transaction, and read_only opens its own.
            .read("query", freeFormSQL: true, nature: .destructive, FreeFormSQL.query),  // a caller's SQL, committed
            ReadOnlyGuard.refusing(.read("execute", freeFormSQL: true, nature: .destructive, FreeFormSQL.execute)),
            ReadOnlyGuard.refusing(.write("insert", TableWrites.insert)),
            ReadOnlyGuard.refusing(.write("update", nature: .destructive, TableWrites.update)),
            ReadOnlyGuard.refusing(.write("delete", nature: .destructive, TableWrites.delete)),
            ReadOnlyGuard.refusing(.write("create_table", CreateTable.run)),
            ReadOnlyGuard.refusing(.write("transaction", freeFormSQL: true, nature: .destructive, TransactionOperation.run)),
        ]
    }
}
