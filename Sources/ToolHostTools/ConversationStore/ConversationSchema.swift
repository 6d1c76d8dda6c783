import ToolHostCore
import ToolHostStorage

/// Conversation training data: conversations, their messages, the user's memories and the
/// agents' logs, stored with what training a conversational model later needs (scores,
/// feedback, voice features). The tables keep the names an older deployment already uses;
/// the migration adds the new columns to them (all nullable) and keeps every row.
public enum ConversationSchema {
    public static let conversations = TableName("conversations")
    public static let messages = TableName("messages")
    public static let memories = TableName("memories")
    public static let agentLogs = TableName("agent_logs")

    typealias Column = TableSpec.Column
    typealias Index = TableSpec.Index

    static let tables: [TableSpec] = [
        TableSpec(conversations, columns: [
            Column("id", .id),
            Column("session_id", .string(255)),
            Column("user_id", .string(255)),
            Column("platform", .string(50)),
            Column("model_used", .string(100)),
            Column("is_active", .boolean, defaultSQL: "TRUE"),
            Column("started_at", .timestamp, defaultNow: true),
            Column("ended_at", .timestamp),
            Column("total_messages", .integer),
            Column("avg_response_time", .double),
            Column("avg_emotion_score", .double),
            Column("conversation_quality", .double),
            Column("user_satisfaction", .double),
            Column("topics_discussed", .json),
            Column("training_data_exported", .boolean, defaultSQL: "FALSE"),
        ], indexes: [
            Index("idx_conversations_platform", "platform"),
            Index("idx_conversations_is_active", "is_active"),
            Index("idx_conversations_started_at", "started_at, id"),
            Index("idx_conversations_user", "user_id, started_at"),
            Index("idx_conversations_session", "session_id"),
        ]),
        TableSpec(messages, columns: [
            Column("id", .id),
            Column("conversation_id", .bigint, notNull: true),
            Column("role", .string(20), notNull: true),
            Column("content", .text),
            Column("emotion", .string(50)),
            Column("emotion_confidence", .double),
            Column("processing_time", .double),
            Column("created_at", .timestamp, defaultNow: true),
            Column("context_embedding", .json),
            Column("agent_outputs", .json),
            Column("memory_context", .json),
            Column("user_feedback", .integer),
            Column("quality_score", .double),
            Column("training_flag", .boolean, defaultSQL: "TRUE"),
            Column("voice_pitch", .double),
            Column("voice_emotion", .string(50)),
            Column("audio_quality", .double),
        ], indexes: [
            // (conversation_id, id): a conversation's messages in order, and its statistics.
            Index("idx_messages_conversation_id", "conversation_id, id"),
            Index("idx_messages_emotion", "emotion"),
            Index("idx_messages_role", "role"),
        ]),
        TableSpec(memories, columns: [
            Column("id", .id),
            Column("user_id", .string(255)),
            Column("tier", .string(50)),
            Column("content", .text),
            Column("importance", .double),
            Column("context", .text),
            Column("tags", .json),
            Column("emotion_at_creation", .string(50)),
            Column("related_memories", .json),
            Column("access_count", .integer, defaultSQL: "0"),
            Column("last_accessed", .timestamp),
            Column("training_relevance", .double),
            Column("verified", .boolean, defaultSQL: "FALSE"),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_memories_tier", "tier"),
            Index("idx_memories_importance", "importance"),
            Index("idx_memories_access_count", "access_count"),
            // recall_memories: a user's memories per tier, most important and newest first.
            Index("idx_memories_recall", "user_id, tier, importance DESC, created_at DESC"),
            Index("idx_memories_user_created", "user_id, created_at"),
        ]),
        TableSpec(agentLogs, columns: [
            Column("id", .id),
            Column("agent_name", .string(100)),
            Column("action", .string(255)),
            Column("output", .json),
            Column("conversation_id", .bigint),
            Column("message_id", .bigint),
            Column("confidence_score", .double),
            Column("accuracy_score", .double),
            Column("training_quality", .double),
            Column("created_at", .timestamp, defaultNow: true),
        ], indexes: [
            Index("idx_agent_logs_conversation_id", "conversation_id, id"),
            Index("idx_agent_logs_agent_name", "agent_name, created_at"),
        ]),
    ]

