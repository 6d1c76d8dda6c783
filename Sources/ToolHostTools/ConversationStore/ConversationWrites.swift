import ToolHostCore
import ToolHostStorage

/// The writes of `conversation_store`, each one transaction: a message and the statistics of
/// its conversation change together or not at all.
struct ConversationWrites {
    let connection: any DatabaseConnection
    let tool: String

    private var dialect: SQLDialect { connection.dialect }

    func startConversation(_ input: OperationInput) throws(ToolHostError) -> JSONObject {
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
        let row = try withDatabaseErrors { () throws(DatabaseError) in try connection.run(sql, builder.values).rows.first ?? [:] }
        return ["success": true, "conversation_id": row["id"] ?? .null, "session_id": row["session_id"] ?? .null,
                "started_at": row["started_at"] ?? .null]
    }

    /// Ends a conversation; ending it again changes nothing and says so.
    func endConversation(_ input: OperationInput) throws(ToolHostError) -> JSONObject {
        let id = try conversationID(input)
        return try connection.transaction { () throws(ToolHostError) -> JSONObject in
            let current = try conversation(id, lock: true)
            if current["is_active"] == false {
                return ["success": true, "conversation_id": .integer(id), "already_ended": true, "ended_at": current["ended_at"] ?? .null]
            }
            var builder = SQLStatementBuilder(dialect: dialect)
            var assignments = ["is_active = \(builder.bind(.bool(false)))", "ended_at = \(builder.bind(builder.timestampValue(Timestamp.now())))"]
            if let topics = input["topics_discussed"] { assignments.append("topics_discussed = \(builder.bind(.json(topics)))") }
            let sql = "UPDATE \(builder.table(ConversationSchema.conversations)) SET \(assignments.joined(separator: ", ")) "
                + "WHERE id = \(builder.bind(.integer(id))) RETURNING *"
            let row = try connection.rows(sql, builder.values).first ?? [:]
            return ["success": true, "conversation_id": .integer(id), "already_ended": false, "ended_at": row["ended_at"] ?? .null,
                    "conversation": .object(Self.statistics(of: row))]
        }
    }

    func addMessage(_ input: OperationInput) throws(ToolHostError) -> JSONObject {
        var record = input.fields
        record["operation"] = nil
        record["reopen"] = nil
        if record["training_flag"] == nil || record["training_flag"] == .null { record["training_flag"] = true }
        if record["role"] == "assistant", record["quality_score"] == nil || record["quality_score"] == .null,
           case .string(let content)? = record["content"] {
            // Only computed from inputs that passed their checks (ranges are checked below).
            let confidence = record["emotion_confidence"]?.numberValue.flatMap { (0...1).contains($0) ? $0 : nil }
            record["quality_score"] = .double(MessageQuality.score(
                content: content, processingTime: record["processing_time"]?.numberValue,
                emotionConfidence: confidence, memoriesUsed: MessageQuality.memoriesUsed(record["memory_context"])))
        }
        let values = try ConversationRecords.values(ConversationRecords.message, of: record, dialect: dialect, tool: tool)
        let id = try conversationID(input)
        let reopen = try input.optionalBool("reopen") ?? false
        return try connection.transaction { () throws(ToolHostError) -> JSONObject in
            let current = try conversation(id, lock: true)
            if current["is_active"] == false {
                guard reopen else {
                    throw ToolHostError(.conversationEnded,
                                        "Conversation \(id) has ended; pass \"reopen\": true to add messages to it again.",
                                        details: ["conversation_id": .integer(id), "ended_at": current["ended_at"] ?? .null])
                }
                var builder = SQLStatementBuilder(dialect: dialect)
                _ = try connection.rows("UPDATE \(builder.table(ConversationSchema.conversations)) SET is_active = \(builder.bind(.bool(true))), ended_at = NULL "
                    + "WHERE id = \(builder.bind(.integer(id)))", builder.values)
            }
            let message = try insert(ConversationRecords.message, values, returning: "id, quality_score, created_at")
            let statistics = try refreshStatistics(id)
            return ["success": true, "message_id": message["id"] ?? .null, "conversation_id": .integer(id),
                    "quality_score": message["quality_score"] ?? .null, "created_at": message["created_at"] ?? .null,
                    "reopened": .bool(current["is_active"] == false), "conversation": .object(statistics)]
        }
    }

