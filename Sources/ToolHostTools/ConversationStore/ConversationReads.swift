import ToolHostCore
import ToolHostStorage

/// The reads of `conversation_store` that are not exports: memory recall and the training
/// statistics.
struct ConversationReads {
    let connection: any DatabaseConnection

    /// At most `limit` memories (5) of a user, at most `perTier` (2) from each tier, the most
    /// important first and then the newest; what is returned counts as accessed (one UPDATE,
    /// in the caller's transaction with the read).
    func recallMemories(user: String, tiers: [String]?, limit: Int, perTier: Int) throws(DatabaseError) -> [JSONValue] {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let table = builder.table(ConversationSchema.memories)
        var conditions = ["user_id = \(builder.bind(.text(user)))"]
        if let tiers { conditions.append(tiers.isEmpty ? "1 = 0" : "tier IN (\(tiers.map { builder.bind(.text($0)) }.joined(separator: ", ")))") }
        let order = "importance DESC NULLS LAST, created_at DESC, id DESC"
        let sql = """
            SELECT * FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY tier ORDER BY \(order)) AS tier_rank
              FROM \(table) WHERE \(conditions.joined(separator: " AND "))) AS ranked
            WHERE tier_rank <= \(builder.bind(.integer(Int64(perTier))))
            ORDER BY \(order) LIMIT \(builder.bind(.integer(Int64(limit))))
            """
        var rows = try connection.run(sql, builder.values).rows
        guard !rows.isEmpty else { return [] }
        var update = SQLStatementBuilder(dialect: connection.dialect)
        let now = update.bind(update.timestampValue(Timestamp.now()))
        let ids = rows.compactMap { $0["id"]?.integerValue }.map { update.bind(.integer(Int64($0))) }
        let touched = try connection.run("""
            UPDATE \(table) SET access_count = COALESCE(access_count, 0) + 1, last_accessed = \(now)
            WHERE id IN (\(ids.joined(separator: ", "))) RETURNING id, access_count, last_accessed
            """, update.values).rows
        let byID = Dictionary(touched.compactMap { row in row["id"]?.integerValue.map { ($0, row) } }, uniquingKeysWith: { first, _ in first })
        for index in rows.indices {
            rows[index]["tier_rank"] = nil
            guard let id = rows[index]["id"]?.integerValue, let fresh = byID[id] else { continue }
            rows[index]["access_count"] = fresh["access_count"] ?? .null
            rows[index]["last_accessed"] = fresh["last_accessed"] ?? .null
        }
        return rows.map { .object($0) }
    }

    /// Counts, exported versus not, the distribution of message quality and the share of
    /// messages that carry voice data.
    func trainingStats() throws(DatabaseError) -> OperationAnswer {
        let builder = SQLStatementBuilder(dialect: connection.dialect)
        let conversations = builder.table(ConversationSchema.conversations)
        let messages = builder.table(ConversationSchema.messages)
        let conversationRow = try one("""
            SELECT count(*) AS total,
                   count(CASE WHEN is_active IS NOT FALSE THEN 1 END) AS active,
                   count(CASE WHEN training_data_exported IS TRUE THEN 1 END) AS exported,
                   avg(conversation_quality) AS average_quality
            FROM \(conversations)
            """)
        let messageRow = try one("""
            SELECT count(*) AS total,
                   count(CASE WHEN training_flag IS NOT FALSE THEN 1 END) AS training_flagged,
                   count(CASE WHEN voice_pitch IS NOT NULL OR voice_emotion IS NOT NULL OR audio_quality IS NOT NULL THEN 1 END) AS voice,
                   count(user_feedback) AS with_feedback,
                   count(CASE WHEN quality_score IS NULL THEN 1 END) AS unscored,
                   count(CASE WHEN quality_score < 0.2 THEN 1 END) AS q0,
                   count(CASE WHEN quality_score >= 0.2 AND quality_score < 0.4 THEN 1 END) AS q1,
                   count(CASE WHEN quality_score >= 0.4 AND quality_score < 0.6 THEN 1 END) AS q2,
                   count(CASE WHEN quality_score >= 0.6 AND quality_score < 0.8 THEN 1 END) AS q3,
                   count(CASE WHEN quality_score >= 0.8 THEN 1 END) AS q4
            FROM \(messages)
            """)
        let roles = try connection.run("SELECT role, count(*) AS n FROM \(messages) GROUP BY role ORDER BY role").rows
        let memories = try one("SELECT count(*) AS total FROM \(builder.table(ConversationSchema.memories))")
        let logs = try one("SELECT count(*) AS total FROM \(builder.table(ConversationSchema.agentLogs))")

        func count(_ row: JSONObject, _ key: String) -> Int { row[key]?.integerValue ?? 0 }
        let totalConversations = count(conversationRow, "total")
        let exported = count(conversationRow, "exported")
        let totalMessages = count(messageRow, "total")
        let voice = count(messageRow, "voice")
        var byRole = JSONObject()
        for row in roles { byRole[row["role"]?.stringValue ?? "(none)"] = .int(row["n"]?.integerValue ?? 0) }
        let buckets = ["0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"]
        var distribution = JSONObject()
        for (index, bucket) in buckets.enumerated() { distribution[bucket] = .int(count(messageRow, "q\(index)")) }
        distribution["unscored"] = .int(count(messageRow, "unscored"))
        return .fields([
            "conversations": ["total": .int(totalConversations), "active": .int(count(conversationRow, "active")),
                              "exported": .int(exported), "not_exported": .int(totalConversations - exported),
                              "average_quality": conversationRow["average_quality"] ?? .null],
            "messages": ["total": .int(totalMessages), "training_flagged": .int(count(messageRow, "training_flagged")),
                         "with_feedback": .int(count(messageRow, "with_feedback")), "by_role": .object(byRole)],
            "quality_distribution": .object(distribution),
            "voice": ["messages": .int(voice), "share": .double(totalMessages == 0 ? 0 : (Double(voice) / Double(totalMessages) * 10_000).rounded() / 10_000)],
            "memories": .int(count(memories, "total")),
            "agent_logs": .int(count(logs, "total")),
        ])
    }

    private func one(_ sql: String) throws(DatabaseError) -> JSONObject {
        try connection.run(sql).rows.first ?? [:]
    }
}
