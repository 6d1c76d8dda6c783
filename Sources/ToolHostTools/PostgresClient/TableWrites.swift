import ToolHostCore
import ToolHostStorage

/// `insert`, `update` and `delete` built from `table`, `data` and `where`: every identifier is
/// checked against the live table and quoted, every value bound.
enum TableWrites {
    /// One record or several (the schema holds `data` to an object or a non-empty array of
    /// objects), all inserted or none: the operation's one transaction.
    static func insert(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let records: [JSONObject] = if case .object(let record)? = input["data"] {
            [record]
        } else {
            try input.array("data").compactMap(\.objectValue)
        }
        let table = try LiveTable(try input.string("table"), on: call.connection, tool: call.toolID)
        for record in records {
            try table.checkColumns(record.keys, field: "data")
            try table.checkJSONText(record, field: "data")
        }
        var inserted: [JSONObject] = []
        for record in records {
            var builder = SQLStatementBuilder(dialect: call.dialect)
            let columns = record.keys
            let placeholders = columns.map { builder.bind(table.value(record[$0] ?? .null, for: $0, dialect: call.dialect)) }
            let sql = columns.isEmpty
                ? "INSERT INTO \(builder.table(table.name)) DEFAULT VALUES RETURNING *"
                : "INSERT INTO \(builder.table(table.name)) (\(columns.map(SQLIdentifier.quote).joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", "))) RETURNING *"
            inserted += try call.connection.run(sql, builder.values, options: call.queryOptions).rows
        }
        return .fields(["rows_affected": .int(inserted.count), "data": .array(inserted.map(JSONValue.object))])
    }

    static func update(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let data = try input.object("data")
        // `data` is shared with insert, where {} means a row of defaults: the schema allows it.
        guard !data.isEmpty else { throw input.invalid("data", "must name at least one column to set") }
        let conditions = try whereClause(input)
        let table = try LiveTable(try input.string("table"), on: call.connection, tool: call.toolID)
        try table.checkColumns(data.keys, field: "data")
        try table.checkColumns(conditions.map(\.column), field: "where")
        try table.checkJSONText(data, field: "data")
        var builder = SQLStatementBuilder(dialect: call.dialect)
        let assignments = data.map { column, value in
            "\(SQLIdentifier.quote(column)) = \(builder.bind(table.value(value, for: column, dialect: call.dialect)))"
        }
        let predicate = builder.conditions(conditions) { table.value($1, for: $0, dialect: call.dialect) }
        let sql = "UPDATE \(builder.table(table.name)) SET \(assignments.joined(separator: ", "))"
            + (predicate.isEmpty ? "" : " WHERE \(predicate.joined(separator: " AND "))")
        return .fields(["rows_affected": .int(try call.connection.run(sql, builder.values, options: call.queryOptions).rowsAffected)])
    }

    static func delete(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let conditions = try whereClause(input)
        let table = try LiveTable(try input.string("table"), on: call.connection, tool: call.toolID)
        try table.checkColumns(conditions.map(\.column), field: "where")
        var builder = SQLStatementBuilder(dialect: call.dialect)
        let predicate = builder.conditions(conditions) { table.value($1, for: $0, dialect: call.dialect) }
        let sql = "DELETE FROM \(builder.table(table.name))" + (predicate.isEmpty ? "" : " WHERE \(predicate.joined(separator: " AND "))")
        return .fields(["rows_affected": .int(try call.connection.run(sql, builder.values, options: call.queryOptions).rowsAffected)])
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