    func recordFeedback(_ input: OperationInput) throws(ToolHostError) -> JSONObject {
        guard let messageID = try input.optionalInt("message_id") else { throw input.invalid("message_id", "is required (a whole number)") }
        guard let feedback = input["user_feedback"] else { throw input.invalid("user_feedback", "is required (1 to 5)") }
        let violations = ConversationRecords.ruleViolations(["user_feedback": feedback])
        guard violations.isEmpty, let score = feedback.integerValue else {
            throw ToolHostError.invalidInput(violations.isEmpty ? [Violation(path: "/user_feedback", message: "must be 1, 2, 3, 4 or 5")] : violations,
                                             tool: tool)
        }
        return try connection.transaction { () throws(ToolHostError) -> JSONObject in
            var builder = SQLStatementBuilder(dialect: dialect)
            let sql = "UPDATE \(builder.table(ConversationSchema.messages)) SET user_feedback = \(builder.bind(.integer(Int64(score)))) "
                + "WHERE id = \(builder.bind(.integer(Int64(messageID)))) RETURNING conversation_id"
            guard let row = try connection.rows(sql, builder.values).first else {
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
            return ["success": true, "message_id": .int(messageID), "user_feedback": .int(score), "conversation_id": .int(conversationID),
                    "conversation": .object(statistics)]
        }
    }

    func addMemory(_ input: OperationInput) throws(ToolHostError) -> JSONObject {
        var record = input.fields
        if record["verified"] == nil || record["verified"] == .null { record["verified"] = false }
        let values = try ConversationRecords.values(ConversationRecords.memory, of: record, dialect: dialect, tool: tool)
        let row = try connection.transaction { () throws(ToolHostError) -> JSONObject in
            try insert(ConversationRecords.memory, values, returning: "id, created_at")
        }
        return ["success": true, "memory_id": row["id"] ?? .null, "created_at": row["created_at"] ?? .null]
    }

    /// A log may point at a conversation and a message; both must exist.
    func logAgent(_ input: OperationInput) throws(ToolHostError) -> JSONObject {
        let values = try ConversationRecords.values(ConversationRecords.agentLog, of: input.fields, dialect: dialect, tool: tool)
        let row = try connection.transaction { () throws(ToolHostError) -> JSONObject in
            if let id = try input.optionalInt("conversation_id") { _ = try conversation(Int64(id), lock: false) }
            if let id = try input.optionalInt("message_id") {
                var builder = SQLStatementBuilder(dialect: dialect)
                let found = try connection.rows("SELECT conversation_id FROM \(builder.table(ConversationSchema.messages)) WHERE id = \(builder.bind(.integer(Int64(id))))",
                                    builder.values)
                guard let message = found.first else { throw ToolHostError(.notFound, "No message with id \(id).", details: ["message_id": .int(id)]) }
                if let conversationID = try input.optionalInt("conversation_id"), message["conversation_id"]?.integerValue != conversationID {
                    throw ToolHostError(.invalidInput, "Message \(id) belongs to conversation \(message["conversation_id"]?.description ?? "none"), "
                                        + "not to conversation \(conversationID); nothing was logged.",
                                        details: ["message_id": .int(id), "conversation_id": .int(conversationID)])
                }
            }
            return try insert(ConversationRecords.agentLog, values, returning: "id, created_at")
        }
        return ["success": true, "log_id": row["id"] ?? .null, "created_at": row["created_at"] ?? .null]
    }

    /// Marks conversations as exported for training; every id must exist, or nothing changes.
    func markExported(_ ids: [Int64]) throws(ToolHostError) -> Int {
        try mark(ids.map { ($0, nil) }).marked
    }

    /// An export's own marking: each conversation is marked only if its `total_messages` is
    /// still what the export read — one that took a message since is left unmarked (that
    /// message was not exported) and returned in `changed`.
    func markExported(unchanged exported: [(id: Int64, totalMessages: JSONValue)]) throws(ToolHostError) -> (marked: Int, changed: [Int64]) {
        try mark(exported.map { ($0.id, $0.totalMessages) })
    }

    /// `expected` nil: the id must exist; otherwise total_messages must still equal it.
    private func mark(_ conversations: [(id: Int64, expected: JSONValue?)]) throws(ToolHostError) -> (marked: Int, changed: [Int64]) {
        guard !conversations.isEmpty else { return (0, []) }
        let same = dialect == .postgres ? "IS NOT DISTINCT FROM" : "IS"
        return try connection.transaction { () throws(ToolHostError) -> (marked: Int, changed: [Int64]) in
            var marked = 0
            var changed: [Int64] = []
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
                let found = Set(try connection.rows(sql, builder.values).compactMap { $0["id"]?.integerValue.map(Int64.init) })
                let unmatched = chunk.map(\.id).filter { !found.contains($0) }
                if chunk.first?.expected == nil, !unmatched.isEmpty {
                    throw ToolHostError(.notFound, "No conversation with id \(unmatched.map(String.init).joined(separator: ", ")); none was marked.",
                                        details: ["missing": .array(unmatched.map { .integer($0) })])
                }
                changed += unmatched
                marked += found.count
            }
            return (marked, changed)
        }
    }

