import ToolHostCore
import ToolHostStorage

/// The writes of `conversation_store`, each inside its operation's one transaction
/// (`Operation.write`): a message and the statistics of its conversation change together or
/// not at all. The schema (`conversation_store.yaml`) has checked types, ranges and roles.
struct ConversationWrites {
    let connection: any DatabaseConnection
    let tool: String

    private var dialect: SQLDialect { connection.dialect }

    init(connection: any DatabaseConnection, tool: String) {
        self.connection = connection
        self.tool = tool
    }

    init(_ call: DatabaseCall) {
        self.init(connection: call.connection, tool: call.toolID)
    }

    func startConversation(_ input: OperationInput) throws -> OperationAnswer {
        let startedAt = try input.optionalTimestamp("started_at") ?? Timestamp.now()
        var builder = SQLStatementBuilder(dialect: dialect)
        let values: [(String, SQLValue)] = [
            ("session_id", .text(try input.optionalString("session_id") ?? RandomUUID.make())),
            ("user_id", try input.optionalString("user_id").map(SQLValue.text) ?? .null),
            ("platform", try input.optionalString("platform").map(SQLValue.text) ?? .null),
            ("model_used", try input.optionalString("model_used").map(SQLValue.text) ?? .null),
            ("topics_discussed", input["topics_discussed"].map(SQLValue.json) ?? .null),
            ("is_active", .bool(true)),
            ("training_data_exported", .bool(false)),
            ("total_messages", .integer(0)),
            ("started_at", builder.timestampValue(startedAt)),
        ]
        let placeholders = values.map { builder.bind($0.1) }
        let sql = "INSERT INTO \(builder.table(ConversationSchema.conversations)) (\(values.map { SQLIdentifier.quote($0.0) }.joined(separator: ", "))) "
            + "VALUES (\(placeholders.joined(separator: ", "))) RETURNING id, session_id, started_at"
        let row = try connection.run(sql, builder.values).rows.first ?? [:]
        return .fields(["conversation_id": row["id"] ?? .null, "session_id": row["session_id"] ?? .null, "started_at": row["started_at"] ?? .null])
    }

    /// Ends a conversation; ending it again changes nothing and says so.
    func endConversation(_ input: OperationInput) throws -> OperationAnswer {
        let id = Int64(try input.int("conversation_id"))
        let current = try conversation(id, lock: true)
        if current["is_active"] == false {
            return .fields(["conversation_id": .integer(id), "already_ended": true, "ended_at": current["ended_at"] ?? .null])
        }
        var builder = SQLStatementBuilder(dialect: dialect)
        var assignments = ["is_active = \(builder.bind(.bool(false)))", "ended_at = \(builder.bind(builder.timestampValue(Timestamp.now())))"]
        if let topics = input["topics_discussed"] { assignments.append("topics_discussed = \(builder.bind(.json(topics)))") }
        let sql = "UPDATE \(builder.table(ConversationSchema.conversations)) SET \(assignments.joined(separator: ", ")) "
            + "WHERE id = \(builder.bind(.integer(id))) RETURNING *"
        let row = try connection.run(sql, builder.values).rows.first ?? [:]
        return .fields(["conversation_id": .integer(id), "already_ended": false, "ended_at": row["ended_at"] ?? .null,
                        "conversation": .object(Self.statistics(of: row))])
    }

