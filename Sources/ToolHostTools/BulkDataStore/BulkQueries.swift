import ToolHostCore
import ToolHostStorage

/// The read operations of the bulk data store.
enum BulkQueries {
    /// `query_logs` / `query_bugs`: `filters` on known columns only (anything else is an
    /// `invalid_filter` error naming the allowed ones), `since`/`until`, full-text `search`,
    /// `limit` (default 100) and `offset`; newest first.
    static func records(_ query: RecordQuery, _ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        var filters = try input.optionalObject("filters") ?? [:]
        // since/until/search are accepted inside `filters` too.
        var special: [String: JSONValue] = [:]
        for key in ["since", "until", "search"] {
            if let value = filters[key] { special[key] = value; filters[key] = nil }
            if let value = input[key] { special[key] = value }
        }
        let specialInput = OperationInput(JSONObject(special.map { ($0.key, $0.value) }), tool: context.tool.id)
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
        let limit = try boundedLimit(input)
        let offset = max(try input.optionalInt("offset") ?? 0, 0)

        let rows = try context.withConnection { (connection) throws(ToolHostError) -> [JSONObject] in
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            var conditions = builder.conditions(filters.map { ($0.key, $0.value) }) { column, value in
                column == "resolved" ? (value.boolValue.map(SQLValue.bool) ?? SQLValue(value)) : SQLValue(value)
            }
            if let since { conditions.append("created_at >= \(builder.bind(builder.timestampValue(since)))") }
            if let until { conditions.append("created_at < \(builder.bind(builder.timestampValue(until)))") }
            if let search, !search.trimmingSpaces.isEmpty {
                // While a long bulk load holds SQLite's write lock, search what is indexed already.
                try? query.search.catchUp(on: connection)
                conditions.append(query.search.condition(matching: search, builder: &builder))
            }
            let sql = "SELECT * FROM \(builder.table(query.table))"
                + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                + " ORDER BY created_at DESC, id DESC LIMIT \(builder.bind(.integer(Int64(limit)))) OFFSET \(builder.bind(.integer(Int64(offset))))"
            return try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values, options: context.queryOptions).rows }
        }
        return ["success": true, "data": .array(rows.map(JSONValue.object)), "count": .int(rows.count)]
    }

    private static func boundedLimit(_ input: OperationInput) throws(ToolHostError) -> Int {
        let limit = try input.optionalInt("limit") ?? 100
        guard (1...100_000).contains(limit) else { throw input.invalid("limit", "must be between 1 and 100000") }
        return limit
    }

    /// `query_perf`: per tool and metric, count, avg, min, max, p50 and p95 (interpolated, as
    /// PostgreSQL's percentile_cont) over `since`/`until`, optionally for one tool or metric.
    static func performance(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let toolID = try input.optionalString("tool_id")
        let metric = try input.optionalString("metric_name")
        let since = try input.optionalTimestamp("since")
        let until = try input.optionalTimestamp("until")
        let groups = try context.withConnection { (connection) throws(ToolHostError) -> [JSONValue] in
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            var conditions = ["metric_value IS NOT NULL"]
            if let toolID { conditions.append("tool_id = \(builder.bind(.text(toolID)))") }
            if let metric { conditions.append("metric_name = \(builder.bind(.text(metric)))") }
            if let since { conditions.append("created_at >= \(builder.bind(builder.timestampValue(since)))") }
            if let until { conditions.append("created_at < \(builder.bind(builder.timestampValue(until)))") }
            let whereClause = " WHERE " + conditions.joined(separator: " AND ")
            let table = builder.table(BulkSchema.performance)
            return try withDatabaseErrors { () throws(DatabaseError) -> [JSONValue] in
                switch connection.dialect {
                case .postgres:
                    let sql = """
                        SELECT tool_id, metric_name, max(unit) AS unit, count(*) AS count,
                               avg(metric_value)::float8 AS avg, min(metric_value)::float8 AS min, max(metric_value)::float8 AS max,
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY metric_value) AS p50,
                               percentile_cont(0.95) WITHIN GROUP (ORDER BY metric_value) AS p95
                        FROM \(table)\(whereClause) GROUP BY tool_id, metric_name ORDER BY tool_id, metric_name
                        """
                    return try connection.run(sql, builder.values, options: context.queryOptions).rows.map(JSONValue.object)
                case .sqlite:
                    var summaries: [JSONValue] = []
                    var current: (tool: String, metric: String, unit: JSONValue, values: [Double])?
                    let sql = "SELECT tool_id, metric_name, unit, metric_value FROM \(table)\(whereClause) ORDER BY tool_id, metric_name, metric_value"
                    try connection.forEachRow(sql, builder.values) { (row: JSONObject) throws(DatabaseError) in
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
            }
        }
        return ["success": true, "data": .array(groups), "count": .int(groups.count)]
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
    static func tool(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let toolID = try input.string("tool_id")
        let rows = try context.withConnection { (connection) throws(ToolHostError) -> [JSONObject] in
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            let sql = "SELECT * FROM \(builder.table(BulkSchema.generatedTools)) WHERE tool_id = \(builder.bind(.text(toolID)))"
            return try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values).rows }
        }
        guard !rows.isEmpty else {
            throw ToolHostError(.notFound, "No generated tool with tool_id '\(toolID)'.", details: ["tool_id": .string(toolID)])
        }
        return ["success": true, "data": .array(rows.map(JSONValue.object)), "count": .int(rows.count)]
    }

    /// `list_tools`: generated tools (without their YAML and code), newest first.
    static func tools(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let type = try input.optionalString("tool_type")
        let limit = try boundedLimit(input)
        let offset = max(try input.optionalInt("offset") ?? 0, 0)
        let rows = try context.withConnection { (connection) throws(ToolHostError) -> [JSONObject] in
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            let filter = type.map { " WHERE tool_type = \(builder.bind(.text($0)))" } ?? ""
            let sql = "SELECT id, tool_id, tool_name, tool_type, metadata, created_at, updated_at FROM \(builder.table(BulkSchema.generatedTools))"
                + filter + " ORDER BY updated_at DESC, id DESC LIMIT \(builder.bind(.integer(Int64(limit)))) OFFSET \(builder.bind(.integer(Int64(offset))))"
            return try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values).rows }
        }
        return ["success": true, "data": .array(rows.map(JSONValue.object)), "count": .int(rows.count)]
    }
}
