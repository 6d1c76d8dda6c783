import ToolHostCore
import ToolHostStorage

/// A tool an agent generated, as the `generated_tools` table keeps it.
struct GeneratedToolRecord {
    var toolID: String
    var name: String
    var type: String
    var yaml: String?
    var code: String?
    var metadata: JSONObject?

    /// Upserts by tool_id; a field left out (nil) keeps its stored value.
    func upsert(on connection: any DatabaseConnection) throws(DatabaseError) -> Upsert.Action {
        let now = SQLStatementBuilder(dialect: connection.dialect).timestampValue(Timestamp.now())
        let upsert = Upsert(table: BulkSchema.generatedTools, key: "tool_id", columns: [
            ("tool_id", .keep, nil), ("tool_name", .preferNew, nil), ("tool_type", .preferNew, nil),
            ("tool_yaml", .preferNew, nil), ("tool_code", .preferNew, nil), ("metadata", .mergeJSON, nil),
            ("created_at", .keep, nil), ("updated_at", .replace, nil),
        ])
        let values: [SQLValue] = [
            .text(toolID), .text(name), .text(type), .textOrNull(yaml), .textOrNull(code),
            metadata.map { .json(.object($0)) } ?? .null, now, now,
        ]
        return try upsert.run(values, on: connection).action
    }

    /// Every stored generated tool (for restoring files).
    static func all(on connection: any DatabaseConnection) throws(DatabaseError) -> [GeneratedToolRecord] {
        try connection.run("SELECT tool_id, tool_name, tool_type, tool_yaml, tool_code, metadata FROM generated_tools ORDER BY tool_id").rows.map { row in
            GeneratedToolRecord(
                toolID: row["tool_id"]?.stringValue ?? "", name: row["tool_name"]?.stringValue ?? "",
                type: row["tool_type"]?.stringValue ?? "", yaml: row["tool_yaml"]?.stringValue,
                code: row["tool_code"]?.stringValue, metadata: row["metadata"]?.objectValue)
        }
    }
}
