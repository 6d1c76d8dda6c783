import ToolHostCore
import ToolHostStorage

/// What the dashboard of `serve --http` shows, read on one connection with bounded queries:
/// charts from the hourly rollup of calls (`CallRollup`, a few hundred rows however many calls),
/// lists by index and `LIMIT`, and counts of the tables that stay small beside the calls.
public struct DashboardData {
    let connection: any DatabaseConnection

    public init(connection: any DatabaseConnection) { self.connection = connection }

    private var dialect: SQLDialect { connection.dialect }

    // MARK: Calls

    /// Calls and failures of every tool, per hour since `since`, oldest first.
    public func callsPerHour(since: Timestamp) throws(DatabaseError) -> [(hour: String, calls: Int, failures: Int)] {
        var builder = SQLStatementBuilder(dialect: dialect)
        let sql = "SELECT hour, sum(calls) AS calls, sum(failures) AS failures FROM \(builder.table(CallRollup.table)) "
            + "WHERE hour >= \(builder.bind(builder.timestampValue(since))) GROUP BY hour ORDER BY hour"
        return try connection.run(sql, builder.values).rows.map { row in
            (Self.text(row["hour"]), row["calls"]?.integerValue ?? 0, row["failures"]?.integerValue ?? 0)
        }
    }

    /// One tool's calls since a time, with its latency percentiles from the rollup's histogram.
    public struct ToolSummary: Sendable {
        public let tool: String
        public let calls: Int
        public let failures: Int
        public let meanMilliseconds: Double?
        /// p50, p95, p99 in milliseconds, interpolated within the histogram's buckets.
        public let percentiles: [Double]
    }

    /// Every tool called since `since`, most calls first.
    public func tools(since: Timestamp) throws(DatabaseError) -> [ToolSummary] {
        var builder = SQLStatementBuilder(dialect: dialect)
        let buckets = CallRollup.bucketColumns.map { "sum(\($0)) AS \($0)" }.joined(separator: ", ")
        let sql = "SELECT tool_name, sum(calls) AS calls, sum(failures) AS failures, sum(duration_ms_total) AS duration, \(buckets) "
            + "FROM \(builder.table(CallRollup.table)) WHERE hour >= \(builder.bind(builder.timestampValue(since))) "
            + "GROUP BY tool_name ORDER BY calls DESC, tool_name LIMIT 200"
        return try connection.run(sql, builder.values).rows.map { row in
            let histogram = CallRollup.bucketColumns.map { row[$0]?.integerValue ?? 0 }
            let timed = histogram.reduce(0, +)
            return ToolSummary(tool: row["tool_name"]?.stringValue ?? "?", calls: row["calls"]?.integerValue ?? 0,
                               failures: row["failures"]?.integerValue ?? 0,
                               meanMilliseconds: timed > 0 ? (row["duration"]?.numberValue ?? 0) / Double(timed) : nil,
                               percentiles: [0.5, 0.95, 0.99].map { Self.percentile($0, of: histogram) })
        }
    }