    /// An assistant message the caller did not score gets `MessageQuality`'s score; an ended
    /// conversation takes it only with `reopen`. Content is required but for an assistant
    /// message that only calls tools (`tool_calls`); a tool message may name the call it
    /// answers (`tool_call_id`).
    func addMessage(_ input: OperationInput) throws -> OperationAnswer {
        var record = input.fields
        let role = try input.string("role")
        if let calls = input["tool_calls"] {
            guard role == "assistant" else { throw input.invalid("tool_calls", "belongs to assistant messages, not to a \(role) message") }
            record["tool_calls"] = try MessageToolCalls.normalise(calls, input: input)
        } else if input["content"] == nil {
            throw input.invalid("content", "is required (a string), but for an assistant message that calls tools (tool_calls)")
        }
        if input["tool_call_id"] != nil, role != "tool" {
            throw input.invalid("tool_call_id", "belongs to tool messages (the call a tool's answer answers), not to a \(role) message")
        }
        if input["role"] == "assistant", input["quality_score"] == nil, let content = try input.optionalString("content"), !content.isEmpty {
            record["quality_score"] = .double(MessageQuality.score(
                content: content, processingTime: try input.optionalNumber("processing_time"),
                emotionConfidence: try input.optionalNumber("emotion_confidence"), memoriesUsed: MessageQuality.memoriesUsed(input["memory_context"])))
        }
        let spec = ConversationRecords.message
        let values = try spec.values(of: OperationInput(record, tool: tool), dialect: dialect, tool: tool)
        let id = Int64(try input.int("conversation_id"))
        let current = try conversation(id, lock: true)
        if current["is_active"] == false {
            guard try input.optionalBool("reopen") == true else {
                throw ToolHostError(.conversationEnded,
                                    "Conversation \(id) has ended; pass \"reopen\": true to add messages to it again.",
                                    details: ["conversation_id": .integer(id), "ended_at": current["ended_at"] ?? .null])
            }
            var builder = SQLStatementBuilder(dialect: dialect)
            _ = try connection.run("UPDATE \(builder.table(ConversationSchema.conversations)) SET is_active = \(builder.bind(.bool(true))), ended_at = NULL "
                + "WHERE id = \(builder.bind(.integer(id)))", builder.values)
        }
        let message = try spec.insert(values, returning: "id, quality_score, created_at", on: connection)
        let statistics = try refreshStatistics(id)
        return .fields(["message_id": message["id"] ?? .null, "conversation_id": .integer(id),
                        "quality_score": message["quality_score"] ?? .null, "created_at": message["created_at"] ?? .null,
                        "reopened": .bool(current["is_active"] == false), "conversation": .object(statistics)])
    }

    func recordFeedback(_ input: OperationInput) throws -> OperationAnswer {
        let messageID = try input.int("message_id")
        let score = try input.int("user_feedback")
        var builder = SQLStatementBuilder(dialect: dialect)
        let sql = "UPDATE \(builder.table(ConversationSchema.messages)) SET user_feedback = \(builder.bind(.integer(Int64(score)))) "
            + "WHERE id = \(builder.bind(.integer(Int64(messageID)))) RETURNING conversation_id"
        guard let row = try connection.run(sql, builder.values).rows.first else {
            throw ToolHostError(.notFound, "No message with id \(messageID).", details: ["message_id": .int(messageID)])
        }
        guard let conversationID = row["conversation_id"]?.integerValue else {
            throw ToolHostError(.invalidInput, "Message \(messageID) belongs to no conversation; nothing was recorded.",
                                details: ["message_id": .int(messageID)])
        }
        // Locked first, so that the statistics are read after any message being added to
        // the same conversation has committed (PostgreSQL reads at the statement's start).
        _ = try conversation(Int64(conversationID), lock: true)
        let statistics = try refreshStatistics(Int64(conversationID))
        return .fields(["message_id": .int(messageID), "user_feedback": .int(score), "conversation_id": .int(conversationID),
                        "conversation": .object(statistics)])
    }

    /// `verified` defaults to false (the schema fills it in).
    func addMemory(_ input: OperationInput) throws -> OperationAnswer {
        let spec = ConversationRecords.memory
        let row = try spec.insert(try spec.values(of: input, dialect: dialect, tool: tool), returning: "id, created_at", on: connection)
        return .fields(["memory_id": row["id"] ?? .null, "created_at": row["created_at"] ?? .null])
    }

    /// A log may point at a conversation and a message; both must exist, and agree.
    func logAgent(_ input: OperationInput) throws -> OperationAnswer {
        let spec = ConversationRecords.agentLog
        let values = try spec.values(of: input, dialect: dialect, tool: tool)
        let conversationID = try input.optionalInt("conversation_id")
        if let conversationID { _ = try conversation(Int64(conversationID), lock: false) }
        if let id = try input.optionalInt("message_id") {
            var builder = SQLStatementBuilder(dialect: dialect)
            let found = try connection.run("SELECT conversation_id FROM \(builder.table(ConversationSchema.messages)) WHERE id = \(builder.bind(.integer(Int64(id))))",
                                           builder.values).rows
            guard let message = found.first else { throw ToolHostError(.notFound, "No message with id \(id).", details: ["message_id": .int(id)]) }
            if let conversationID, message["conversation_id"]?.integerValue != conversationID {
                throw ToolHostError(.invalidInput, "Message \(id) belongs to conversation \(message["conversation_id"]?.description ?? "none"), "
                                    + "not to conversation \(conversationID); nothing was logged.",
                                    details: ["message_id": .int(id), "conversation_id": .int(conversationID)])
            }
        }
        let row = try spec.insert(values, returning: "id, created_at", on: connection)
        return .fields(["log_id": row["id"] ?? .null, "created_at": row["created_at"] ?? .null])
    }

