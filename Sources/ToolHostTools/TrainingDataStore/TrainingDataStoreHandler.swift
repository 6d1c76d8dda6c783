import ToolHostCore
import ToolHostStorage

/// `training_data_store`: agent events, tasks, tool executions and workflow phases kept as
/// training data — stored one by one or in batches, queried, summarised, exported as JSONL or
/// CSV for fine-tuning pipelines, and aged out through a dated archive. What each operation
/// takes is in `training_data_store.yaml` (`operations:`).
struct TrainingDataStoreHandler: OperationHandler {
    let name = "training_data_store"

    var operations: [Operation] {
        [
            .write("store_agent_event") { input, call in try Self.store(.events, input, call) },
            .write("store_agent_events") { input, call in try Self.store(.events, batch: "events", input, call) },
            .write("store_agent_task") { input, call in try Self.store(.tasks, input, call) },
            .write("store_agent_tasks") { input, call in try Self.store(.tasks, batch: "tasks", input, call) },
            .write("store_tool_execution") { input, call in try Self.store(.toolExecutions, input, call) },
            .write("store_tool_executions") { input, call in try Self.store(.toolExecutions, batch: "executions", input, call) },
            .write("store_workflow_data") { input, call in try Self.store(.workflows, input, call) },
            .write("store_workflows") { input, call in try Self.store(.workflows, batch: "workflows", input, call) },
            .read("query", Self.query),
            .read("stats", TrainingStats.run),
            // Exports stream the rows on a connection of their own into a file (TrainingExport).
            Operation("export_for_training", nature: .write) { input, context in try Self.export(.jsonl, input, context) },
            Operation("export_to_csv", nature: .write) { input, context in try Self.export(.csv, input, context) },
            Operation("export_llm_calls", nature: .write, body: Self.exportLLMCalls),
            // Semantic memory commits a page of embeddings at a time: no one transaction around it.
            Operation("index_to_rag", nature: .write, body: TrainingExamplesIndex.run),
            // One transaction per archived batch, each after its archive is synced to disk.
            Operation("apply_retention", nature: .destructive) { input, context in try TrainingRetention(config: context.config).apply(input, context: context) },
        ]
    }

    /// One record (the operation's own fields) or, with `batch`, the array in that field, in
    /// the operation's transaction; the live stream gets them after the answer.
    private static func store(_ type: TrainingDataType, batch field: String? = nil, _ input: OperationInput,
                              _ call: DatabaseCall) throws -> OperationAnswer {
        let records = try field.map { name throws(ToolHostError) in try input.array(name) } ?? [.object(input.fields)]
        let store = TrainingStore(config: call.context.config, progress: call.context.progress)
        let stored = try store.store(records, as: type, field: field ?? "", on: call.connection, tool: call.toolID)
        store.publishAfterAnswer(call.context)
        var answer: JSONObject = ["count": .int(stored.count)]
        // Ids for single records and for upserts (with what each did); a batch of plain
        // records answers with its count, whichever path stored it.
        if let rows = stored.rows, field == nil || TrainingRecords.upsertKey(type) != nil {
            if field == nil, let action = rows.first?.objectValue?["action"] { answer["action"] = action }
            answer["data"] = .array(rows)
        }
        return .fields(answer)
    }

    private static func query(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let query = try TrainingSelection.read(input).sql(dialect: call.dialect)
        let rows = try call.connection.run(query.sql, query.values).rows
        return .fields(["count": .int(rows.count), "data": .array(rows.map { .object($0) })])
    }

    /// `output_path` is required: the tool's stdout carries the JSON answer, not the rows. It
    /// lands in `files.export_dir` (or another folder tool inputs may write to, `ConfinedPaths`).
    private static func export(_ format: ExportFormat, _ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        let path = try input.string("output_path")
        guard path != "-", !path.isEmpty else {
            throw input.invalid("output_path", "must name a file (the answer itself goes to stdout; `toolhost export --out -` streams rows there)")
        }
        let output = try ConfinedPaths(config: context.config).resolve(path, key: "output_path", relativeTo: context.config.files.exportDirectory)
        let selection = try TrainingSelection.read(input)
        // Counted first only for a caller that watches progress (a total makes a bar).
        let reporter = context.progress
        let summary = try TrainingExport(config: context.config).run(
            selection, format: format, output: output, countFirst: reporter != nil,
            progress: reporter.map { reporter in { rows, total in reporter.report(done: rows, total: total, message: "exporting rows") } })
        return .fields(summary.fields)
    }

    /// `export_llm_calls`: `LLMCallExport` into a file where exports may write.
    private static func exportLLMCalls(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        let path = try input.string("output_path")
        guard path != "-", !path.isEmpty else {
            throw input.invalid("output_path", "must name a file (the answer itself goes to stdout; `toolhost export llm_calls --out -` streams there)")
        }
        var request = LLMCallExport.Request(output: try ConfinedPaths(config: context.config).resolve(
            path, key: "output_path", relativeTo: context.config.files.exportDirectory))
        request.since = try input.optionalString("since")
        request.until = try input.optionalString("until")
        request.limit = try input.optionalInt("limit")
        request.chat = try ChatExampleRules(systemPrompt: try input.optionalString("system_prompt"),
                                            systemMessage: try input.optionalString("system_prompt_mode"), trailingTurns: nil, zeroWeightBelow: nil,
                                            names: ("system_prompt_mode", "trailing_turns", "zero_weight_below"))
        request.hygiene = try FineTuningHygiene.read(input)
        if let window = try input.optionalNumber("link_window_seconds") { request.linkWindowSeconds = window }
        request.catalogue = context.catalogue()
        return try LLMCallExport(config: context.config).run(request).answer
    }
}
