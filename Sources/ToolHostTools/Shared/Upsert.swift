import ToolHostCore
import ToolHostStorage

/// INSERT ... ON CONFLICT DO UPDATE where a value the new record leaves out (NULL) never
/// erases the stored one — the defect of code-evolver's `store_tool`, which overwrote fields
/// with NULL. Reports whether the row was new.
struct Upsert {
    enum Policy {
        /// On conflict: the new value if given, else the stored one.
        case preferNew
        /// On conflict: the stored value if any, else the new one (first resolution time).
        case keepExisting
        /// On conflict: untouched (the key, created_at).
        case keep
        /// On conflict: always the new value (updated_at).
        case replace
        /// On conflict: the stored JSON object with the new one's members merged in.
        case mergeJSON
    }

    enum Action: String {
        case inserted, updated
    }

    let table: TableName
    let key: String
    /// Columns in the order of the values, each with its conflict policy and, for inserts, the
    /// SQL default used when its value is NULL.
    let columns: [(name: String, policy: Policy, insertDefault: String?)]

    func run(_ values: [SQLValue], on connection: any DatabaseConnection) throws(DatabaseError) -> (id: JSONValue, action: Action) {
        let (row, action) = try run(values, returning: "id", on: connection)
        return (row["id"] ?? .null, action)
    }

    /// The same, returning the stored row's `returning` columns (`*` for the whole row).
    func run(_ values: [SQLValue], returning: String, on connection: any DatabaseConnection) throws(DatabaseError) -> (row: JSONObject, action: Action) {
        try connection.transaction { () throws(DatabaseError) -> (row: JSONObject, action: Action) in
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            let placeholders = values.map { builder.bind($0) }
            let target = builder.table(table)
            let stored = SQLIdentifier.quote(table.name)
            guard let keyIndex = columns.firstIndex(where: { $0.name == key }) else {
                throw DatabaseError(.statement, "Upsert key \(key) is not among the columns")
            }
            var lookup = SQLStatementBuilder(dialect: connection.dialect)
            let keyPlaceholder = lookup.bind(values[keyIndex])
            let existing = try connection.run("SELECT id FROM \(target) WHERE \(SQLIdentifier.quote(key)) = \(keyPlaceholder)",
                                              lookup.values).rows.first
            let inserts = zip(columns, placeholders).map { column, placeholder in
                column.insertDefault.map { "COALESCE(\(placeholder), \($0))" } ?? placeholder
            }
            let updates = zip(columns, placeholders).compactMap { column, placeholder -> String? in
                let name = SQLIdentifier.quote(column.name)
                switch column.policy {
                case .preferNew: return "\(name) = COALESCE(\(placeholder), \(stored).\(name))"
                case .keepExisting: return "\(name) = COALESCE(\(stored).\(name), \(placeholder))"
                case .replace: return "\(name) = \(placeholder)"
                case .mergeJSON:
                    let merged = connection.dialect == .postgres
                        ? "COALESCE(\(stored).\(name), '{}'::jsonb) || \(placeholder)"
                        : "json_patch(COALESCE(\(stored).\(name), '{}'), \(placeholder))"
                    return "\(name) = CASE WHEN \(placeholder) IS NULL THEN \(stored).\(name) ELSE \(merged) END"
                case .keep: return nil
                }
            }
            let sql = """
                INSERT INTO \(target) (\(columns.map { SQLIdentifier.quote($0.name) }.joined(separator: ", ")))
                VALUES (\(inserts.joined(separator: ", ")))
                ON CONFLICT (\(SQLIdentifier.quote(key))) DO UPDATE SET \(updates.joined(separator: ", "))
                RETURNING \(returning)
                """
            let row = try connection.run(sql, builder.values).rows.first ?? [:]
            return (row, existing == nil ? .inserted : .updated)
        }
    }
}
