import ToolHostCore
import ToolHostStorage

/// The read operations of the bulk data store. `limit`, `offset` and `depth` come bounded and
/// defaulted by the schema (`bulk_data_store.yaml`).
enum BulkQueries {
    /// `query_logs` / `query_bugs`: `filters` on known columns only (anything else is an
    /// `invalid_filter` error naming the allowed ones), `since`/`until`, full-text `search`,
    /// `limit` (default 100) and `offset`; newest first.
    static func records(_ query: RecordQuery, _ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        var filters = try input.optionalObject("filters") ?? [:]
        // since/until/search are accepted inside `filters` too.
        var special: [String: JSONValue] = [:]
        for key in ["since", "until", "search"] {
            if let value = filters[key] { special[key] = value; filters[key] = nil }
            if let value = input[key] { special[key] = value }
        }
        let specialInput = OperationInput(JSONObject(special.map { ($0.key, $0.value) }), tool: call.toolID)
        let unknown = filters.keys.filter { !query.filterColumns.contains($0) }
        guard unknown.isEmpty else {
            throw ToolHostError(
                .invalidFilter,
                "Cannot filter \(query.table.name) on \(unknown.map { "'\($0)'" }.joined(separator: ", ")); allowed: \((query.filterColumns + ["since", "until", "search"]).joined(separator: ", ")).",
                details: ["allowed": .array((query.filterColumns + ["since", "until", "search"]).map { .string($0) })])
        }
        let since = try specialInput.optionalTimestamp("since")
        let until = try specialInput.optionalTimestamp("until")
        let search = try specialInput.optionalString("search")
        var builder = SQLStatementBuilder(dialect: call.dialect)
        var conditions = builder.conditions(filters.map { ($0.key, $0.value) }) { column, value in
            column == "resolved" ? (value.boolValue.map(SQLValue.bool) ?? SQLValue(value)) : SQLValue(value)
        }
        if let since { conditions.append("created_at >= \(builder.bind(builder.timestampValue(since)))") }
        if let until { conditions.append("created_at < \(builder.bind(builder.timestampValue(until)))") }
        if let search, !search.trimmingSpaces.isEmpty {
            query.search.catchUpBeforeSearch(call)
            conditions.append(query.search.condition(matching: search, builder: &builder))
        }
        let sql = "SELECT * FROM \(builder.table(query.table))"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY created_at DESC, id DESC" + (try page(input, &builder))
        return .rows(try call.connection.run(sql, builder.values, options: call.queryOptions).rows.map(JSONValue.object))
    }

    /// ` LIMIT $n OFFSET $m` from the input's `limit` and `offset`.
    private static func page(_ input: OperationInput, _ builder: inout SQLStatementBuilder) throws(ToolHostError) -> String {
        " LIMIT \(builder.bind(.integer(Int64(try input.int("limit"))))) OFFSET \(builder.bind(.integer(Int64(try input.int("offset")))))"
    }

    /// `query_perf`: per tool and metric, count, avg, min, max, p50 and p95 (interpolated, as
    /// PostgreSQL's percentile_cont) over `since`/`until`, optionally for one tool or metric.
    static func performance(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        var builder = SQLStatementBuilder(dialect: call.dialect)
        var conditions = ["metric_value IS NOT NULL"]
        if let toolID = try input.optionalString("tool_id") { conditions.append("tool_id = \(builder.bind(.text(toolID)))") }
        if let metric = try input.optionalString("metric_name") { conditions.append("metric_name = \(builder.bind(.text(metric)))") }
        if let since = try input.optionalTimestamp("since") { conditions.append("created_at >= \(builder.bind(builder.timestampValue(since)))") }
        if let until = try input.optionalTimestamp("until") { conditions.append("created_at < \(builder.bind(builder.timestampValue(until)))") }
        let whereClause = " WHERE " + conditions.joined(separator: " AND ")
        let table = builder.table(BulkSchema.performance)
        switch call.dialect {
        case .postgres:
            let sql = """
                SELECT tool_id, metric_name, max(unit) AS unit, count(*) AS count,
                       avg(metric_value)::float8 AS avg, min(metric_value)::float8 AS min, max(metric_value)::float8 AS max,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY metric_value) AS p50,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY metric_value) AS p95
                FROM \(table)\(whereClause) GROUP BY tool_id, metric_name ORDER BY tool_id, metric_name
                """
            return .rows(try call.connection.run(sql, builder.values, options: call.queryOptions).rows.map(JSONValue.object))
        case .sqlite:
            let sql = "SELECT tool_id, metric_name, unit, metric_value FROM \(table)\(whereClause) ORDER BY tool_id, metric_name, metric_value"
            return .rows(try summaries(sql, builder.values, on: call.connection))
        }
    }

