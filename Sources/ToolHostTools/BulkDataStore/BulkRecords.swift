import ToolHostStorage

/// The record kinds of the bulk data store, as code-evolver sends them.
enum BulkRecords {
    static let log = RecordSpec(
        table: BulkSchema.logs, required: ["tool_id", "log_level", "message"], optional: ["details"],
        json: ["details"], lowercased: ["log_level"])

    static let bug = RecordSpec(
        table: BulkSchema.bugs, required: ["bug_id", "tool_id", "severity", "message"],
        optional: ["stack_trace", "details", "resolved"],
        json: ["details"], lowercased: ["severity"], booleans: ["resolved"])

    static let ancestry = RecordSpec(
        table: BulkSchema.ancestry, required: ["parent_tool_id", "child_tool_id", "relationship_type"],
        optional: ["details"], json: ["details"])

    static let metric = RecordSpec(
        table: BulkSchema.performance, required: ["tool_id", "metric_name", "metric_value"],
        optional: ["unit", "details"], json: ["details"], numbers: ["metric_value"])
}

/// What `query_logs` and `query_bugs` may filter on, and their full-text search.
struct RecordQuery {
    let table: TableName
    let filterColumns: [String]
    let search: SearchIndex

    static let logs = RecordQuery(table: BulkSchema.logs, filterColumns: ["id", "tool_id", "log_level"], search: BulkSchema.logSearch)
    static let bugs = RecordQuery(table: BulkSchema.bugs, filterColumns: ["id", "bug_id", "tool_id", "severity", "resolved"],
                                  search: BulkSchema.bugSearch)
}
