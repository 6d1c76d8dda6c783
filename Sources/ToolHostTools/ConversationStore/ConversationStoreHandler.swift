import ToolHostCore
import ToolHostStorage

/// `conversation_store`: what a conversational agent (chat or voice) keeps to train its own
/// models later — conversations, scored messages, memories and agent logs — with exports in
/// the shapes fine-tuning pipelines take. What each operation takes is in
/// `conversation_store.yaml` (`operations:`).
struct ConversationStoreHandler: OperationHandler {
    let name = "conversation_store"

    var operations: [Operation] {
        [
            .write("start_conversation") { input, call in try ConversationWrites(call).startConversation(input) },
            .write("end_conversation") { input, call in try ConversationWrites(call).endConversation(input) },
            MessageVoiceFeatures.filling(.write("add_message") { input, call in try ConversationWrites(call).addMessage(input) }),
            .write("add_memory") { input, call in try ConversationWrites(call).addMemory(input) },
            .write("log_agent") { input, call in try ConversationWrites(call).logAgent(input) },
            .write("record_feedback") { input, call in try ConversationWrites(call).recordFeedback(input) },
            // A write: what it recalls counts as accessed (an UPDATE in the same transaction as the read).
            .write("recall_memories", Self.recall),
            .read("export_conversation", Self.exportOne),
            Operation("export_conversations", nature: .write, body: Self.exportMany),  // writes a file, marks exported
            .read("training_stats") { _, call in try ConversationReads(connection: call.connection).trainingStats() },
            .write("mark_exported", Self.markExported),
        ]
    }

    /// `limit` (1 to 5, default 5) and `per_tier` (1 or 2) come bounded by the schema.
    private static func recall(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let limit = try input.int("limit")
        let memories = try ConversationReads(connection: call.connection).recallMemories(
            user: try input.string("user_id"), tiers: try input.optionalArray("tiers")?.compactMap(\.stringValue),
            limit: limit, perTier: try input.int("per_tier"))
        return .fields(["count": .int(memories.count), "memories": .array(memories)])
    }

    private static func exportOne(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let id = try input.int("conversation_id")
        var selection = ConversationSelection()
        selection.ids = [Int64(id)]
        var found: JSONObject?
        try ConversationDocuments(connection: call.connection).forEach(selection) { (conversation) throws(DatabaseError) in found = conversation.document }
        guard let found else { throw ToolHostError(.notFound, "No conversation with id \(id).", details: ["conversation_id": .int(id)]) }
        return .fields(["conversation": .object(found)])
    }

    /// With `output_path`, to a file in `format` inside the folders tool inputs may write to
    /// (`ConfinedPaths`); otherwise inline. A plain operation: a file export manages its own
    /// connections (it streams on one, then marks what it wrote on another once the file is
    /// in place, so a failed marking never loses the file).
    private static func exportMany(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        guard let path = try input.optionalString("output_path") else { return try inlineExport.run(input, context) }
        guard path != "-", !path.isEmpty else {
            throw input.invalid("output_path", "must name a file (the answer itself goes to stdout; `toolhost export conversations --out -` streams there)")
        }
        let output = try ConfinedPaths(config: context.config).resolve(path, key: "output_path", relativeTo: context.config.files.exportDirectory)
        let selection = try ConversationSelection.read(input, defaultLimit: nil)
        var request = ConversationExport.Request(format: try ConversationExportFormat.named(try input.optionalString("format") ?? "jsonl"),
                                                 output: output)
        request.chat = try ChatExampleRules(systemPrompt: try input.optionalString("system_prompt"),
                                            systemMessage: try input.optionalString("system_prompt_mode"),
                                            trailingTurns: try input.optionalString("trailing_turns"),
                                            zeroWeightBelow: try input.optionalNumber("zero_weight_below"),
                                            names: ("system_prompt_mode", "trailing_turns", "zero_weight_below"))
        request.hygiene = try FineTuningHygiene.read(input)
        request.markExported = try input.optionalBool("mark_exported") ?? false
        if request.format == .openaiChat { request.catalogue = context.catalogue() }
        return try ConversationExport(config: context.config).run(selection, request: request).answer
    }

    /// `export_conversations` answered inline: at most `limit` (default 100, at most 1000)
    /// documents read on a pooled connection; marking them, when asked, is a transaction of
    /// its own after the read, as for a file.
    private static let inlineExport = Operation.read("export_conversations") { input, call in
        for key in ["format", "system_prompt", "system_prompt_mode", "trailing_turns", "zero_weight_below", "scrub", "deduplicate", "split"]
        where input[key] != nil {
            throw input.invalid(key, "applies to exports written to a file: give output_path too")
        }
        let selection = try ConversationSelection.read(input, defaultLimit: 100)
        guard (selection.limit ?? 0) <= 1000 else {
            throw input.invalid("limit", "is at most 1000 for an answer; write more to a file with output_path")
        }
        var documents: [JSONValue] = []
        var exported: [(id: Int64, totalMessages: JSONValue)] = []
        try ConversationDocuments(connection: call.connection).forEach(selection) { (conversation) throws(DatabaseError) in
            documents.append(.object(conversation.document))
            exported.append((conversation.id, conversation.row["total_messages"] ?? .null))
        }
        let marking = try input.optionalBool("mark_exported") == true ? try ConversationWrites(call).markExported(unchanged: exported) : (marked: 0, changed: [])
        return .fields(["count": .int(documents.count), "marked_exported": .int(marking.marked), "left_unmarked": .int(marking.changed.count),
                        "conversations": .array(documents)])
    }

    /// `conversation_id` and/or `conversation_ids`: at least one id between them.
    private static func markExported(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        var ids = try input.optionalInt("conversation_id").map { [Int64($0)] } ?? []
        ids += try input.optionalArray("conversation_ids")?.compactMap { $0.integerValue.map(Int64.init) } ?? []
        guard !ids.isEmpty else { throw input.invalid("conversation_id", "is required: give conversation_id or conversation_ids") }
        ids = Array(Set(ids)).sorted()
        return .fields(["count": .int(try ConversationWrites(call).markExported(ids)), "conversation_ids": .array(ids.map { .integer($0) })])
    }
}
