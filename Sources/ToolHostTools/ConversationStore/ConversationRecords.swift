import ToolHostCore
import ToolHostStorage

/// The fields each conversation-store record takes. Their ranges (scores 0 to 1, feedback 1
/// to 5) and the roles a message may have are in the schema (`conversation_store.yaml`),
/// which has checked them before an operation runs.
enum ConversationRecords {
    static let message = RecordSpec(
        table: ConversationSchema.messages,
        required: ["conversation_id", "role"],
        optional: ["content", "emotion", "emotion_confidence", "processing_time", "context_embedding", "agent_outputs", "memory_context",
                   "user_feedback", "quality_score", "training_flag", "voice_pitch", "voice_emotion", "audio_quality", "tool_calls", "tool_call_id"],
        json: ["context_embedding", "agent_outputs", "memory_context", "tool_calls"],
        numbers: ["conversation_id", "emotion_confidence", "processing_time", "user_feedback", "quality_score", "voice_pitch", "audio_quality"],
        booleans: ["training_flag"])

    static let memory = RecordSpec(
        table: ConversationSchema.memories,
        required: ["user_id", "tier", "content"],
        optional: ["importance", "context", "tags", "emotion_at_creation", "related_memories", "training_relevance", "verified"],
        json: ["tags", "related_memories"],
        numbers: ["importance", "training_relevance"],
        booleans: ["verified"])

    static let agentLog = RecordSpec(
        table: ConversationSchema.agentLogs,
        required: ["agent_name", "action"],
        optional: ["output", "conversation_id", "message_id", "confidence_score", "accuracy_score", "training_quality"],
        json: ["output"],
        numbers: ["conversation_id", "message_id", "confidence_score", "accuracy_score", "training_quality"])
}

extension ErrorCode {
    /// A message was sent to a conversation that has ended (pass `reopen: true` to continue it).
    public static let conversationEnded = ErrorCode("conversation_ended")
}
