import ToolHostCore
import ToolHostStorage

/// The write operations of the bulk data store.
enum BulkStores {
    /// One record: `{"success": true, "count": 1, "data": [{"id": n}]}`.
    static func storeOne(_ spec: RecordSpec, _ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try context.withConnection { (connection) throws(ToolHostError) -> JSONValue in
            let values = try spec.values(of: input, dialect: connection.dialect, tool: context.tool.id)
            let id = try withDatabaseErrors { () throws(DatabaseError) in try spec.insert(values, on: connection) }
            return ["success": true, "count": 1, "data": [["id": id]]]
        }
    }

    /// Many records through the engine's bulk path, in one transaction: all or none.
    /// Rows become searchable at once: the search index catches up in the same transaction.
    static func storeMany(_ spec: RecordSpec, field: String, search: SearchIndex? = nil, _ input: OperationInput,
                          _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let records = try input.array(field)
        return try context.withConnection { (connection) throws(ToolHostError) -> JSONValue in
            let rows = spec.stream(records, field: field, dialect: connection.dialect)
            let count = try connection.transaction { () throws(ToolHostError) -> Int in
                let count = try withDatabaseErrors { () throws(DatabaseError) in
                    try connection.bulkInsert(into: spec.table, columns: spec.columns, rows: rows)
                }
                // An invalid record ended the stream early: what was sent is undone.
                guard rows.violations.isEmpty else { throw ToolHostError.invalidInput(rows.violations, tool: context.tool.id) }
                try withDatabaseErrors { () throws(DatabaseError) in try search?.catchUp(on: connection) }
                return count
            }
            return ["success": true, "count": .int(count)]
        }
    }

    /// A bug report, upserted by `bug_id`: reporting a known bug again updates it, and a field
    /// the new report leaves out keeps its stored value.
    static func storeBug(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try context.withConnection { (connection) throws(ToolHostError) -> JSONValue in
            let spec = BulkRecords.bug
            let values = try spec.values(of: input, dialect: connection.dialect, tool: context.tool.id)
            let resolvedAt: SQLValue = input["resolved"]?.boolValue == true ? values[values.count - 1] : .null
            let upsert = Upsert(table: spec.table, key: "bug_id", columns: spec.columns.map { column in
                switch column {
                case "bug_id", "created_at": (column, .keep, nil)
                case "resolved": (column, .preferNew, "FALSE")
                default: (column, .preferNew, nil)
                }
            } + [("resolved_at", .keepExisting, nil)])
            let (id, action) = try withDatabaseErrors { () throws(DatabaseError) in try upsert.run(values + [resolvedAt], on: connection) }
            return ["success": true, "count": 1, "action": .string(action.rawValue), "data": [["id": id]]]
        }
    }

    /// `resolve_bug`: sets `resolved` and `resolved_at`, and keeps a `resolution` note in details.
    static func resolveBug(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let bugID = try input.string("bug_id")
        let resolution = try input.optionalString("resolution")
        return try context.withConnection { (connection) throws(ToolHostError) -> JSONValue in
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            let now = builder.bind(builder.timestampValue(Timestamp.now()))
            var sets = ["resolved = TRUE", "resolved_at = COALESCE(resolved_at, \(now))"]
            if let resolution {
                let note = builder.bind(.text(resolution))
                sets.append(connection.dialect == .postgres
                    ? "details = COALESCE(details, '{}'::jsonb) || jsonb_build_object('resolution', \(note)::text)"
                    : "details = json_set(COALESCE(details, '{}'), '$.resolution', \(note))")
            }
            let sql = "UPDATE \(builder.table(BulkSchema.bugs)) SET \(sets.joined(separator: ", ")) WHERE bug_id = \(builder.bind(.text(bugID)))"
            let result = try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values) }
            guard result.rowsAffected > 0 else {
                throw ToolHostError(.notFound, "No bug with bug_id '\(bugID)'.", details: ["bug_id": .string(bugID)])
            }
            return ["success": true, "count": .int(result.rowsAffected)]
        }
    }

    /// `store_tool`: upserts a generated tool; `"action"` says whether it was new.
    static func storeTool(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let record = GeneratedToolRecord(
            toolID: try input.string("tool_id"), name: try input.string("tool_name"), type: try input.string("tool_type"),
            yaml: try input.optionalString("tool_yaml"), code: try input.optionalString("tool_code"),
            metadata: try input.optionalObject("metadata"))
        let action = try context.withConnection { (connection) throws(ToolHostError) -> Upsert.Action in
            try withDatabaseErrors { () throws(DatabaseError) in try record.upsert(on: connection) }
        }
        return ["success": true, "count": 1, "action": .string(action.rawValue)]
    }
}
