import ToolHostCore
import ToolHostStorage

/// `conversation_store`: what a conversational agent (chat or voice) keeps to train its own
/// models later — conversations, scored messages, memories and agent logs — with exports in
/// the shapes fine-tuning pipelines take.
struct ConversationStoreHandler: OperationHandler {
    let name = "conversation_store"

    var operations: [Operation] {
        [
            Operation("start_conversation", summary: "Open a conversation; answers its conversation_id",
                      body: Self.write { writes, input throws(ToolHostError) in try writes.startConversation(input) }),
            Operation("end_conversation", summary: "End a conversation (optionally with topics_discussed)",
                      body: Self.write { writes, input throws(ToolHostError) in try writes.endConversation(input) }),
            Operation("add_message", summary: "Add a message, score it (assistant) and update the conversation's statistics",
                      body: Self.write { writes, input throws(ToolHostError) in try writes.addMessage(input) }),
            Operation("add_memory", summary: "Store a memory of a user in a tier",
                      body: Self.write { writes, input throws(ToolHostError) in try writes.addMemory(input) }),
            Operation("log_agent", summary: "Log what an agent did, optionally for a conversation and message",
                      body: Self.write { writes, input throws(ToolHostError) in try writes.logAgent(input) }),
            Operation("record_feedback", summary: "Record a user's 1-5 feedback on a message",
                      body: Self.write { writes, input throws(ToolHostError) in try writes.recordFeedback(input) }),
            Operation("recall_memories", summary: "A user's most important memories: at most 5, at most 2 per tier", body: Self.recall),
            Operation("export_conversation", summary: "One conversation as a training document", body: Self.exportOne),
            Operation("export_conversations", summary: "Conversations as training documents, inline or to a file", body: Self.exportMany),
            Operation("training_stats", summary: "Counts, exported or not, quality distribution, voice-data share",
                      body: { _, context throws(ToolHostError) in
                          .object(try context.withConnection { (connection) throws(ToolHostError) in try ConversationReads(connection: connection).trainingStats() })
                      }),
            Operation("mark_exported", summary: "Mark conversations as exported for training", body: Self.markExported),
        ]
    }

    private static func write(_ body: @escaping @Sendable (ConversationWrites, OperationInput) throws(ToolHostError) -> JSONObject) -> Operation.LegacyBody {
        { input, context throws(ToolHostError) in
            .object(try context.withConnection { (connection) throws(ToolHostError) in
                try body(ConversationWrites(connection: connection, tool: context.tool.id), input)
            })
        }
    }

    private static func recall(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let user = try input.string("user_id")
        let tiers = try input.optionalArray("tiers").map { (values) throws(ToolHostError) -> [String] in
            var names: [String] = []
            for value in values {
                guard let name = value.stringValue else { throw input.invalid("tiers", "must be an array of tier names") }
                names.append(name)
            }
            return names
        }
        let limit = try input.optionalInt("limit") ?? 5
        let perTier = try input.optionalInt("per_tier") ?? 2
        guard (1...5).contains(limit) else { throw input.invalid("limit", "must be 1 to 5 (recall returns at most 5 memories)") }
        guard (1...2).contains(perTier) else { throw input.invalid("per_tier", "must be 1 or 2 (recall returns at most 2 memories per tier)") }
        let memories = try context.withConnection { (connection) throws(ToolHostError) in
            try ConversationReads(connection: connection).recallMemories(user: user, tiers: tiers, limit: limit, perTier: perTier)
        }
        return ["success": true, "count": .int(memories.count), "memories": .array(memories)]
    }

    private static func exportOne(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        guard let id = try input.optionalInt("conversation_id") else { throw input.invalid("conversation_id", "is required (a whole number)") }
        var selection = ConversationSelection()
        selection.ids = [Int64(id)]
        var found: JSONObject?
        try context.withConnection { (connection) throws(ToolHostError) in
            try ConversationDocuments(connection: connection).forEach(selection) { conversation in found = conversation.document }
        }
        guard let found else { throw ToolHostError(.notFound, "No conversation with id \(id).", details: ["conversation_id": .int(id)]) }
        return ["success": true, "conversation": .object(found)]
    }

    /// Inline (at most `limit`, default 100) or, with `output_path`, to a file in `format`
    /// inside the folders tool inputs may write to (`ConfinedPaths`).
    private static func exportMany(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let markExported = try input.optionalBool("mark_exported") ?? false
        if let path = try input.optionalString("output_path") {
            guard path != "-", !path.isEmpty else {
                throw input.invalid("output_path", "must name a file (the answer itself goes to stdout; `toolhost export conversations --out -` streams there)")
            }
            let output = try ConfinedPaths(config: context.config).resolve(path, key: "output_path", relativeTo: context.config.files.exportDirectory)
            let selection = try ConversationSelection.read(input, defaultLimit: nil)
            var request = ConversationExport.Request(format: try ConversationExportFormat.named(try input.optionalString("format") ?? "jsonl"),
                                                     output: output)
            request.systemPrompt = try input.optionalString("system_prompt")
            request.markExported = markExported
            return try ConversationExport(config: context.config).run(selection, request: request).json
        }
        for key in ["format", "system_prompt"] where input[key] != nil {
            throw input.invalid(key, "applies to exports written to a file: give output_path too")
        }
        let selection = try ConversationSelection.read(input, defaultLimit: 100)
        guard (selection.limit ?? 0) <= 1000 else {
            throw input.invalid("limit", "is at most 1000 for an answer; write more to a file with output_path")
        }
        var documents: [JSONValue] = []
        var exported: [(id: Int64, totalMessages: JSONValue)] = []
        let result = try context.withConnection { (connection) throws(ToolHostError) -> (marked: Int, changed: [Int64]) in
            try ConversationDocuments(connection: connection).forEach(selection) { conversation in
                documents.append(.object(conversation.document))
                exported.append((conversation.id, conversation.row["total_messages"] ?? .null))
            }
            guard markExported else { return (0, []) }
            return try ConversationWrites(connection: connection, tool: context.tool.id).markExported(unchanged: exported)
        }
        return ["success": true, "count": .int(documents.count), "marked_exported": .int(result.marked), "left_unmarked": .int(result.changed.count),
                "conversations": .array(documents)]
    }

    private static func markExported(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        var ids: [Int64] = []
        if let id = input["conversation_id"] {
            guard let integer = id.integerValue else { throw input.invalid("conversation_id", "must be a whole number") }
            ids.append(Int64(integer))
        }
        for value in try input.optionalArray("conversation_ids") ?? [] {
            guard let integer = value.integerValue else { throw input.invalid("conversation_ids", "must be an array of whole numbers") }
            ids.append(Int64(integer))
        }
        guard !ids.isEmpty else { throw input.invalid("conversation_id", "is required: give conversation_id or conversation_ids") }
        ids = Array(Set(ids)).sorted()
        let marked = try context.withConnection { (connection) throws(ToolHostError) in
            try ConversationWrites(connection: connection, tool: context.tool.id).markExported(ids)
        }
        return ["success": true, "count": .int(marked), "conversation_ids": .array(ids.map { .integer($0) })]
    }
}
