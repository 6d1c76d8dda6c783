import ToolHostCore

/// Builds parameterised SQL for one dialect: numbered placeholders, quoted identifiers and
/// WHERE clauses from `{column: value}` filters, where a value is an equality, `null` (IS
/// NULL) or an array (IN). Values are always bound, never spliced.
public struct SQLStatementBuilder {
    public let dialect: SQLDialect
    public private(set) var values: [SQLValue] = []

    public init(dialect: SQLDialect) { self.dialect = dialect }

    /// Binds `value` and returns its placeholder (`$3` / `?3`).
    public mutating func bind(_ value: SQLValue) -> String {
        values.append(value)
        return dialect.placeholder(values.count)
    }

    /// The table as this dialect names it (SQLite has no schemas: the bare name).
    public func table(_ table: TableName) -> String {
        dialect == .postgres ? table.quoted : SQLIdentifier.quote(table.name)
    }

    /// `"a" = $1 AND "b" IS NULL AND "c" IN ($2, $3)` for `filters`; `bindValue` turns a
    /// JSON value into the SQL value for its column.
    public mutating func conditions(_ filters: [(column: String, value: JSONValue)],
                                    bindValue: (String, JSONValue) -> SQLValue) -> [String] {
        filters.map { column, value in
            let name = SQLIdentifier.quote(column)
            switch value {
            case .null:
                return "\(name) IS NULL"
            case .array(let options):
                guard !options.isEmpty else { return "1 = 0" }
                let placeholders = options.map { bind(bindValue(column, $0)) }
                return "\(name) IN (\(placeholders.joined(separator: ", ")))"
            default:
                return "\(name) = \(bind(bindValue(column, value)))"
            }
        }
    }

    /// A timestamp in the form the dialect compares correctly: ISO-8601 for PostgreSQL's
    /// timestamptz, the fixed-width text SQLite columns hold.
    public func timestampValue(_ timestamp: Timestamp) -> SQLValue {
        .text(dialect == .postgres ? timestamp.iso8601 : timestamp.storageText)
    }
}

/// Runs database work inside code that reports ToolHost errors.
public func withDatabaseErrors<T>(_ body: () throws(DatabaseError) -> T) throws(ToolHostError) -> T {
    do {
        return try body()
    } catch {
        throw error.toolHostError
    }
}
