import ToolHostCore
import ToolHostStorage

/// The write operations of the bulk data store, each inside its operation's transaction.
enum BulkStores {
    /// One record: `{"success": true, "count": 1, "data": [{"id": n}]}`.
    static func storeOne(_ spec: RecordSpec, _ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let values = try spec.values(of: input, dialect: call.dialect, tool: call.toolID)
        return .stored(id: try spec.insert(values, on: call.connection))
    }

    /// Many records through the engine's bulk path: all or none (an invalid record ends the
    /// stream early and its error undoes what was sent). On SQLite the full-text index is left
    /// to the next search, which indexes everything stored since the last one first
    /// (`SearchIndex.catchUp`): indexing costs several times what storing does.
    static func storeMany(_ spec: RecordSpec, field: String, _ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let rows = spec.stream(try input.array(field), field: field, dialect: call.dialect, progress: call.context.progress)
        let count = try call.connection.bulkInsert(into: spec.table, columns: spec.columns, rows: rows)
        guard rows.violations.isEmpty else { throw ToolHostError.invalidInput(rows.violations, tool: call.toolID) }
        return .affected(count)
    }

    /// A bug report, upserted by `bug_id`: reporting a known bug again updates it, and a field
    /// the new report leaves out keeps its stored value.
    static func storeBug(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let spec = BulkRecords.bug
        let values = try spec.values(of: input, dialect: call.dialect, tool: call.toolID)
        let resolvedAt: SQLValue = input["resolved"]?.boolValue == true ? values[values.count - 1] : .null
        let upsert = Upsert(table: spec.table, key: "bug_id", columns: spec.columns.map { column in
            switch column {
            case "bug_id", "created_at": (column, .keep, nil)
            case "resolved": (column, .preferNew, "FALSE")
            default: (column, .preferNew, nil)
            }
        } + [("resolved_at", .keepExisting, nil)])
        let (id, action) = try upsert.run(values + [resolvedAt], on: call.connection)
        return .fields(["count": 1, "action": .string(action.rawValue), "data": [["id": id]]])
    }

    /// `resolve_bug`: sets `resolved` and `resolved_at`, and keeps a `resolution` note in details.
    static func resolveBug(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let bugID = try input.string("bug_id")
        var builder = SQLStatementBuilder(dialect: call.dialect)
        let now = builder.bind(builder.timestampValue(Timestamp.now()))
        var sets = ["resolved = TRUE", "resolved_at = COALESCE(resolved_at, \(now))"]
        if let resolution = try input.optionalString("resolution") {
            let note = builder.bind(.text(resolution))
            sets.append(call.dialect == .postgres
                ? "details = COALESCE(details, '{}'::jsonb) || jsonb_build_object('resolution', \(note)::text)"
                : "details = json_set(COALESCE(details, '{}'), '$.resolution', \(note))")
        }
        let sql = "UPDATE \(builder.table(BulkSchema.bugs)) SET \(sets.joined(separator: ", ")) WHERE bug_id = \(builder.bind(.text(bugID)))"
        let result = try call.connection.run(sql, builder.values)
        guard result.rowsAffected > 0 else {
            throw ToolHostError(.notFound, "No bug with bug_id '\(bugID)'.", details: ["bug_id": .string(bugID)])
        }
        return .affected(result.rowsAffected)
    }

    /// `store_tool`: upserts a generated tool; `"action"` says whether it was new.
    static func storeTool(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let record = GeneratedToolRecord(
            toolID: try input.string("tool_id"), name: try input.string("tool_name"), type: try input.string("tool_type"),
            yaml: try input.optionalString("tool_yaml"), code: try input.optionalString("tool_code"),
            metadata: try input.optionalObject("metadata"))
        return .fields(["count": 1, "action": .string(try record.upsert(on: call.connection).rawValue)])
    }
}
