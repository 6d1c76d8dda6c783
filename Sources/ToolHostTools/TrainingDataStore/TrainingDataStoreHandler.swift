import ToolHostCore
import ToolHostStorage

/// `training_data_store`: agent events, tasks, tool executions and workflow phases kept as
/// training data — stored one by one or in batches, queried, summarised, exported as JSONL or
/// CSV for fine-tuning pipelines, and aged out through a dated archive.
struct TrainingDataStoreHandler: OperationHandler {
    let name = "training_data_store"

    var operations: [Operation] {
        [
            Operation("store_agent_event", summary: "Store one agent event", body: Self.store(.events)),
            Operation("store_agent_events", summary: "Store many agent events in one transaction", body: Self.store(.events, batch: "events")),
            Operation("store_agent_task", summary: "Store a task, or update it by task_id (history kept in events)", body: Self.store(.tasks)),
            Operation("store_agent_tasks", summary: "Store or update many tasks in one transaction", body: Self.store(.tasks, batch: "tasks")),
            Operation("store_tool_execution", summary: "Store one tool execution", body: Self.store(.toolExecutions)),
            Operation("store_tool_executions", summary: "Store many tool executions in one transaction",
                      body: Self.store(.toolExecutions, batch: "executions")),
            Operation("store_workflow_data", summary: "Store a workflow phase, or update it by workflow_id (history kept in events)",
                      body: Self.store(.workflows)),
            Operation("store_workflows", summary: "Store or update many workflows in one transaction", body: Self.store(.workflows, batch: "workflows")),
            Operation("query", summary: "Rows of one data type by filters, time range and payload paths", body: Self.query),
            Operation("stats", summary: "Rows per type, per day and per agent; oldest and newest", body: TrainingStats.run),
            Operation("export_for_training", summary: "Write rows of one data type to a JSONL file", body: Self.export(.jsonl)),
            Operation("export_to_csv", summary: "Write rows of one data type to a CSV file (RFC 4180)", body: Self.export(.csv)),
            Operation("index_to_rag", summary: "Put selected rows into the vector index (collection training_data_examples) as few-shot examples",
                      body: TrainingExamplesIndex.run),
            Operation("apply_retention", summary: "Archive rows older than retention_days to dated JSONL files, then delete them",
                      body: { input, context throws(ToolHostError) in try TrainingRetention(config: context.config).apply(input, context: context) }),
        ]
    }

    /// One record (the operation's own fields) or, with `batch`, the array in that field.
    private static func store(_ type: TrainingDataType, batch field: String? = nil) -> Operation.LegacyBody {
        { input, context throws(ToolHostError) in
            let records = try field.map { name throws(ToolHostError) in try input.array(name) } ?? [.object(input.fields)]
            let store = TrainingStore(config: context.config)
            let stored = try context.withConnection { (connection) throws(ToolHostError) in
                try store.store(records, as: type, field: field ?? "", on: connection, tool: context.tool.id)
            }
            store.publishAfterAnswer(context)
            var answer: JSONObject = ["success": true, "count": .int(stored.count)]
            // Ids for single records and for upserts (with what each did); a batch of plain
            // records answers with its count, whichever path stored it.
            if let rows = stored.rows, field == nil || TrainingRecords.upsertKey(type) != nil {
                if field == nil, let action = rows.first?.objectValue?["action"] { answer["action"] = action }
                answer["data"] = .array(rows)
            }
            return .object(answer)
        }
    }

    private static func query(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let selection = try TrainingSelection.read(input, defaultLimit: 100)
        let rows = try context.withConnection { (connection) throws(ToolHostError) in
            let query = selection.sql(dialect: connection.dialect)
            return try withDatabaseErrors { () throws(DatabaseError) in try connection.run(query.sql, query.values).rows }
        }
        return ["success": true, "count": .int(rows.count), "data": .array(rows.map { .object($0) })]
    }

    /// `output_path` is required: the tool's stdout carries the JSON answer, not the rows. It
    /// lands in `files.export_dir` (or another folder tool inputs may write to, `ConfinedPaths`).
    private static func export(_ format: ExportFormat) -> Operation.LegacyBody {
        { input, context throws(ToolHostError) in
            let path = try input.string("output_path")
            guard path != "-", !path.isEmpty else {
                throw input.invalid("output_path", "must name a file (the answer itself goes to stdout; `toolhost export --out -` streams rows there)")
            }
            let output = try ConfinedPaths(config: context.config).resolve(path, key: "output_path", relativeTo: context.config.files.exportDirectory)
            let selection = try TrainingSelection.read(input, defaultLimit: nil)
            let summary = try TrainingExport(config: context.config).run(selection, format: format, output: output)
            return summary.json
        }
    }
}
