import ToolHostCore
import ToolHostStorage

/// Which conversations an export takes: by id, or by time, quality and export state.
struct ConversationSelection: Sendable {
    var ids: [Int64]?
    /// At most this many conversations (nil: all).
    var limit: Int?
    /// conversation_quality at least this.
    var minQuality: Double?
    /// Only conversations not yet marked training_data_exported.
    var onlyUnexported = false
    /// started_at at or after / before.
    var since: Timestamp?
    var until: Timestamp?

    /// From an `export_conversations` input, whose bounds (`limit` at least 1, `min_quality`
    /// 0 to 1) the schema has checked.
    static func read(_ input: OperationInput, defaultLimit: Int?) throws(ToolHostError) -> ConversationSelection {
        var selection = ConversationSelection()
        selection.limit = try input.optionalInt("limit") ?? defaultLimit
        selection.minQuality = try input.optionalNumber("min_quality")
        selection.onlyUnexported = try input.optionalBool("only_unexported") ?? false
        selection.since = try input.optionalTimestamp("since")
        selection.until = try input.optionalTimestamp("until")
        return selection
    }
}

/// Reads conversations as training documents —
/// `{conversation_id, session_id, user_id, metadata: {...}, messages, memories, agent_logs}` —
/// oldest first, a page of conversations at a time with one query each for their messages,
/// memories and logs: memory stays flat however many are exported, and PostgreSQL's
/// one-result-at-a-time connections are never asked for two.
///
/// A conversation's memories are those its user created while it was open (from started_at
/// to ended_at, or to now while it is active): what the conversation taught the agent.
struct ConversationDocuments {
    let connection: any DatabaseConnection
    static let pageSize = 500

    private var dialect: SQLDialect { connection.dialect }

    /// How many conversations `selection` takes (for a progress bar).
    func count(_ selection: ConversationSelection) throws(DatabaseError) -> Int {
        var builder = SQLStatementBuilder(dialect: dialect)
        let conditions = self.conditions(selection, builder: &builder)
        let sql = "SELECT count(*) AS n FROM \(builder.table(ConversationSchema.conversations))"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        let total = try connection.run(sql, builder.values).rows.first?["n"]?.integerValue ?? 0
        return selection.limit.map { min($0, total) } ?? total
    }

    /// Calls `body` with each selected conversation, in the order they were stored (id order:
    /// unlike started_at, which older rows may lack, it pages without gaps). With
    /// `encodeMessages`, messages are read as JSON text straight from the driver (an export
    /// that only writes them: the bulk of its bytes) instead of as objects. `body`'s error (a
    /// file export's write) stops the read and comes back as it was; a database failure comes
    /// as `Failure` too, so a file export and an operation each get their own error type.
    func forEach<Failure: DatabaseFailureRepresentable>(_ selection: ConversationSelection, encodeMessages: Bool = false,
                                                        _ body: (ConversationParts) throws(Failure) -> Void) throws(Failure) {
        var remaining = selection.limit ?? Int.max
        var afterID: Int64?
        while remaining > 0 {
            let requested = min(Self.pageSize, remaining)
            let conversations: [ConversationParts]
            do throws(DatabaseError) {
                conversations = try page(selection, afterID: afterID, limit: requested, encodeMessages: encodeMessages)
            } catch {
                throw Failure(databaseFailure: error)
            }
            for conversation in conversations { try body(conversation) }
            guard let last = conversations.last, conversations.count == requested else { return }
            remaining -= conversations.count
            afterID = last.id
        }
    }

    /// One page of conversations with what belongs to them: four queries however many.
    private func page(_ selection: ConversationSelection, afterID: Int64?, limit: Int,
                      encodeMessages: Bool) throws(DatabaseError) -> [ConversationParts] {
        let rows = try conversations(selection, afterID: afterID, limit: limit)
        let ids = rows.compactMap { $0["id"]?.integerValue.map(Int64.init) }
        guard !ids.isEmpty else { return [] }
        let messages = encodeMessages ? [:] : try grouped(ConversationSchema.messages, by: "conversation_id", ids: ids)
        let encoded = encodeMessages ? try encodedMessages(ids) : [:]
        let logs = try grouped(ConversationSchema.agentLogs, by: "conversation_id", ids: ids)
        let memories = try self.memories(for: ids)
        return zip(rows, ids).map { row, id in
            ConversationParts(id: id, row: row, messages: messages[id] ?? [], encodedMessages: encodeMessages ? encoded[id] ?? [] : nil,
                              memories: memories[id] ?? [], agentLogs: logs[id] ?? [])
        }
    }

    private func conversations(_ selection: ConversationSelection, afterID: Int64?, limit: Int) throws(DatabaseError) -> [JSONObject] {
        var builder = SQLStatementBuilder(dialect: dialect)
        var conditions = self.conditions(selection, builder: &builder)
        if let afterID { conditions.append("id > \(builder.bind(.integer(afterID)))") }
        let sql = "SELECT * FROM \(builder.table(ConversationSchema.conversations))"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY id LIMIT \(limit)"
        return try connection.run(sql, builder.values).rows
    }

    private func conditions(_ selection: ConversationSelection, builder: inout SQLStatementBuilder) -> [String] {
        var conditions: [String] = []
        if let ids = selection.ids {
            conditions.append(ids.isEmpty ? "1 = 0" : "id IN (\(ids.map { builder.bind(.integer($0)) }.joined(separator: ", ")))")
        }
        if let quality = selection.minQuality { conditions.append("conversation_quality >= \(builder.bind(.double(quality)))") }
        if selection.onlyUnexported { conditions.append("training_data_exported IS NOT TRUE") }
        if let since = selection.since { conditions.append("started_at >= \(builder.bind(builder.timestampValue(since)))") }
        if let until = selection.until { conditions.append("started_at < \(builder.bind(builder.timestampValue(until)))") }
        return conditions
    }

