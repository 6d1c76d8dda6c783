import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

@Suite("conversation_store on both engines")
struct ConversationStoreTests {
    private func start(_ harness: HandlerHarness, user: String = "u1", extra: JSONObject = [:]) throws -> Int {
        var input: JSONObject = ["operation": "start_conversation", "user_id": .string(user), "platform": "web"]
        for (key, value) in extra { input[key] = value }
        return try #require(try harness.succeed("conversation_store", input)["conversation_id"]?.integerValue)
    }

    @discardableResult
    private func message(_ harness: HandlerHarness, _ conversation: Int, _ fields: JSONObject) throws -> JSONValue {
        var input: JSONObject = ["operation": "add_message", "conversation_id": .int(conversation)]
        for (key, value) in fields { input[key] = value }
        return try harness.succeed("conversation_store", input)
    }

    private func words(_ count: Int) -> JSONValue { .string(Array(repeating: "word", count: count).joined(separator: " ")) }

    private func close(_ value: JSONValue?, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs((value?.numberValue ?? .nan) - expected) < 1e-9, "\(String(describing: value)) != \(expected)", sourceLocation: sourceLocation)
    }

    @Test(arguments: Engine.allCases)
    func messagesAreScoredAndKeepTheirConversationsStatisticsCurrent(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let id = try start(harness)
        let user = try message(harness, id, ["role": "user", "content": "hello", "emotion": "happy", "emotion_confidence": 0.9])
        #expect(user["quality_score"] == .null)  // only assistant messages are scored
        let good = try message(harness, id, ["role": "assistant", "content": words(26), "processing_time": 1.2, "emotion_confidence": 0.8,
                                             "memory_context": [["id": 1]]])
        close(good["quality_score"], 0.86)  // 0.5 + 0.1 + 0.1 + 0.2 * 0.3 + 0.1
        let plain = try message(harness, id, ["role": "assistant", "content": "ok", "processing_time": 5.0])
        close(plain["quality_score"], 0.5)
        let statistics = try #require(plain["conversation"])
        #expect(statistics["total_messages"] == 3)
        close(statistics["avg_response_time"], 3.1)
        close(statistics["conversation_quality"], 0.68)
        close(statistics["avg_emotion_score"], 0.85)
        #expect(statistics["user_satisfaction"] == .null)

        let goodID = try #require(good["message_id"]?.integerValue)
        let plainID = try #require(plain["message_id"]?.integerValue)
        close(try harness.succeed("conversation_store", ["operation": "record_feedback", "message_id": .int(goodID), "user_feedback": 4])["conversation"]?["user_satisfaction"], 4)
        close(try harness.succeed("conversation_store", ["operation": "record_feedback", "message_id": .int(plainID), "user_feedback": 2])["conversation"]?["user_satisfaction"], 3)

        // The row says the same as the answers, and a caller's own score is kept.
        let explicit = try message(harness, id, ["role": "assistant", "content": "fine", "quality_score": 0.2, "training_flag": false])
        close(explicit["quality_score"], 0.2)
        let row = try #require(try harness.sql("SELECT * FROM conversations").first)
        #expect(row["total_messages"] == 4)
        close(row["conversation_quality"], (0.86 + 0.5 + 0.2) / 3)
        close(row["user_satisfaction"], 3)
        #expect(row["is_active"] == true && row["training_data_exported"] == false)
        let stored = try harness.sql("SELECT role, training_flag FROM messages ORDER BY id")
        #expect(stored.map { $0["role"] } == ["user", "assistant", "assistant", "assistant"])
        #expect(stored.map { $0["training_flag"] } == [true, true, true, false])
    }

    @Test func theQualityFormulaIsTheDocumentedOne() {
        func score(_ words: Int, _ seconds: Double?, _ confidence: Double?, _ memories: Int?) -> Double {
            MessageQuality.score(content: Array(repeating: "w", count: words).joined(separator: " \n"), processingTime: seconds,
                                 emotionConfidence: confidence, memoriesUsed: memories)
        }
        #expect(score(19, nil, nil, nil) == 0.5)
        #expect(score(20, nil, nil, nil) == 0.6)
        #expect(score(100, nil, nil, nil) == 0.6)
        #expect(score(101, nil, nil, nil) == 0.5)
        #expect(score(0, 0.5, nil, nil) == 0.6)
        #expect(score(0, 3, nil, nil) == 0.6)
        #expect(score(0, 0.49, nil, nil) == 0.5)
        #expect(score(0, 3.01, nil, nil) == 0.5)
        #expect(score(0, nil, 0, nil) == 0.4)
        #expect(score(0, nil, 1, nil) == 0.6)
        #expect(score(0, nil, nil, 0) == 0.5)
        #expect(score(0, nil, nil, 1) == 0.6)
        #expect(score(0, nil, nil, 5) == 0.6)
        #expect(score(0, nil, nil, 6) == 0.5)
        #expect(score(50, 1, 1, 3) == 0.9)
        #expect(MessageQuality.memoriesUsed([1, 2]) == 2)
        #expect(MessageQuality.memoriesUsed(["memories": [1, 2, 3], "query": "x"]) == 3)
        #expect(MessageQuality.memoriesUsed(["query": "x"]) == nil)
        #expect(MessageQuality.memoriesUsed("three") == nil)
    }

    @Test(arguments: Engine.allCases)
    func badInputIsRefusedWithStableCodesAndWritesNothing(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let id = try start(harness)
        let first = try message(harness, id, ["role": "user", "content": "hi"])
        let messageID = try #require(first["message_id"]?.integerValue)
        let other = try start(harness, user: "u2")
        let before = try harness.sql("SELECT * FROM conversations ORDER BY id")

        func refused(_ input: JSONObject, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let answer = try harness.call("conversation_store", input)
            #expect(answer["success"] == false, sourceLocation: sourceLocation)
            #expect(answer["error_code"] == .string(code), "\(answer)", sourceLocation: sourceLocation)
            let message = answer["error"]?.stringValue ?? ""
            #expect(message.count > 10, "a sentence that says what is wrong", sourceLocation: sourceLocation)
        }
        let base: JSONObject = ["operation": "add_message", "conversation_id": .int(id), "content": "x"]
        func with(_ changes: JSONObject) -> JSONObject {
            var input = base
            for (key, value) in changes { input[key] = value }
            return input
        }
        try refused(with(["conversation_id": 999_999, "role": "user"]), "not_found")
        try refused(with(["role": "bot"]), "invalid_input")
        try refused(with(["role": "user", "user_feedback": 0]), "invalid_input")
        try refused(with(["role": "user", "user_feedback": 6]), "invalid_input")
        try refused(with(["role": "user", "user_feedback": 2.5]), "invalid_input")
        try refused(with(["role": "assistant", "quality_score": 1.5]), "invalid_input")
        try refused(with(["role": "user", "emotion_confidence": -0.1]), "invalid_input")
        try refused(with(["role": "user", "audio_quality": 2]), "invalid_input")
        try refused(["operation": "record_feedback", "message_id": .int(messageID), "user_feedback": 9], "invalid_input")
        try refused(["operation": "record_feedback", "message_id": 999_999, "user_feedback": 3], "not_found")
        try refused(["operation": "log_agent", "agent_name": "critic", "action": "score", "conversation_id": 999_999], "not_found")
        try refused(["operation": "log_agent", "agent_name": "critic", "action": "score", "message_id": 999_999], "not_found")
        try refused(["operation": "log_agent", "agent_name": "critic", "action": "score", "confidence_score": 1.2], "invalid_input")
        try refused(["operation": "log_agent", "agent_name": "critic", "action": "score", "conversation_id": .int(other),
                     "message_id": .int(messageID)], "invalid_input")
        try refused(["operation": "recall_memories", "user_id": "u1", "tiers": .array((0..<101).map { .string("t\($0)") })], "invalid_input")
        try refused(["operation": "export_conversation", "conversation_id": 999_999], "not_found")
        try refused(["operation": "end_conversation", "conversation_id": 999_999], "not_found")
        try refused(["operation": "mark_exported", "conversation_ids": [.int(id), 999_999]], "not_found")
        try refused(["operation": "recall_memories", "user_id": "u1", "limit": 6], "invalid_input")
        try refused(["operation": "export_conversations", "limit": 1001], "invalid_input")
        try refused(["operation": "export_conversations", "format": "openai-chat"], "invalid_input")
        #expect(try harness.sql("SELECT count(*) AS n FROM messages").first?["n"] == 1)
        #expect(try harness.sql("SELECT count(*) AS n FROM agent_logs").first?["n"] == 0)
        #expect(try harness.sql("SELECT * FROM conversations ORDER BY id") == before)  // not marked exported either

        // An ended conversation takes messages only when reopened.
        let ended = try harness.succeed("conversation_store", ["operation": "end_conversation", "conversation_id": .int(id)])
        #expect(ended["already_ended"] == false)
        let again = try harness.succeed("conversation_store", ["operation": "end_conversation", "conversation_id": .int(id)])
        #expect(again["already_ended"] == true && again["ended_at"] == ended["ended_at"])
        try refused(with(["role": "user"]), "conversation_ended")
        #expect(try harness.sql("SELECT count(*) AS n FROM messages").first?["n"] == 1)
        let reopened = try message(harness, id, ["role": "user", "content": "one more thing", "reopen": true])
        #expect(reopened["reopened"] == true)
        let row = try #require(try harness.sql("SELECT is_active, ended_at, total_messages FROM conversations WHERE id = \(id)").first)
        #expect(row["is_active"] == true && row["ended_at"] == .null && row["total_messages"] == 2)
    }

    /// The YAML's `operations:` gives each operation its fields: a field of another operation
    /// is refused, the bounds are the schema's, nulls are "not given" and defaults fill in.
    @Test func eachOperationTakesItsOwnFields() throws {
        let harness = try HandlerHarness(.sqlite)
        let id = try start(harness)
        func refusedAt(_ input: JSONObject, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
            let answer = try harness.call("conversation_store", input)
            #expect(answer["error_code"] == "invalid_input", "\(answer)", sourceLocation: sourceLocation)
            return answer["violations"]?[0]?["path"]?.stringValue
        }
        #expect(try refusedAt(["operation": "record_feedback", "message_id": 1, "user_feedback": 3, "reopen": true]) == "/reopen")
        #expect(try refusedAt(["operation": "training_stats", "limit": 5]) == "/limit")
        #expect(try refusedAt(["operation": "recall_memories", "user_id": "u1", "per_tier": 3]) == "/per_tier")
        #expect(try refusedAt(["operation": "recall_memories", "user_id": "u1", "limit": 6]) == "/limit")
        #expect(try refusedAt(["operation": "log_agent", "agent_name": "a", "action": "b", "training_quality": 1.5]) == "/training_quality")
        #expect(try refusedAt(["operation": "add_message", "conversation_id": .int(id), "role": "user", "content": "x", "voice_pitch": 0]) == "/voice_pitch")
        #expect(try refusedAt(["operation": "export_conversations", "min_quality": -0.1]) == "/min_quality")
        #expect(try refusedAt(["operation": "export_conversations", "limit": 0]) == "/limit")
        #expect(try refusedAt(["operation": "mark_exported"]) == "/conversation_id")
        #expect(try harness.sql("SELECT count(*) AS n FROM messages").first?["n"] == 0)

        try harness.succeed("conversation_store", ["operation": "add_memory", "user_id": "u1", "tier": "t", "content": "c", "verified": .null])
        try message(harness, id, ["role": "user", "content": "hi", "training_flag": .null, "created_at": "2026-01-02T00:00:00Z"])
        try harness.succeed("conversation_store", ["operation": "log_agent", "agent_name": "a", "action": "b", "created_at": "2026-01-03T00:00:00Z"])
        let memory = try harness.sql("SELECT verified FROM memories").first
        #expect(memory?["verified"] == false)
        let stored = try harness.sql("SELECT training_flag, created_at FROM messages").first
        #expect(stored?["training_flag"] == true)
        #expect(stored?["created_at"]?.stringValue?.hasPrefix("2026-01-02") == true)
        let log = try harness.sql("SELECT created_at FROM agent_logs").first
        #expect(log?["created_at"]?.stringValue?.hasPrefix("2026-01-03") == true)
    }

    /// An export marks a conversation only if it took no message after it was read.
    @Test(arguments: Engine.allCases)
    func anExportLeavesConversationsThatChangedSinceUnmarked(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let quiet = try start(harness)
        let busy = try start(harness, user: "u2")
        try message(harness, quiet, ["role": "user", "content": "one"])
        try message(harness, busy, ["role": "user", "content": "one"])
        // As read by an export: one message each; then `busy` takes another.
        try message(harness, busy, ["role": "user", "content": "two"])
        let writes = ConversationWrites(connection: try harness.connection(), tool: "conversation_store")
        let result = try writes.markExported(unchanged: [(Int64(quiet), .int(1)), (Int64(busy), .int(1))])
        #expect(result.marked == 1 && result.changed == [Int64(busy)])
        let flags = try harness.sql("SELECT id, training_data_exported FROM conversations ORDER BY id")
        #expect(flags.map { $0["training_data_exported"] } == [true, false])
    }

    @Test(arguments: Engine.allCases)
    func recallReturnsAtMostFiveAndTwoPerTierMostImportantFirst(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let memories: [(tier: String, importance: Double)] = [("a", 0.9), ("a", 0.8), ("a", 0.7), ("a", 0.6), ("b", 0.95), ("b", 0.5),
                                                              ("b", 0.4), ("c", 0.85), ("c", 0.3), ("d", 0.99)]
        for (tier, importance) in memories {
            try harness.succeed("conversation_store", ["operation": "add_memory", "user_id": "u1", "tier": .string(tier),
                                                       "content": .string("\(tier) \(importance)"), "importance": .double(importance)])
        }
        try harness.succeed("conversation_store", ["operation": "add_memory", "user_id": "u2", "tier": "a", "content": "other user", "importance": 1.0])
        // Equal importance: the newer first.
        try harness.succeed("conversation_store", ["operation": "add_memory", "user_id": "u3", "tier": "a", "content": "older", "importance": 0.5,
                                                   "created_at": "2026-01-01T00:00:00Z"])
        try harness.succeed("conversation_store", ["operation": "add_memory", "user_id": "u3", "tier": "a", "content": "newer", "importance": 0.5,
                                                   "created_at": "2026-02-01T00:00:00Z"])

        func recall(_ input: JSONObject) throws -> [String] {
            var request = input
            request["operation"] = "recall_memories"
            return try harness.succeed("conversation_store", request)["memories"]?.arrayValue?.compactMap { $0["content"]?.stringValue } ?? []
        }
        #expect(try recall(["user_id": "u1"]) == ["d 0.99", "b 0.95", "a 0.9", "c 0.85", "a 0.8"])
        #expect(try recall(["user_id": "u1", "tiers": ["a", "b"]]) == ["b 0.95", "a 0.9", "a 0.8", "b 0.5"])
        #expect(try recall(["user_id": "u1", "tiers": ["a"], "per_tier": 1]) == ["a 0.9"])
        #expect(try recall(["user_id": "u3"]) == ["newer", "older"])
        #expect(try recall(["user_id": "nobody"]) == [])

        let counts = try harness.sql("SELECT content, access_count, last_accessed FROM memories WHERE user_id = 'u1' ORDER BY content")
        let accessed = Dictionary(uniqueKeysWithValues: counts.map { ($0["content"]?.stringValue ?? "", $0["access_count"]?.integerValue ?? -1) })
        #expect(accessed == ["a 0.9": 3, "a 0.8": 2, "a 0.7": 0, "a 0.6": 0, "b 0.95": 2, "b 0.5": 1, "b 0.4": 0, "c 0.85": 1, "c 0.3": 0, "d 0.99": 1])
        #expect(counts.filter { $0["access_count"] == 0 }.allSatisfy { $0["last_accessed"] == .null })
        #expect(counts.filter { $0["access_count"] != 0 }.allSatisfy { $0["last_accessed"] != .null })
    }

    @Test(arguments: Engine.allCases)
    func exportsCarryTheTrainingDocumentAndFilter(engine: Engine) throws {
        let harness = try HandlerHarness(engine)
        let first = try start(harness, user: "u1", extra: ["model_used": "m1", "topics_discussed": ["billing"], "started_at": "2026-03-01T10:00:00Z"])
        try harness.succeed("conversation_store", ["operation": "add_memory", "user_id": "u1", "tier": "t", "content": "before", "created_at": "2026-02-01T00:00:00Z"])
        try harness.succeed("conversation_store", ["operation": "add_memory", "user_id": "u1", "tier": "t", "content": "during", "created_at": "2026-03-01T10:05:00Z"])
        try harness.succeed("conversation_store", ["operation": "add_memory", "user_id": "u2", "tier": "t", "content": "someone else", "created_at": "2026-03-01T10:05:00Z"])
        try message(harness, first, ["role": "system", "content": "You help."])
        let question = try message(harness, first, ["role": "user", "content": "Why was I billed twice?", "voice_pitch": 180.5, "voice_emotion": "calm"])
        try message(harness, first, ["role": "tool", "content": "{\"invoices\": 2}"])
        try message(harness, first, ["role": "assistant", "content": words(30), "processing_time": 1.0])
        try message(harness, first, ["role": "assistant", "content": "internal note", "training_flag": false])
        try harness.succeed("conversation_store", ["operation": "log_agent", "agent_name": "critic", "action": "score", "output": ["ok": true],
                                                   "conversation_id": .int(first), "message_id": question["message_id"] ?? .null, "confidence_score": 0.7])
        let second = try start(harness, user: "u2")
        try message(harness, second, ["role": "user", "content": "only a question"])  // nothing to learn from: no assistant answer
        let third = try start(harness, user: "u3")
        try message(harness, third, ["role": "assistant", "content": "short", "processing_time": 9.0])  // quality 0.5

        let one = try #require(try harness.succeed("conversation_store", ["operation": "export_conversation", "conversation_id": .int(first)])["conversation"])
        #expect(one.objectValue.map { Array($0.keys) } == ["conversation_id", "session_id", "user_id", "metadata", "messages", "memories", "agent_logs"])
        #expect(one["conversation_id"] == .int(first) && one["user_id"] == "u1")
        #expect(one["metadata"]?["model_used"] == "m1" && one["metadata"]?["topics_discussed"] == ["billing"])
        #expect(one["metadata"]?["total_messages"] == 5)
        #expect(one["messages"]?.arrayValue?.count == 5)
        #expect(one["messages"]?[1]?["voice_pitch"]?.numberValue == 180.5)
        #expect(one["messages"]?[1]?["voice_emotion"] == "calm")
        #expect(one["memories"]?.arrayValue?.compactMap { $0["content"]?.stringValue } == ["during"])
        #expect(one["agent_logs"]?[0]?["agent_name"] == "critic" && one["agent_logs"]?[0]?["output"] == ["ok": true])

        func exported(_ input: JSONObject) throws -> [Int] {
            var request = input
            request["operation"] = "export_conversations"
            let answer = try harness.succeed("conversation_store", request)
            return answer["conversations"]?.arrayValue?.compactMap { $0["conversation_id"]?.integerValue } ?? []
        }
        #expect(try exported([:]) == [first, second, third])
        #expect(try exported(["min_quality": 0.55]) == [first])  // 0.6 against 0.5 and none
        #expect(try exported(["limit": 2]) == [first, second])
        #expect(try exported(["since": "2026-03-01", "until": "2026-03-02"]) == [first])
        #expect(try exported(["only_unexported": true, "limit": 1, "mark_exported": true]) == [first])
        #expect(try exported(["only_unexported": true]) == [second, third])

        // A file export writes messages from the driver's buffers: the same documents, byte for byte.
        let jsonl = harness.directory.url("all.jsonl")
        try harness.succeed("conversation_store", ["operation": "export_conversations", "output_path": .string(jsonl), "format": "jsonl"])
        let written = try String(contentsOfFile: jsonl, encoding: .utf8).split(separator: "\n").map(String.init)
        var expected: [String] = []
        for id in [first, second, third] {
            let document = try #require(try harness.succeed("conversation_store", ["operation": "export_conversation", "conversation_id": .int(id)])["conversation"])
            expected.append(JSONWriter.string(document))
        }
        #expect(written == expected)

        // openai-chat to a file: training-flagged system/user/assistant messages, the system
        // prompt in place of the conversation's own (one system message), conversations
        // without an assistant message skipped, and a warning.
        let path = harness.directory.url("chat.jsonl")
        let answer = try harness.succeed("conversation_store", ["operation": "export_conversations", "output_path": .string(path),
                                                                "format": "openai-chat", "system_prompt": "Be kind."])
        #expect(answer["count"] == 2 && answer["skipped"] == 1)
        #expect(answer["warnings"]?[0]?.stringValue?.contains("at least 10") == true)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(lines.count == 2)
        #expect(lines[0]["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } == ["system", "user", "assistant"])
        #expect(lines[0]["messages"]?[0] == ["role": "system", "content": "Be kind."])
        #expect(lines[0]["messages"]?[2]?["content"] == words(30))
        #expect(answer["check"]?["valid"] == true)
        #expect(lines[1]["messages"]?.arrayValue?.count == 2)

        let stats = try harness.succeed("conversation_store", ["operation": "training_stats"])
        #expect(stats["conversations"]?["total"] == 3 && stats["conversations"]?["exported"] == 1 && stats["conversations"]?["not_exported"] == 2)
        #expect(stats["messages"]?["total"] == 7 && stats["messages"]?["training_flagged"] == 6)
        #expect(stats["voice"]?["messages"] == 1)
        close(stats["voice"]?["share"], 0.1429)
        // Scored: the three assistant messages (0.7, and 0.5 twice); the other four are not.
        #expect(stats["quality_distribution"]?["0.4-0.6"] == 2 && stats["quality_distribution"]?["0.6-0.8"] == 1)
        #expect(stats["quality_distribution"]?["unscored"] == 4)
    }
}
