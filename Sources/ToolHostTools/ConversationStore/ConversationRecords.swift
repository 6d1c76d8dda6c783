import ToolHostCore
import ToolHostStorage

/// The fields each conversation-store record takes, and the rules beyond their types: the
/// ranges of scores and feedback, the roles a message may have. Every write checks its whole
/// record before touching the database, so bad input never leaves half a write.
enum ConversationRecords {
    static let roles = ["system", "user", "assistant", "tool"]

    static let message = RecordSpec(
        table: ConversationSchema.messages,
        required: ["conversation_id", "role", "content"],
        optional: ["emotion", "emotion_confidence", "processing_time", "context_embedding", "agent_outputs", "memory_context",
                   "user_feedback", "quality_score", "training_flag", "voice_pitch", "voice_emotion", "audio_quality"],
        json: ["context_embedding", "agent_outputs", "memory_context"],
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

    /// Scores that are fractions: 0 to 1 inclusive.
    static let unitInterval: Set<String> = ["emotion_confidence", "quality_score", "audio_quality", "training_relevance",
                                            "confidence_score", "accuracy_score", "training_quality"]
    /// Ids of other records: whole numbers.
    static let wholeNumbers: Set<String> = ["conversation_id", "message_id", "user_feedback"]

    /// Violations of the rules the types alone do not express, for `record` at `path`.
    static func ruleViolations(_ record: JSONObject, path: String = "") -> [Violation] {
        var violations: [Violation] = []
        for (name, value) in record {
            guard let number = value.numberValue else { continue }
            if wholeNumbers.contains(name), value.integerValue == nil {
                violations.append(Violation(path: "\(path)/\(name)", message: "must be a whole number, not \(number)"))
            } else if unitInterval.contains(name), !(0...1).contains(number) {
                violations.append(Violation(path: "\(path)/\(name)", message: "must be between 0 and 1, not \(number)"))
            } else if name == "user_feedback", !(1...5).contains(number) {
                violations.append(Violation(path: "\(path)/\(name)", message: "must be 1, 2, 3, 4 or 5, not \(number)"))
            } else if name == "processing_time", number < 0 {
                violations.append(Violation(path: "\(path)/\(name)", message: "must not be negative (seconds), not \(number)"))
            } else if name == "voice_pitch", number <= 0 {
                violations.append(Violation(path: "\(path)/\(name)", message: "must be a positive frequency in Hz, not \(number)"))
            }
        }
        if case .string(let role)? = record["role"], !roles.contains(role) {
            violations.append(Violation(path: "\(path)/role", message: "must be one of \(roles.joined(separator: ", ")), not \"\(role)\""))
        }
        return violations
    }

    /// The SQL values of one record, checked by both its spec and the rules.
    static func values(_ spec: RecordSpec, of record: JSONObject, dialect: SQLDialect, tool: String) throws(ToolHostError) -> [SQLValue] {
        let result = spec.values(of: record, path: "", dialect: dialect)
        let violations = result.violations + ruleViolations(record)
        guard violations.isEmpty else { throw ToolHostError.invalidInput(violations, tool: tool) }
        return result.values
    }
}

extension ErrorCode {
    /// A message was sent to a conversation that has ended (pass `reopen: true` to continue it).
    public static let conversationEnded = ErrorCode("conversation_ended")
}
