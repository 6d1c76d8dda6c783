import ToolHostCore
import ToolHostStorage

/// `bulk_data_store`: detailed records for an agent system (logs, bug reports with stack
/// traces, tool lineage, performance metrics, generated tools), in the shapes code-evolver
/// parses: `{"success": true, "data": [...], "count": n}`. What each operation takes is in
/// `bulk_data_store.yaml` (`operations:`).
struct BulkDataStoreHandler: OperationHandler {
    let name = "bulk_data_store"

    var operations: [Operation] {
        [
            .read("initialize_schema", nature: .write, Self.initializeSchema),  // creates tables
            .write("store_log") { input, call in try BulkStores.storeOne(BulkRecords.log, input, call) },
            .write("store_logs") { input, call in try BulkStores.storeMany(BulkRecords.log, field: "logs", input, call) },
            .write("store_bug", BulkStores.storeBug),
            .write("resolve_bug", BulkStores.resolveBug),
            .write("store_ancestry") { input, call in try BulkStores.storeOne(BulkRecords.ancestry, input, call) },
            .write("store_perf_data") { input, call in try BulkStores.storeOne(BulkRecords.metric, input, call) },
            .write("store_perf_batch") { input, call in try BulkStores.storeMany(BulkRecords.metric, field: "metrics", input, call) },
            .write("store_tool", BulkStores.storeTool),
            .read("query_logs") { input, call in try BulkQueries.records(RecordQuery.logs, input, call) },
            .read("query_bugs") { input, call in try BulkQueries.records(RecordQuery.bugs, input, call) },
            .read("query_perf", BulkQueries.performance),
            .read("get_ancestry", AncestryWalk.run),
            .read("get_tool", BulkQueries.tool),
            .read("list_tools", BulkQueries.tools),
        ]
    }

    /// Migrations run when the first connection opens; this reports what exists.
    private static func initializeSchema(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let tables = [BulkSchema.logs, BulkSchema.bugs, BulkSchema.ancestry, BulkSchema.performance, BulkSchema.generatedTools]
        return .rows(try tables.map { table in
            ["table": .string(table.name), "status": try call.connection.tableExists(table) ? "ready" : "missing"]
        })
    }
}
