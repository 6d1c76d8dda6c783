import ToolHostCore

extension DatabaseConnection {
    /// The rows of one statement, failing with `ToolHostError`.
    public func rows(_ sql: String, _ values: [SQLValue] = []) throws(ToolHostError) -> [JSONObject] {
        try withDatabaseErrors { () throws(DatabaseError) in try run(sql, values).rows }
    }

    /// Keys bound in one statement at most: engines cap a statement's parameters (PostgreSQL
    /// 65,535; SQLite 32,766), and a long IN list plans no better.
    public static var keysPerStatement: Int { 1000 }

    /// Deletes the rows of `table` (as the dialect names it) whose `column` is one of `keys`,
    /// and whose `scope` column has its value when given, a statement per 1,000 keys.
    @discardableResult
    public func deleteRows(from table: String, where column: String, in keys: [String],
                           scope: (column: String, value: SQLValue)? = nil) throws(DatabaseError) -> Int {
        var deleted = 0
        var start = 0
        while start < keys.count {
            let page = keys[start..<min(start + Self.keysPerStatement, keys.count)]
            start += page.count
            var builder = SQLStatementBuilder(dialect: dialect)
            var conditions: [String] = []
            if let scope { conditions.append("\(SQLIdentifier.quote(scope.column)) = \(builder.bind(scope.value))") }
            conditions.append("\(SQLIdentifier.quote(column)) IN (\(page.map { builder.bind(.text($0)) }.joined(separator: ", ")))")
            deleted += try run("DELETE FROM \(table) WHERE \(conditions.joined(separator: " AND "))", builder.values).rowsAffected
        }
        return deleted
    }

    /// Rows a multi-row INSERT carries: one round trip per hundred rows instead of per row.
    public static var rowsPerInsert: Int { 100 }

    /// `INSERT INTO table (columns) VALUES (…), (…) suffix`, a hundred rows a statement.
    /// `wrap` turns a column's placeholder into its value expression (`$3::vector`). The rows
    /// must not repeat a conflict key: PostgreSQL refuses to update one row twice in a statement.
    public func insertRows(into table: String, columns: [String], rows: [[SQLValue]], suffix: String = "",
                           wrap: (_ column: Int, _ placeholder: String) -> String = { $1 }) throws(DatabaseError) {
        let names = columns.map(SQLIdentifier.quote).joined(separator: ", ")
        var start = 0
        while start < rows.count {
            let page = rows[start..<min(start + Self.rowsPerInsert, rows.count)]
            start += page.count
            var builder = SQLStatementBuilder(dialect: dialect)
            let tuples = page.map { row in
                "(" + row.enumerated().map { wrap($0.offset, builder.bind($0.element)) }.joined(separator: ", ") + ")"
            }
            _ = try run("INSERT INTO \(table) (\(names)) VALUES \(tuples.joined(separator: ", ")) \(suffix)", builder.values)
        }
    }
}