    /// SQLite has no percentile_cont: the values come sorted by group and are summarised here.
    private static func summaries(_ sql: String, _ values: [SQLValue], on connection: any DatabaseConnection) throws(DatabaseError) -> [JSONValue] {
        var summaries: [JSONValue] = []
        var current: (tool: String, metric: String, unit: JSONValue, values: [Double])?
        try connection.forEachRow(sql, values) { (row: JSONObject) throws(DatabaseError) in
            let tool = row["tool_id"]?.stringValue ?? "", name = row["metric_name"]?.stringValue ?? ""
            let value = row["metric_value"]?.numberValue ?? 0
            if let group = current, group.tool == tool, group.metric == name {
                current?.values.append(value)
                if current?.unit.isNull == true, let unit = row["unit"] { current?.unit = unit }
            } else {
                if let group = current { summaries.append(summary(group)) }
                current = (tool, name, row["unit"] ?? .null, [value])
            }
        }
        if let group = current { summaries.append(summary(group)) }
        return summaries
    }

    private static func summary(_ group: (tool: String, metric: String, unit: JSONValue, values: [Double])) -> JSONValue {
        let sorted = group.values  // already in ascending order
        let count = sorted.count
        return [
            "tool_id": .string(group.tool), "metric_name": .string(group.metric), "unit": group.unit,
            "count": .int(count), "avg": .double(sorted.reduce(0, +) / Double(count)),
            "min": .double(sorted.first ?? 0), "max": .double(sorted.last ?? 0),
            "p50": .double(percentile(sorted, 0.5)), "p95": .double(percentile(sorted, 0.95)),
        ]
    }

    /// Linear interpolation between the closest ranks (percentile_cont).
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard let first = sorted.first else { return 0 }
        guard sorted.count > 1 else { return first }
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }

    /// `get_tool`: one generated tool with its YAML and code.
    static func tool(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let toolID = try input.string("tool_id")
        var builder = SQLStatementBuilder(dialect: call.dialect)
        let sql = "SELECT * FROM \(builder.table(BulkSchema.generatedTools)) WHERE tool_id = \(builder.bind(.text(toolID)))"
        let rows = try call.connection.run(sql, builder.values).rows
        guard !rows.isEmpty else {
            throw ToolHostError(.notFound, "No generated tool with tool_id '\(toolID)'.", details: ["tool_id": .string(toolID)])
        }
        return .rows(rows.map(JSONValue.object))
    }

    /// `list_tools`: generated tools (without their YAML and code), newest first.
    static func tools(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        var builder = SQLStatementBuilder(dialect: call.dialect)
        let filter = try input.optionalString("tool_type").map { " WHERE tool_type = \(builder.bind(.text($0)))" } ?? ""
        let sql = "SELECT id, tool_id, tool_name, tool_type, metadata, created_at, updated_at FROM \(builder.table(BulkSchema.generatedTools))"
            + filter + " ORDER BY updated_at DESC, id DESC" + (try page(input, &builder))
        return .rows(try call.connection.run(sql, builder.values).rows.map(JSONValue.object))
    }
}
