import ToolHostCore
import ToolHostStorage

/// Tool calls per hour and tool, kept beside the tool executions so that a page can chart a
/// million calls by reading a few hundred rows: calls, failures, total duration and a latency
/// histogram per (hour, tool). Every store of tool executions (the host's own recording and
/// `store_tool_execution(s)`) adds to it in the same transaction; migration 10 fills it from
/// the executions already stored. Retention deletes executions, not their hours: the charts
/// keep the history.
public enum CallRollup {
    public static let table = TableName("training_tool_call_hours", schema: TrainingSchema.schema)

    /// The latency buckets' upper bounds in milliseconds; a last bucket takes the rest.
    public static let bucketBounds: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000]
    static var bucketColumns: [String] { (0...bucketBounds.count).map { "b\($0)" } }

    /// Migration 10: the table, the hours of the executions already stored, and an index of
    /// the failed executions (the dashboard's latest errors and failure filter).
    /// Written out per dialect, never from a live spec, so that the migration cannot change.
    static func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        let buckets = bucketColumns.map { "\($0) BIGINT NOT NULL DEFAULT 0" }.joined(separator: ", ")
        let executions = connection.dialect == .postgres ? TrainingSchema.executions.quoted : SQLIdentifier.quote(TrainingSchema.executions.name)
        let target = connection.dialect == .postgres ? table.quoted : SQLIdentifier.quote(table.name)
        let hour: String, hourType: String
        switch connection.dialect {
        case .postgres:
            hourType = "TIMESTAMPTZ"
            hour = "date_trunc('hour', created_at)"
        case .sqlite:
            hourType = "TEXT"
            // Stored timestamps are `YYYY-MM-DDTHH:MM:SS.ffffffZ`: the hour is their first 13 characters.
            hour = "substr(created_at, 1, 13) || ':00:00.000000Z'"
        }
        let histogram = bucketColumns.enumerated().map { index, column in
            let lower = index == 0 ? nil : bucketBounds[index - 1]
            let upper = index < bucketBounds.count ? bucketBounds[index] : nil
            var conditions: [String] = []
            if let lower { conditions.append("duration_ms > \(lower)") }
            if let upper { conditions.append("duration_ms <= \(upper)") }
            return "sum(CASE WHEN \(conditions.joined(separator: " AND ")) THEN 1 ELSE 0 END) AS \(column)"
        }.joined(separator: ", ")
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS \(target) (
              hour \(hourType) NOT NULL,
              tool_name VARCHAR(255) NOT NULL,
              calls BIGINT NOT NULL DEFAULT 0,
              failures BIGINT NOT NULL DEFAULT 0,
              duration_ms_total DOUBLE PRECISION NOT NULL DEFAULT 0,
              \(buckets),
              PRIMARY KEY (hour, tool_name)
            );
            INSERT INTO \(target) (hour, tool_name, calls, failures, duration_ms_total, \(bucketColumns.joined(separator: ", ")))
              SELECT \(hour), tool_name, count(*), sum(CASE WHEN success = FALSE THEN 1 ELSE 0 END), coalesce(sum(duration_ms), 0), \(histogram)
              FROM \(executions) WHERE created_at IS NOT NULL GROUP BY 1, 2
              ON CONFLICT (hour, tool_name) DO NOTHING;
            CREATE INDEX IF NOT EXISTS idx_training_executions_failed ON \(executions) (created_at) WHERE success = FALSE
            """)
    }

    /// Adds stored executions' calls to their hours (one upsert for the batch).
    static func add(_ records: [JSONValue], on connection: any DatabaseConnection) throws(DatabaseError) {
        struct Hour: Hashable {
            let start: Int64
            let tool: String
        }
        var hours: [Hour: (calls: Int64, failures: Int64, duration: Double, buckets: [Int64])] = [:]
        let now = Timestamp.now()
        for case .object(let record) in records {
            guard let tool = record["tool_name"]?.stringValue else { continue }
            let time = record["created_at"]?.stringValue.flatMap { Timestamp(parsing: $0) } ?? now
            let key = Hour(start: time.seconds - ((time.seconds % 3600) + 3600) % 3600, tool: tool)
            var entry = hours[key] ?? (0, 0, 0, Array(repeating: 0, count: bucketBounds.count + 1))
            entry.calls += 1
            if record["success"]?.boolValue == false { entry.failures += 1 }
            if let duration = record["duration_ms"]?.numberValue {
                entry.duration += duration
                entry.buckets[bucket(of: duration)] += 1
            }
            hours[key] = entry
        }
        guard !hours.isEmpty else { return }
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let rows = hours.sorted { ($0.key.start, $0.key.tool) < ($1.key.start, $1.key.tool) }.map { key, entry in
            let values = [builder.bind(builder.timestampValue(Timestamp(seconds: key.start))), builder.bind(.text(key.tool)),
                          builder.bind(.integer(entry.calls)), builder.bind(.integer(entry.failures)), builder.bind(.double(entry.duration))]
                + entry.buckets.map { builder.bind(.integer($0)) }
            return "(" + values.joined(separator: ", ") + ")"
        }
        let counters = ["calls", "failures", "duration_ms_total"] + bucketColumns
        let sql = "INSERT INTO \(builder.table(table)) (hour, tool_name, \(counters.joined(separator: ", "))) VALUES "
            + rows.joined(separator: ", ")
            + " ON CONFLICT (hour, tool_name) DO UPDATE SET "
            + counters.map { "\($0) = \(builder.table(table)).\($0) + excluded.\($0)" }.joined(separator: ", ")
        _ = try connection.run(sql, builder.values)
    }

    /// The bucket of a duration in milliseconds.
    static func bucket(of duration: Double) -> Int {
        bucketBounds.firstIndex { duration <= $0 } ?? bucketBounds.count
    }
}
