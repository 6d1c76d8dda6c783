/// Where the indexes that large bulk inserts set aside wait for the first read to build them
/// (`SQLiteDeferredIndexes`, `buildDeferredIndexes`): one row per index, with the statement
/// that makes it again. SQLite only: PostgreSQL keeps its indexes current.
public enum DeferredIndexLedger {
    public static let table = TableName("toolhost_deferred_indexes")

    /// Migration 12; nothing on PostgreSQL.
    public static func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        guard connection.dialect == .sqlite else { return }
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS \(SQLIdentifier.quote(table.name)) (
                name TEXT PRIMARY KEY,
                table_name TEXT NOT NULL,
                sql TEXT NOT NULL,
                set_aside_at TEXT NOT NULL
            )
            """)
    }
}
