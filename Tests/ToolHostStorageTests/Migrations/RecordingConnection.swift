import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools
@testable import ToolHostMemory

/// A connection that passes every call on to a real one and keeps the text of each statement
/// it was given, in order: what a migration runs, for `MigrationChecksumTests` to pin.
///
/// Catalogue reads the drivers make on their own (`columns(of:)`) are recorded by name, since
/// a migration's behaviour depends on them as much as on its SQL.
final class RecordingConnection: DatabaseConnection {
    private let base: any DatabaseConnection
    private(set) var statements: [String] = []

    init(_ base: any DatabaseConnection) { self.base = base }

    /// Returns the statements recorded so far and starts a new record.
    func takeStatements() -> [String] {
        defer { statements = [] }
        return statements
    }

    var dialect: SQLDialect { base.dialect }

    func run(_ sql: String, _ parameters: [SQLValue], options: QueryOptions) throws(DatabaseError) -> QueryResult {
        statements.append(sql)
        return try base.run(sql, parameters, options: options)
    }

    func executeScript(_ sql: String) throws(DatabaseError) {
        statements.append(sql)
        try base.executeScript(sql)
    }

    func forEachRow(_ sql: String, _ parameters: [SQLValue], _ body: (JSONObject) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        statements.append(sql)
        return try base.forEachRow(sql, parameters, body)
    }

    func forEachRowAsJSON(_ sql: String, _ parameters: [SQLValue], _ body: (any JSONRowWriter) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        statements.append(sql)
        return try base.forEachRowAsJSON(sql, parameters, body)
    }

    func forEachRawRow(_ sql: String, _ parameters: [SQLValue], _ body: (any RawRow) throws(DatabaseError) -> Void) throws(DatabaseError) -> Int {
        statements.append(sql)
        return try base.forEachRawRow(sql, parameters, body)
    }

    func bulkInsert(into table: TableName, columns: [String], rows: some Sequence<[SQLValue]>) throws(DatabaseError) -> Int {
        statements.append("-- bulk insert into \(table) (\(columns.joined(separator: ", ")))")
        return try base.bulkInsert(into: table, columns: columns, rows: rows)
    }

    func columns(of table: TableName) throws(DatabaseError) -> [ColumnInfo] {
        statements.append("-- columns of \(table)")
        return try base.columns(of: table)
    }

    func begin() throws(DatabaseError) { try base.begin() }
    func commit() throws(DatabaseError) { try base.commit() }
    func rollback() { base.rollback() }
    var inTransaction: Bool { base.inTransaction }
    var isHealthy: Bool { base.isHealthy }
    var interrupter: StatementInterrupter { base.interrupter }
    func resetSession() { base.resetSession() }
}