    /// Marks conversations as exported for training; every id must exist, or nothing changes
    /// (the operation's transaction is rolled back).
    func markExported(_ ids: [Int64]) throws -> Int {
        let result = try mark(ids.map { ($0, nil) })
        guard result.unmatched.isEmpty else {
            throw ToolHostError(.notFound, "No conversation with id \(result.unmatched.map(String.init).joined(separator: ", ")); none was marked.",
                                details: ["missing": .array(result.unmatched.map { .integer($0) })])
        }
        return result.marked
    }

    /// An export's own marking: each conversation is marked only if its `total_messages` is
    /// still what the export read — one that took a message since is left unmarked (that
    /// message was not exported) and returned in `changed`. It runs in a transaction of its
    /// own: exports mark after their read, on a connection outside any transaction.
    func markExported(unchanged exported: [(id: Int64, totalMessages: JSONValue)]) throws(DatabaseError) -> (marked: Int, changed: [Int64]) {
        guard !exported.isEmpty else { return (0, []) }
        return try connection.transaction { () throws(DatabaseError) -> (marked: Int, changed: [Int64]) in
            let result = try mark(exported.map { ($0.id, $0.totalMessages) })
            return (result.marked, result.unmatched)
        }
    }

    /// Sets training_data_exported, 1,000 conversations a statement. `expected` nil: the id
    /// only has to exist; otherwise total_messages must still equal it. `unmatched`: the ids
    /// not marked.
    private func mark(_ conversations: [(id: Int64, expected: JSONValue?)]) throws(DatabaseError) -> (marked: Int, unmatched: [Int64]) {
        let same = dialect == .postgres ? "IS NOT DISTINCT FROM" : "IS"
        var marked = 0
        var unmatched: [Int64] = []
        for start in stride(from: 0, to: conversations.count, by: 1000) {
            let chunk = conversations[start..<min(start + 1000, conversations.count)]
            var builder = SQLStatementBuilder(dialect: dialect)
            let matches = chunk.map { conversation -> String in
                let id = "id = \(builder.bind(.integer(conversation.id)))"
                guard let expected = conversation.expected else { return id }
                let total: SQLValue = expected.integerValue.map { .integer(Int64($0)) } ?? .null
                return "(\(id) AND total_messages \(same) \(builder.bind(total)))"
            }
            let sql = "UPDATE \(builder.table(ConversationSchema.conversations)) SET training_data_exported = \(builder.bind(.bool(true))) "
                + "WHERE \(matches.joined(separator: " OR ")) RETURNING id"
            let found = Set(try connection.run(sql, builder.values).rows.compactMap { $0["id"]?.integerValue.map(Int64.init) })
            unmatched += chunk.map(\.id).filter { !found.contains($0) }
            marked += found.count
        }
        return (marked, unmatched)
    }

    // MARK: Shared steps

    /// Recomputes the conversation's statistics from its messages (`ConversationSchema.statistics`)
    /// in the caller's transaction: always exact, and cheap with the (conversation_id, id) index.
    func refreshStatistics(_ id: Int64) throws(DatabaseError) -> JSONObject {
        var builder = SQLStatementBuilder(dialect: dialect)
        let conversationID = builder.bind(.integer(id))
        let columns = ConversationSchema.statisticsColumns.joined(separator: ", ")
        let sql = """
            UPDATE \(builder.table(ConversationSchema.conversations)) SET (\(columns)) = (
              \(ConversationSchema.statistics(of: conversationID, messagesTable: builder.table(ConversationSchema.messages))))
            WHERE id = \(conversationID)
            RETURNING \(columns)
            """
        return Self.statistics(of: try connection.run(sql, builder.values).rows.first ?? [:])
    }

    static func statistics(of row: JSONObject) -> JSONObject {
        var statistics = JSONObject()
        for column in ConversationSchema.statisticsColumns { statistics[column] = row[column] ?? .null }
        return statistics
    }

    /// The conversation's row (locked for the transaction on PostgreSQL), or not_found.
    func conversation(_ id: Int64, lock: Bool) throws -> JSONObject {
        var builder = SQLStatementBuilder(dialect: dialect)
        let sql = "SELECT id, is_active, ended_at FROM \(builder.table(ConversationSchema.conversations)) WHERE id = \(builder.bind(.integer(id)))"
            + (lock && dialect == .postgres ? " FOR UPDATE" : "")
        guard let row = try connection.run(sql, builder.values).rows.first else {
            throw ToolHostError(.notFound, "No conversation with id \(id).", details: ["conversation_id": .integer(id)])
        }
        return row
    }
}