    /// The `fraction` quantile of a histogram over `CallRollup.bucketBounds`, linear within its
    /// bucket (the last, open bucket answers its lower bound).
    static func percentile(_ fraction: Double, of histogram: [Int]) -> Double {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return 0 }
        let rank = fraction * Double(total)
        var below = 0
        for (index, count) in histogram.enumerated() where count > 0 {
            if Double(below + count) >= rank {
                let lower = index == 0 ? 0 : CallRollup.bucketBounds[index - 1]
                guard index < CallRollup.bucketBounds.count else { return lower }
                let upper = CallRollup.bucketBounds[index]
                return lower + (upper - lower) * max(0, rank - Double(below)) / Double(count)
            }
            below += count
        }
        return CallRollup.bucketBounds.last ?? 0
    }

    /// What the run browser filters by; nil is any.
    public struct CallFilter: Sendable, Equatable {
        public var tool: String?
        public var agent: String?
        /// true: successful calls; false: failed ones.
        public var succeeded: Bool?
        /// Calls recorded before this time (the next page).
        public var before: Timestamp?

        public init() {}
    }

    static let callColumns = "id, execution_id, tool_name, agent_id, success, duration_ms, exit_code, error_code, error, created_at"

    /// A page of calls, newest first, by the filter (each condition has its index).
    public func calls(_ filter: CallFilter, limit: Int) throws(DatabaseError) -> [JSONObject] {
        var builder = SQLStatementBuilder(dialect: dialect)
        var conditions: [String] = []
        if let tool = filter.tool { conditions.append("tool_name = \(builder.bind(.text(tool)))") }
        if let agent = filter.agent { conditions.append("agent_id = \(builder.bind(.text(agent)))") }
        if let succeeded = filter.succeeded { conditions.append(succeeded ? "success = TRUE" : "success = FALSE") }
        if let before = filter.before { conditions.append("created_at < \(builder.bind(builder.timestampValue(before)))") }
        let sql = "SELECT \(Self.callColumns) FROM \(builder.table(TrainingSchema.executions))"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY created_at DESC, id DESC LIMIT \(max(1, limit))"
        return try connection.run(sql, builder.values).rows
    }

    /// One call in full, by its row id.
    public func call(id: Int64) throws(DatabaseError) -> JSONObject? {
        var builder = SQLStatementBuilder(dialect: dialect)
        let sql = "SELECT * FROM \(builder.table(TrainingSchema.executions)) WHERE id = \(builder.bind(.integer(id)))"
        return try connection.run(sql, builder.values).rows.first
    }

    // MARK: Training data

    /// Rows per kind of training data. Tool executions are counted from the rollup (retention
    /// deletes executions, not their hours, so this says how many calls were recorded).
    public func trainingVolume() throws(DatabaseError) -> [(kind: String, rows: Int)] {
        let builder = SQLStatementBuilder(dialect: dialect)
        func count(_ table: TableName) throws(DatabaseError) -> Int {
            try connection.run("SELECT count(*) AS n FROM \(builder.table(table))").rows.first?["n"]?.integerValue ?? 0
        }
        let calls = try connection.run("SELECT coalesce(sum(calls), 0) AS n FROM \(builder.table(CallRollup.table))").rows.first?["n"]?.integerValue ?? 0
        return [("tool calls", calls), ("agent events", try count(TrainingSchema.events)), ("agent tasks", try count(TrainingSchema.tasks)),
                ("workflow phases", try count(TrainingSchema.workflows)), ("conversations", try count(ConversationSchema.conversations)),
                ("prompt training steps", try count(PromptEvolutionSchema.steps))]
    }

    /// Conversations by quality (five bands of 0.2, and unscored), and how many are exported.
    public struct ConversationQuality: Sendable {
        public let bands: [(label: String, conversations: Int)]
        public let exported: Int
        public let total: Int
    }

    public func conversationQuality() throws(DatabaseError) -> ConversationQuality {
        let builder = SQLStatementBuilder(dialect: dialect)
        let bands = (0..<5).map { index in
            let low = Double(index) / 5, high = Double(index + 1) / 5
            let upper = index == 4 ? "conversation_quality <= 1" : "conversation_quality < \(high)"
            return "count(CASE WHEN conversation_quality >= \(low) AND \(upper) THEN 1 END) AS q\(index)"
        }.joined(separator: ", ")
        let row = try connection.run("""
            SELECT count(*) AS total, count(CASE WHEN training_data_exported IS TRUE THEN 1 END) AS exported,
                   count(CASE WHEN conversation_quality IS NULL THEN 1 END) AS unscored, \(bands)
            FROM \(builder.table(ConversationSchema.conversations))
            """).rows.first ?? [:]
        let labels = ["0.0–0.2", "0.2–0.4", "0.4–0.6", "0.6–0.8", "0.8–1.0"]
        return ConversationQuality(
            bands: labels.enumerated().map { ($1, row["q\($0)"]?.integerValue ?? 0) } + [("unscored", row["unscored"]?.integerValue ?? 0)],
            exported: row["exported"]?.integerValue ?? 0, total: row["total"]?.integerValue ?? 0)
    }

    // MARK: Prompt evolution

    /// Mean reward per day, corpus and task since `since`, oldest first.
    public func rewardPerDay(since: Timestamp) throws(DatabaseError) -> [(day: String, corpus: String, task: String, steps: Int, reward: Double)] {
        var builder = SQLStatementBuilder(dialect: dialect)
        let day = dialect == .postgres ? "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : "substr(created_at, 1, 10)"
        let sql = "SELECT \(day) AS day, corpus_id, task_type, count(*) AS steps, avg(reward) AS reward "
            + "FROM \(builder.table(PromptEvolutionSchema.steps)) WHERE created_at >= \(builder.bind(builder.timestampValue(since))) "
            + "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        return try connection.run(sql, builder.values).rows.map { row in
            (Self.text(row["day"]), row["corpus_id"]?.stringValue ?? "", row["task_type"]?.stringValue ?? "",
             row["steps"]?.integerValue ?? 0, row["reward"]?.numberValue ?? 0)
        }
    }

    /// The latest generation of each corpus and task's population, fittest first, with each
    /// profile's version and parent (its lineage, one step back).
    public func currentPopulations(limit: Int = 100) throws(DatabaseError) -> [JSONObject] {
        let builder = SQLStatementBuilder(dialect: dialect)
        let populations = builder.table(PromptEvolutionSchema.populations)
        let profiles = builder.table(PromptEvolutionSchema.profiles)
        return try connection.run("""
            SELECT p.corpus_id, p.task_type, p.generation, p.fitness_score, p.profile_id, f.version, f.parent_profile_id
            FROM \(populations) p JOIN \(profiles) f ON f.id = p.profile_id
            WHERE p.generation = (SELECT max(generation) FROM \(populations) q WHERE q.corpus_id = p.corpus_id AND q.task_type = p.task_type)
            ORDER BY p.corpus_id, p.task_type, p.fitness_score DESC LIMIT \(limit)
            """).rows
    }

    // MARK: Generated tools

    /// The newest generated tools with their YAML.
    public func generatedTools(limit: Int) throws(DatabaseError) -> [JSONObject] {
        let builder = SQLStatementBuilder(dialect: dialect)
        return try connection.run("SELECT tool_id, tool_name, tool_type, tool_yaml, created_at FROM \(builder.table(BulkSchema.generatedTools)) "
            + "ORDER BY created_at DESC, id DESC LIMIT \(max(1, limit))").rows
    }

    /// A timestamp or text column as text (PostgreSQL answers timestamps as such, SQLite as text).
    public static func text(_ value: JSONValue?) -> String {
        value?.stringValue ?? value.map { JSONWriter.string($0) } ?? ""
    }
}
