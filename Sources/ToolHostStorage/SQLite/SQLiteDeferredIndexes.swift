/// The secondary indexes of a table, set aside while a large batch is inserted into it, and
/// built from the finished table by the first read that comes after (`buildDeferredIndexes`).
///
/// Keeping a B-tree index current costs one descent per row and index; `CREATE INDEX` sorts the
/// whole table once and writes the tree bottom-up, which costs about half as much per row.
/// Measured on `tool_logs` (two indexes) with SQLite 3.40 from C, 1,000,000 rows into an empty
/// table: rows with the indexes kept current 7.0 s of CPU, rows then both indexes built 4.5 s,
/// rows alone 2.0 s. A rebuild sorts the rows already there too, so it pays only for a batch
/// at least as large as the table it goes into (the first big load, a table that doubles).
///
/// Why not at once, after the batch: building the two indexes of a million logs took 2.3 s of
/// the 6.2 a `store_logs` of them cost, and a loader that stores several batches before it
/// reads pays it once instead of per batch. It is the full-text index's way too
/// (`SearchIndex.catchUp`): the first search pays for what the stores skipped, and says so.
/// Until then a query of the table is answered from the table itself: the same rows, found by
/// a scan instead of an index.
///
/// All or nothing: the indexes are dropped, and their definitions recorded in
/// `toolhost_deferred_indexes`, inside the bulk insert's savepoint, so a batch that fails puts
/// them back with its rows undone, and a process killed mid-batch leaves the table and its
/// indexes as they were. Unique indexes stay: they are checks, and a duplicate must be refused
/// at its row. A table whose indexes are set aside already takes the next batch, of any size,
/// with nothing to maintain.
///
/// ```swift
/// try connection.withinSavepoint("batch") { () throws(DatabaseError) -> Int in
///     guard let deferred = try SQLiteDeferredIndexes(of: table, batchRows: rows.count, on: connection) else { return try insertRows() }
///     return try deferred.around(on: connection, insertRows)
/// }
/// ```
struct SQLiteDeferredIndexes {
    /// Smaller batches keep the indexes current: dropping and creating an index changes the
    /// schema, which makes every other connection prepare its statements again.
    static let minimumBatchRows = 10_000

    let table: TableName
    /// Name and `CREATE INDEX` statement of each index set aside, as `sqlite_master` keeps it,
    /// so each comes back exactly as it was made (columns, order, collation, WHERE).
    let indexes: [(name: String, sql: String)]

    /// The indexes to set aside for a batch of `batchRows` rows, or nil when keeping them
    /// current is the cheaper way (a small batch, a larger table, no such index), or where
    /// there is no `DeferredIndexLedger` to record them in.
    init?(of table: TableName, batchRows: Int, on connection: SQLiteConnection) throws(DatabaseError) {
        guard batchRows >= Self.minimumBatchRows,
              let rowsNow = Self.rowCountUpperBound(of: table, on: connection), batchRows >= rowsNow else { return nil }
        let rows = try connection.run("""
            SELECT name, sql FROM sqlite_master
            WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL
              AND name IN (SELECT name FROM pragma_index_list(?1) WHERE "unique" = 0)
              AND EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?2)
            ORDER BY name
            """, [.text(table.name), .text(DeferredIndexLedger.table.name)]).rows
        let indexes = rows.compactMap { row -> (name: String, sql: String)? in
            guard let name = row["name"]?.stringValue, let sql = row["sql"]?.stringValue else { return nil }
            return (name, sql)
        }
        guard !indexes.isEmpty else { return nil }
        self.table = table
        self.indexes = indexes
    }

    /// Runs `insert` with the indexes dropped and recorded for the first read to build. Call
    /// it under a savepoint or transaction that is rolled back if it throws: that puts the
    /// indexes back.
    func around<T>(on connection: SQLiteConnection, _ insert: () throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        for index in indexes {
            try connection.executeScript("DROP INDEX \(SQLIdentifier.quote(index.name))")
            _ = try connection.run("INSERT OR REPLACE INTO \(SQLIdentifier.quote(DeferredIndexLedger.table.name)) (name, table_name, sql, set_aside_at) VALUES (?1, ?2, ?3, ?4)",
                                   [.text(index.name), .text(table.name), .text(index.sql), .text(Timestamp.now().iso8601)])
        }
        return try insert()
    }

    /// How many rows the table holds at most, from its first and last rowid (two B-tree
    /// descents, where `count(*)` would read the whole table); nil for a table without rowids,
    /// where the query fails to prepare (which leaves the transaction as it was).
    private static func rowCountUpperBound(of table: TableName, on connection: SQLiteConnection) -> Int? {
        let bounds = try? connection.run("SELECT coalesce(max(rowid) - min(rowid) + 1, 0) AS n FROM \(SQLIdentifier.quote(table.name))").rows.first
        return bounds?["n"]?.integerValue
    }
}
