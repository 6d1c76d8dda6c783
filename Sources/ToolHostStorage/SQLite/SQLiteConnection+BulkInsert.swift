import CSQLite

extension SQLiteConnection {
    /// Rows per INSERT statement of a bulk insert. Each execution of a statement has a fixed
    /// cost besides its rows (starting the VM, AUTOINCREMENT's read and write of
    /// `sqlite_sequence`), so several rows per statement halve the CPU of inserting into
    /// `tool_logs` (measured from C: 1,000,000 rows 1.75 s one per statement, 0.92 s fifty).
    /// 999 parameters is the smallest limit an SQLite build may have.
    static func rowsPerInsert(columns: Int) -> Int {
        max(1, min(50, 999 / max(columns, 1)))
    }

    /// Multi-row INSERTs of prepared statements (`rowsPerInsert` rows each, the rest in one
    /// last), all or nothing as PostgreSQL's COPY is: the rows go in under a savepoint, and a
    /// failing row (or a failing `rows`) undoes the ones before it, even where the caller goes
    /// on and commits. Outside a transaction it opens one, so the rows are also written in one
    /// commit rather than one each. A batch at least as large as its table goes in with the
    /// table's secondary indexes set aside, for the first read to build from the whole table
    /// (`SQLiteDeferredIndexes`); `rows.underestimatedCount` is the batch's size. Rows keep their order (ids grow with it).
    @discardableResult
    public func bulkInsert(into table: TableName, columns: [String], rows: some Sequence<[SQLValue]>) throws(DatabaseError) -> Int {
        let perStatement = Self.rowsPerInsert(columns: columns.count)
        let insert = { () throws(DatabaseError) -> Int in
            let full = try self.prepared(Self.insertSQL(into: table, columns: columns, rows: perStatement))
            var count = 0
            try InsertBatches.forEach(rows, columns: columns.count, perStatement: perStatement) { (values, rowCount) throws(DatabaseError) in
                let statement = rowCount == perStatement ? full : try self.prepared(Self.insertSQL(into: table, columns: columns, rows: rowCount))
                try self.execute(statement, values)
                count += rowCount
            }
            return count
        }
        // BEGIN IMMEDIATE first where no transaction is open: a savepoint alone would begin a
        // deferred one, whose upgrade to a writer can fail at once instead of waiting its turn.
        return try transaction { () throws(DatabaseError) -> Int in
            try withinSavepoint("toolhost_bulk_insert") { () throws(DatabaseError) -> Int in
                guard let deferred = try SQLiteDeferredIndexes(of: table, batchRows: rows.underestimatedCount, on: self) else { return try insert() }
                return try deferred.around(on: self, insert)
            }
        }
    }

    /// `INSERT INTO table (columns) VALUES (?, ...), ...` for `rows` rows.
    private static func insertSQL(into table: TableName, columns: [String], rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: max(columns.count, 1)).joined(separator: ", ") + ")"
        return "INSERT INTO \(SQLIdentifier.quote(table.name)) (\(columns.map(SQLIdentifier.quote).joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// Binds `values` to a statement that returns no rows and runs it.
    private func execute(_ statement: SQLiteStatement, _ values: PackedValues) throws(DatabaseError) {
        if interrupter.isInterrupted { throw StatementInterrupter.interruptedError }
        sqlite3_reset(statement.handle)
        let failed = try values.withBound(to: statement) { () -> DatabaseError? in
            defer { sqlite3_reset(statement.handle) }
            let step = sqlite3_step(statement.handle)
            return step == SQLITE_DONE ? nil : failure(step)
        }
        if let failed { throw failed }
    }

    /// Runs `body` under a savepoint named `name`: released when it returns, rolled back to
    /// (undoing all it wrote, schema changes included) when it throws.
    func withinSavepoint<T>(_ name: String, _ body: () throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        let quoted = SQLIdentifier.quote(name)
        try executeScript("SAVEPOINT \(quoted)")
        do throws(DatabaseError) {
            let value = try body()
            try executeScript("RELEASE \(quoted)")
            return value
        } catch {
            try? executeScript("ROLLBACK TO \(quoted); RELEASE \(quoted)")
            throw error
        }
    }
}
