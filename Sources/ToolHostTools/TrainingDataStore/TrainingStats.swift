import ToolHostCore
import ToolHostStorage

/// `stats`: per data type the row count, the oldest and newest row, rows per day over the
/// last `days` days (1 to 3660, default 30: the schema's), and the agents with the most rows
/// — what someone deciding what to export or retain asks first.
enum TrainingStats {
    static func run(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let types = try input.optionalString("data_type").map { name throws(ToolHostError) in [try TrainingDataType.named(name)] }
            ?? TrainingDataType.allCases
        let days = try input.int("days")
        let topAgents = try input.int("limit")  // stats' own default and range (the YAML's `fields:`)
        let now = Timestamp.now()
        let dayCutoff = Timestamp(seconds: (now.seconds / 86_400 - Int64(days - 1)) * 86_400, microseconds: 0)
        var data = JSONObject()
        var total = 0
        for type in types {
            let summary = try summarise(type, dayCutoff: dayCutoff, topAgents: topAgents, on: call.connection)
            total += summary["count"]?.integerValue ?? 0
            data[type.rawValue] = .object(summary)
        }
        return .fields(["count": .int(total), "data": .object(data)])
    }

    private static func summarise(_ type: TrainingDataType, dayCutoff: Timestamp, topAgents: Int,
                                  on connection: any DatabaseConnection) throws(DatabaseError) -> JSONObject {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let table = builder.table(type.table)
        let totals = try connection.run("SELECT count(*) AS n, min(created_at) AS oldest, max(created_at) AS newest FROM \(table)", [])
            .rows.first ?? [:]
        // An aggregate has no declared type on SQLite: its times come back in storage form.
        func time(_ value: JSONValue?) -> JSONValue {
            value?.stringValue.flatMap { Timestamp(parsing: $0) }.map { .string($0.iso8601) } ?? .null
        }
        var summary: JSONObject = ["count": totals["n"] ?? 0, "oldest": time(totals["oldest"]), "newest": time(totals["newest"])]

        let day = connection.dialect == .postgres
            ? "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            : "substr(created_at, 1, 10)"
        let cutoff = builder.bind(builder.timestampValue(dayCutoff))
        let perDay = try connection.run(
            "SELECT \(day) AS day, count(*) AS n FROM \(table) WHERE created_at >= \(cutoff) GROUP BY 1 ORDER BY 1", builder.values)
        summary["per_day"] = .array(perDay.rows.map { ["day": $0["day"] ?? .null, "count": $0["n"] ?? 0] })

        if type.columns.contains("agent_id") {
            let perAgent = try connection.run(
                "SELECT agent_id, count(*) AS n FROM \(table) GROUP BY agent_id ORDER BY n DESC, agent_id LIMIT \(topAgents)", [])
            summary["per_agent"] = .array(perAgent.rows.map { ["agent_id": $0["agent_id"] ?? .null, "count": $0["n"] ?? 0] })
        }
        if type == .tasks || type == .workflows {
            let column = type == .tasks ? "status" : "phase"
            let perState = try connection.run(
                "SELECT \(column) AS state, count(*) AS n FROM \(table) GROUP BY 1 ORDER BY n DESC, 1", [])
            summary["per_\(column)"] = .object(JSONObject(perState.rows.map { ($0["state"]?.stringValue ?? "", $0["n"] ?? 0) }))
        }
        return summary
    }
}
