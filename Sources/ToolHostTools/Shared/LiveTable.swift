import ToolHostCore
import ToolHostStorage

/// A table named in an input, checked against the live catalogue, with its columns: the
/// guard that keeps input identifiers out of SQL unless they name something that exists.
struct LiveTable {
    let name: TableName
    let columns: [ColumnInfo]

    init(_ text: String, on connection: any DatabaseConnection, field: String = "table", tool: String) throws(ToolHostError) {
        guard let name = TableName(parsing: text) else {
            throw ToolHostError.invalidInput([Violation(path: "/\(field)", message: "must be a table name or schema.table, not \"\(text)\"")], tool: tool)
        }
        let columns = try withDatabaseErrors { () throws(DatabaseError) in try connection.columns(of: name) }
        guard !columns.isEmpty else {
            throw ToolHostError(.unknownIdentifier, "There is no table '\(text)' in the database.", details: ["table": .string(text)])
        }
        self.name = name
        self.columns = columns
    }

    /// Checks that every key names a column; the error lists the columns there are.
    func checkColumns(_ names: some Sequence<String>, field: String) throws(ToolHostError) {
        let known = Set(columns.map(\.name))
        let unknown = names.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw ToolHostError(
                .unknownIdentifier,
                "Table '\(name)' has no column\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (in \(field)); its columns are \(columns.map(\.name).joined(separator: ", ")).",
                details: ["columns": .array(columns.map { .string($0.name) })])
        }
    }

    /// Refuses a string for a json/jsonb column that is not JSON text: such a string is the
    /// JSON it spells (what psycopg2 sends for a Python `str`, and so what code-evolver stores),
    /// on both engines, as PostgreSQL refuses it from psycopg2.
    func checkJSONText(_ record: JSONObject, field: String) throws(ToolHostError) {
        for (column, value) in record {
            guard case .string(let text) = value, isJSON(column) else { continue }
            do {
                _ = try JSONParser.parse(Array(text.utf8))
            } catch {
                throw ToolHostError.invalidInput([Violation(
                    path: "/\(field)/\(column)",
                    message: "must be JSON text for the \(columnType(column)) column '\(column)' (\(error)); to store a JSON string, send it quoted, as \"\\\"text\\\"\"")])
            }
        }
    }

    private func columnType(_ column: String) -> String { columns.first { $0.name == column }?.type ?? "" }

    private func isJSON(_ column: String) -> Bool { columnType(column).hasPrefix("json") }

    /// A JSON value as the SQL value for `column`: JSON for json/jsonb columns (a string is the
    /// JSON text it holds), an array value
    /// for PostgreSQL array columns, the natural value otherwise.
    func value(_ value: JSONValue, for column: String, dialect: SQLDialect) -> SQLValue {
        let type = columnType(column)
        if type.hasPrefix("json") {
            // Text is the JSON it spells (checked by `checkJSONText`): "null" is JSON null, as
            // psycopg2 stores it; a JSON null itself is SQL NULL.
            if case .string(let text) = value, let spelled = try? JSONParser.parse(Array(text.utf8)) { return .json(spelled) }
            return value.isNull ? .null : .json(value)
        }
        // SQLite compares timestamps as text: only the one fixed-width spelling orders right.
        if dialect == .sqlite, type.containsBytes("timestamp") || type.containsBytes("datetime"),
           case .string(let text) = value, let timestamp = Timestamp(parsing: text) {
            return .text(timestamp.storageText)
        }
        if dialect == .postgres, type.hasSuffix("[]"), case .array = value { return SQLParameters.bind(value, dialect: .postgres) }
        return SQLValue(value)
    }
}