    // MARK: Shared steps

    /// Recomputes the conversation's statistics from its messages (`ConversationSchema.statistics`)
    /// in the caller's transaction: always exact, and cheap with the (conversation_id, id) index.
    func refreshStatistics(_ id: Int64) throws(ToolHostError) -> JSONObject {
        var builder = SQLStatementBuilder(dialect: dialect)
        let conversationID = builder.bind(.integer(id))
        let columns = ConversationSchema.statisticsColumns.joined(separator: ", ")
        let sql = """
            UPDATE \(builder.table(ConversationSchema.conversations)) SET (\(columns)) = (
              \(ConversationSchema.statistics(of: conversationID, messagesTable: builder.table(ConversationSchema.messages))))
            WHERE id = \(conversationID)
            RETURNING \(columns)
            """
        return Self.statistics(of: try connection.rows(sql, builder.values).first ?? [:])
    }

    static func statistics(of row: JSONObject) -> JSONObject {
        var statistics = JSONObject()
        for column in ConversationSchema.statisticsColumns { statistics[column] = row[column] ?? .null }
        return statistics
    }

    /// The conversation's row (locked for the transaction on PostgreSQL), or not_found.
    func conversation(_ id: Int64, lock: Bool) throws(ToolHostError) -> JSONObject {
        var builder = SQLStatementBuilder(dialect: dialect)
        let sql = "SELECT id, is_active, ended_at FROM \(builder.table(ConversationSchema.conversations)) WHERE id = \(builder.bind(.integer(id)))"
            + (lock && dialect == .postgres ? " FOR UPDATE" : "")
        guard let row = try connection.rows(sql, builder.values).first else {
            throw ToolHostError(.notFound, "No conversation with id \(id).", details: ["conversation_id": .integer(id)])
        }
        return row
    }

    private func conversationID(_ input: OperationInput) throws(ToolHostError) -> Int64 {
        guard let value = input["conversation_id"] else { throw input.invalid("conversation_id", "is required (a whole number)") }
        guard let id = value.integerValue else { throw input.invalid("conversation_id", "must be a whole number, not \(value.kindPhrase)") }
        return Int64(id)
    }

    private func insert(_ spec: RecordSpec, _ values: [SQLValue], returning: String) throws(ToolHostError) -> JSONObject {
        try withDatabaseErrors { () throws(DatabaseError) in try spec.insert(values, returning: returning, on: connection) }
    }
}