    /// Rows of `table` whose `column` is one of `ids`, grouped by it, in id order.
    private func grouped(_ table: TableName, by column: String, ids: [Int64]) throws(DatabaseError) -> [Int64: [JSONValue]] {
        var builder = SQLStatementBuilder(dialect: dialect)
        let list = ids.map { builder.bind(.integer($0)) }.joined(separator: ", ")
        let sql = "SELECT * FROM \(builder.table(table)) WHERE \(SQLIdentifier.quote(column)) IN (\(list)) ORDER BY \(SQLIdentifier.quote(column)), id"
        var groups: [Int64: [JSONValue]] = [:]
        for row in try connection.run(sql, builder.values).rows {
            guard let key = row[column]?.integerValue else { continue }
            groups[Int64(key), default: []].append(.object(row))
        }
        return groups
    }

    /// Each conversation's messages as comma-separated JSON objects, in id order.
    private func encodedMessages(_ ids: [Int64]) throws(DatabaseError) -> [Int64: [UInt8]] {
        var builder = SQLStatementBuilder(dialect: dialect)
        let list = ids.map { builder.bind(.integer($0)) }.joined(separator: ", ")
        let sql = "SELECT * FROM \(builder.table(ConversationSchema.messages)) WHERE conversation_id IN (\(list)) ORDER BY conversation_id, id"
        var groups: [Int64: [UInt8]] = [:]
        try connection.forEachRowAsJSON(sql, builder.values) { row in
            guard let key = row.integer(named: "conversation_id") else { return }
            if groups[key]?.isEmpty == false { groups[key]?.append(UInt8(ascii: ",")) }
            row.appendJSON(to: &groups[key, default: []])
        }
        return groups
    }

    /// Each conversation's memories: its user's, created while it was open — matched in SQL,
    /// so that a user's memories from other times are never read.
    private func memories(for ids: [Int64]) throws(DatabaseError) -> [Int64: [JSONValue]] {
        var builder = SQLStatementBuilder(dialect: dialect)
        let list = ids.map { builder.bind(.integer($0)) }.joined(separator: ", ")
        let now = builder.bind(builder.timestampValue(Timestamp.now()))
        let sql = """
            SELECT c.id AS toolhost_conversation, m.* FROM \(builder.table(ConversationSchema.conversations)) c
            JOIN \(builder.table(ConversationSchema.memories)) m ON m.user_id = c.user_id
              AND m.created_at >= c.started_at AND m.created_at <= coalesce(c.ended_at, \(now))
            WHERE c.id IN (\(list)) ORDER BY c.id, m.created_at, m.id
            """
        var groups: [Int64: [JSONValue]] = [:]
        for var row in try connection.run(sql, builder.values).rows {
            guard let id = row["toolhost_conversation"]?.integerValue else { continue }
            row["toolhost_conversation"] = nil
            groups[Int64(id), default: []].append(.object(row))
        }
        return groups
    }
}

/// One conversation as an export reads it: its row and what belongs to it. Its training
/// document is `{conversation_id, session_id, user_id, metadata: {...}, messages, memories,
/// agent_logs}`; the fields are listed once (`fields`), for the object and for the bytes.
struct ConversationParts {
    let id: Int64
    let row: JSONObject
    /// The messages as objects, unless they were read as JSON text (`encodedMessages`).
    let messages: [JSONValue]
    /// The messages as comma-separated JSON objects, when read that way.
    let encodedMessages: [UInt8]?
    let memories: [JSONValue]
    let agentLogs: [JSONValue]

    /// The conversation row's fields that go under `metadata`.
    static let metadataFields = ["model_used", "platform", "started_at", "ended_at", "is_active", "total_messages", "avg_response_time",
                                 "avg_emotion_score", "conversation_quality", "user_satisfaction", "topics_discussed", "training_data_exported"]

    /// The document's fields in order; `messages` stands for wherever the messages go.
    private func fields(messages: JSONValue) -> [(String, JSONValue)] {
        var metadata = JSONObject()
        for field in Self.metadataFields { metadata[field] = row[field] ?? .null }
        return [("conversation_id", row["id"] ?? .null), ("session_id", row["session_id"] ?? .null), ("user_id", row["user_id"] ?? .null),
                ("metadata", .object(metadata)), ("messages", messages), ("memories", .array(memories)), ("agent_logs", .array(agentLogs))]
    }

    /// The document as an object (messages read as objects).
    var document: JSONObject {
        var document = JSONObject()
        for (key, value) in fields(messages: .array(messages)) { document.appendNew(key, value) }
        return document
    }

    /// The document's compact JSON, the same as `JSONWriter` makes of `document`.
    func appendJSON(to bytes: inout [UInt8]) {
        guard let encodedMessages else { return JSONWriter.append(.object(document), to: &bytes) }
        bytes.append(UInt8(ascii: "{"))
        for (index, (key, value)) in fields(messages: .null).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.append(.string(key), to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            if key == "messages" {
                bytes.append(UInt8(ascii: "["))
                bytes.append(contentsOf: encodedMessages)
                bytes.append(UInt8(ascii: "]"))
            } else {
                JSONWriter.append(value, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
