import ToolHostCore
import ToolHostStorage

/// How often each tool was called successfully, from the recorded tool executions
/// (`training.record_invocations`): the tie-breaker of discovery, so that of two tools that
/// match a need equally well the one agents actually use comes first.
enum ToolUsage {
    /// Successful calls of each of `tools` (tools never called are absent). No recorded
    /// executions (recording off, a fresh database) is no usage, not an error.
    static func successfulCalls(of tools: [String], on connection: any DatabaseConnection) throws(ToolHostError) -> [String: Int] {
        guard !tools.isEmpty else { return [:] }
        let exists = try withDatabaseErrors { () throws(DatabaseError) in try connection.tableExists(TrainingSchema.executions) }
        guard exists else { return [:] }
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let names = tools.map { builder.bind(.text($0)) }.joined(separator: ", ")
        let sql = """
            SELECT tool_name, COUNT(*) AS calls FROM \(builder.table(TrainingSchema.executions))
            WHERE success = TRUE AND tool_name IN (\(names)) GROUP BY tool_name
            """
        var counts: [String: Int] = [:]
        for row in try connection.rows(sql, builder.values) {
            if let name = row["tool_name"]?.stringValue, let calls = row["calls"]?.integerValue { counts[name] = calls }
        }
        return counts
    }
}