    /// What migration 9 adds to `messages`, so that tool-calling examples can be exported: an
    /// assistant message's `tool_calls` (OpenAI's `[{id, type, function: {name, arguments}}]`)
    /// and a tool message's `tool_call_id`, the call it answers. Not in `tables`: migration 3
    /// renders those as it shipped.
    static let toolCallColumns = TableSpec(messages, columns: [Column("tool_calls", .json), Column("tool_call_id", .string(255))])

    /// Migration 9: `toolCallColumns`, written out per dialect (never built from a live spec,
    /// so the migration cannot change); a column already there is left as it is.
    static func addToolCallColumns(on connection: any DatabaseConnection) throws(DatabaseError) {
        switch connection.dialect {
        case .postgres:
            try connection.executeScript("""
                ALTER TABLE "messages" ADD COLUMN IF NOT EXISTS "tool_calls" JSONB;
                ALTER TABLE "messages" ADD COLUMN IF NOT EXISTS "tool_call_id" VARCHAR(255)
                """)
        case .sqlite:
            let existing = Set(try connection.columns(of: messages).map(\.name))
            if !existing.contains("tool_calls") { try connection.executeScript(#"ALTER TABLE "messages" ADD COLUMN "tool_calls" JSON"#) }
            if !existing.contains("tool_call_id") { try connection.executeScript(#"ALTER TABLE "messages" ADD COLUMN "tool_call_id" TEXT"#) }
        }
    }

    /// The columns `statistics(of:)` computes, in its order.
    public static let statisticsColumns = ["total_messages", "avg_response_time", "avg_emotion_score", "conversation_quality", "user_satisfaction"]

    /// The statistics of the conversation whose id is the SQL expression `conversation`, from
    /// its messages: total_messages; avg_response_time and conversation_quality over assistant
    /// messages (processing_time, quality_score); avg_emotion_score over emotion_confidence;
    /// user_satisfaction, the mean user_feedback (1–5). One subquery, for an UPDATE's SET.
    public static func statistics(of conversation: String, messagesTable: String) -> String {
        """
        SELECT count(*),
               avg(CASE WHEN role = 'assistant' THEN processing_time END),
               avg(emotion_confidence),
               avg(CASE WHEN role = 'assistant' THEN quality_score END),
               avg(user_feedback)
        FROM \(messagesTable) WHERE conversation_id = \(conversation)
        """
    }

    /// Creates the tables, or upgrades an older deployment's: safe to run any number of times.
    /// Adopted timestamps get ToolHost's spelling on SQLite (`TimestampNormalizer`); adopted
    /// conversations (the ones without statistics yet) get their statistics from their
    /// messages, and those with an end time are marked inactive.
    public static func create(on connection: any DatabaseConnection) throws(DatabaseError) {
        for table in tables {
            try table.create(on: connection)
            try TimestampNormalizer.normalize(table.table, columns: table.columns.filter { $0.type == .timestamp }.map(\.name), on: connection)
        }
        let builder = SQLStatementBuilder(dialect: connection.dialect)
        let conversations = builder.table(Self.conversations)
        try connection.executeScript("""
            UPDATE \(conversations) SET is_active = FALSE WHERE total_messages IS NULL AND ended_at IS NOT NULL;
            UPDATE \(conversations) SET (\(statisticsColumns.joined(separator: ", "))) = (
              \(statistics(of: "\(conversations).id", messagesTable: builder.table(messages)))
            ) WHERE total_messages IS NULL
            """)
    }
}
