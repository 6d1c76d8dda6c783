import CSQLite

extension SQLiteConnection {
    /// One prepared INSERT stepped per row, all or nothing as PostgreSQL's COPY is: the rows go
    /// in under a savepoint, and a failing row (or a failing `rows`) undoes the ones before it,
    /// even where the caller goes on and commits. Outside a transaction it opens one, so the rows
    /// are also written in one commit rather than one each. A batch at least as
    /// large as its table goes in with the table's secondary indexes set aside and built again
    /// after it (`SQLiteDeferredIndexes`); `rows.underestimatedCount` is the batch's size.
    @discardableResult
    public func bulkInsert(into table: TableName, columns: [String], rows: some Sequence<[SQLValue]>) throws(DatabaseError) -> Int {
        let placeholders = (1...max(columns.count, 1)).map { "?\($0)" }.joined(separator: ", ")
        let sql = "INSERT INTO \(SQLIdentifier.quote(table.name)) (\(columns.map(SQLIdentifier.quote).joined(separator: ", "))) VALUES (\(placeholders))"
        let statement = try prepared(sql)
        let insert = { () throws(DatabaseError) -> Int in
            var count = 0
            defer { sqlite3_reset(statement.handle) }
            for row in rows {
                try statement.bind(row)
                let step = sqlite3_step(statement.handle)
                guard step == SQLITE_DONE else { throw self.failure(step) }
                count += 1
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
