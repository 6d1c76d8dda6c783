import ToolHostCore
import ToolHostStorage

/// `bulk_data_store`: detailed records for an agent system (logs, bug reports with stack
/// traces, tool lineage, performance metrics, generated tools), in the shapes code-evolver
/// parses: `{"success": true, "data": [...], "count": n}`.
struct BulkDataStoreHandler: OperationHandler {
    let name = "bulk_data_store"

    var operations: [Operation] {
        [
            Operation("initialize_schema", summary: "Create (or adopt) the tables; safe to repeat", body: initializeSchema),
            Operation("store_log", summary: "Store one log record", body: { input, context throws(ToolHostError) in
                try BulkStores.storeOne(BulkRecords.log, input, context) }),
            Operation("store_logs", summary: "Store many log records in one bulk ingest", body: { input, context throws(ToolHostError) in
                try BulkStores.storeMany(BulkRecords.log, field: "logs", search: BulkSchema.logSearch, input, context) }),
            Operation("store_bug", summary: "Store (or update) a bug report by bug_id", body: BulkStores.storeBug),
            Operation("resolve_bug", summary: "Mark a bug resolved, with an optional resolution note", body: BulkStores.resolveBug),
            Operation("store_ancestry", summary: "Record that one tool derives from another", body: { input, context throws(ToolHostError) in
                try BulkStores.storeOne(BulkRecords.ancestry, input, context) }),
            Operation("store_perf_data", summary: "Store one performance metric", body: { input, context throws(ToolHostError) in
                try BulkStores.storeOne(BulkRecords.metric, input, context) }),
            Operation("store_perf_batch", summary: "Store many performance metrics in one bulk ingest", body: { input, context throws(ToolHostError) in
                try BulkStores.storeMany(BulkRecords.metric, field: "metrics", input, context) }),
            Operation("store_tool", summary: "Store (or update) a generated tool", body: BulkStores.storeTool),
            Operation("query_logs", summary: "Logs by filters, time range and full-text search", body: { input, context throws(ToolHostError) in
                try BulkQueries.records(RecordQuery.logs, input, context) }),
            Operation("query_bugs", summary: "Bugs by filters, time range and full-text search", body: { input, context throws(ToolHostError) in
                try BulkQueries.records(RecordQuery.bugs, input, context) }),
            Operation("query_perf", summary: "Count, avg, min, max, p50, p95 per tool and metric", body: BulkQueries.performance),
            Operation("get_ancestry", summary: "Parents and children of a tool, up to depth", body: AncestryWalk.run),
            Operation("get_tool", summary: "One generated tool, with its YAML and code", body: BulkQueries.tool),
            Operation("list_tools", summary: "Generated tools, newest first", body: BulkQueries.tools),
        ]
    }

    /// Migrations run when the first connection opens; this reports what exists.
    private func initializeSchema(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try context.withConnection { (connection) throws(ToolHostError) -> JSONValue in
            let tables = [BulkSchema.logs, BulkSchema.bugs, BulkSchema.ancestry, BulkSchema.performance, BulkSchema.generatedTools]
            var data: [JSONValue] = []
            for table in tables {
                let exists = try withDatabaseErrors { () throws(DatabaseError) in try connection.tableExists(table) }
                data.append(["table": .string(table.name), "status": exists ? "ready" : "missing"])
            }
            return ["success": true, "data": .array(data), "count": .int(data.count)]
        }
    }
}
