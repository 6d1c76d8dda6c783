import ToolHostCore
import ToolHostStorage

/// `insert`, `update` and `delete` built from `table`, `data` and `where`: every identifier is
/// checked against the live table and quoted, every value bound.
enum TableWrites {
    static func insert(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try ReadOnlyGuard.refuseWrites(context, operation: "insert")
        let tableName = try input.string("table")
        let records: [JSONObject]
        switch input["data"] {
        case .object(let record)?: records = [record]
        case .array(let elements)? where !elements.isEmpty && elements.allSatisfy({ $0.objectValue != nil }):
            records = elements.compactMap(\.objectValue)
        default:
            throw input.invalid("data", "is required: an object of column values (or an array of them)")
        }
        return try context.withConnection { (connection) throws(ToolHostError) -> JSONValue in
            let table = try LiveTable(tableName, on: connection, tool: context.tool.id)
            for record in records {
                try table.checkColumns(record.keys, field: "data")
                try table.checkJSONText(record, field: "data")
            }
            let inserted = try withDatabaseErrors { () throws(DatabaseError) -> [JSONObject] in
                try connection.transaction { () throws(DatabaseError) -> [JSONObject] in
                    var rows: [JSONObject] = []
                    for record in records {
                        var builder = SQLStatementBuilder(dialect: connection.dialect)
                        let columns = record.keys
                        let placeholders = columns.map { builder.bind(table.value(record[$0] ?? .null, for: $0, dialect: connection.dialect)) }
                        let sql = columns.isEmpty
                            ? "INSERT INTO \(builder.table(table.name)) DEFAULT VALUES RETURNING *"
                            : "INSERT INTO \(builder.table(table.name)) (\(columns.map(SQLIdentifier.quote).joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", "))) RETURNING *"
                        rows += try connection.run(sql, builder.values, options: context.queryOptions).rows
                    }
                    return rows
                }
            }
            return ["success": true, "rows_affected": .int(inserted.count), "data": .array(inserted.map(JSONValue.object))]
        }
    }

    static func update(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try ReadOnlyGuard.refuseWrites(context, operation: "update")
        let tableName = try input.string("table")
        let data = try input.object("data")
        guard !data.isEmpty else { throw input.invalid("data", "must name at least one column to set") }
        let conditions = try whereClause(input)
        return try context.withConnection { (connection) throws(ToolHostError) -> JSONValue in
            let table = try LiveTable(tableName, on: connection, tool: context.tool.id)
            try table.checkColumns(data.keys, field: "data")
            try table.checkColumns(conditions.map(\.column), field: "where")
            try table.checkJSONText(data, field: "data")
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            let assignments = data.map { column, value in
                "\(SQLIdentifier.quote(column)) = \(builder.bind(table.value(value, for: column, dialect: connection.dialect)))"
            }
            let predicate = builder.conditions(conditions) { table.value($1, for: $0, dialect: connection.dialect) }
            let sql = "UPDATE \(builder.table(table.name)) SET \(assignments.joined(separator: ", "))"
                + (predicate.isEmpty ? "" : " WHERE \(predicate.joined(separator: " AND "))")
            let result = try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values, options: context.queryOptions) }
            return ["success": true, "rows_affected": .int(result.rowsAffected)]
        }
    }

    static func delete(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try ReadOnlyGuard.refuseWrites(context, operation: "delete")
        let tableName = try input.string("table")
        let conditions = try whereClause(input)
        return try context.withConnection { (connection) throws(ToolHostError) -> JSONValue in
            let table = try LiveTable(tableName, on: connection, tool: context.tool.id)
            try table.checkColumns(conditions.map(\.column), field: "where")
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            let predicate = builder.conditions(conditions) { table.value($1, for: $0, dialect: connection.dialect) }
            let sql = "DELETE FROM \(builder.table(table.name))" + (predicate.isEmpty ? "" : " WHERE \(predicate.joined(separator: " AND "))")
            let result = try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values, options: context.queryOptions) }
            return ["success": true, "rows_affected": .int(result.rowsAffected)]
        }
    }

    /// `where` as column/value pairs. An empty `where` would touch every row: refused unless
    /// the input says `"all": true`.
    private static func whereClause(_ input: OperationInput) throws(ToolHostError) -> [(column: String, value: JSONValue)] {
        let conditions = try input.optionalObject("where") ?? [:]
        if conditions.isEmpty, try input.optionalBool("all") != true {
            throw input.invalid("where", "is required: without conditions every row would change; pass \"all\": true to mean that")
        }
        return conditions.map { ($0.key, $0.value) }
    }
}
