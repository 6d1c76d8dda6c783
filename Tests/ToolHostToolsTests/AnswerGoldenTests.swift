import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage
@testable import ToolHostTools

/// Pins the exact answer text of every operation of the seven built-in tools, per engine, so that a
/// change to how handlers build their answers (keys, key order, values, compact JSON text) shows.
///
/// Each tool runs one scripted scenario (`Scenarios` below) through `HandlerHarness`, the way
/// `toolhost run` calls it (schema validation included). Each answer is written as the front ends
/// write it (`InvocationAnswer(...).value` through `JSONWriter`'s compact form, as
/// `Console.printJSON` does) and compared, line by line, with
/// `Goldens/<tool>.<engine>.jsonl`: one line per call, `{"call":<input>,"answer":<answer>}`, both
/// spliced in as the very text that was written (never parsed and written again).
///
/// Only what differs from run to run is normalised, on the serialised text with regexes (see
/// `GoldenText.normalise`):
/// - the test's temporary directory (`/tmp/toolhost-test-xxxxxxxx`) → `<dir>`;
/// - UUIDs → `<uuid-1>`, `<uuid-2>`... numbered by first appearance in the scenario (calls
///   included, since ids from answers are passed on), so which answer names which id is kept;
/// - timestamps and dates the clock made → `<time>` / `<date>`. The scenarios give every time of
///   their own in 2020-2021, so a timestamp (or date) whose year is 2023 or later comes from the
///   clock (now, or a default window such as 30 days before now); fixed times are kept verbatim;
/// - measured durations (`"seconds":n`) → `"<ms>"`;
/// - written file sizes (`"bytes":n`) → `"<size>"`, only for the calls that say so (files that
///   hold clock-made timestamps, whose fraction digits vary in length).
///
/// Answers to schema-validation failures (`invalid_input` from the validator) are deliberately not
/// pinned: their wording is about to change. Nor is `unknown_operation`: every built-in's schema
/// lists its operations in an `enum`, so the validator answers an unknown one first.
///
/// Regenerate, only when an answer is meant to change: run the suite with
/// `TOOLHOST_UPDATE_GOLDENS=1` (and the test servers `scripts/test.sh` starts), e.g.
/// `TOOLHOST_UPDATE_GOLDENS=1 scripts/test.sh --filter AnswerGoldenTests`; that run fails, saying
/// which files it wrote; then run it again without the variable.
@Suite("Answer goldens of the built-in tools")
struct AnswerGoldenTests {
    @Test(arguments: Engine.allCases)
    func bulkDataStore(engine: Engine) throws { try GoldenScenario.run("bulk_data_store", engine, Scenarios.bulkDataStore) }

    @Test(arguments: Engine.allCases)
    func conversationStore(engine: Engine) throws { try GoldenScenario.run("conversation_store", engine, Scenarios.conversationStore) }

    @Test(arguments: Engine.allCases)
    func promptEvolutionStore(engine: Engine) throws { try GoldenScenario.run("prompt_evolution_store", engine, Scenarios.promptEvolutionStore) }

    @Test(arguments: Engine.allCases)
    func trainingDataStore(engine: Engine) throws { try GoldenScenario.run("training_data_store", engine, Scenarios.trainingDataStore) }

    @Test(arguments: Engine.allCases)
    func postgresClient(engine: Engine) throws { try GoldenScenario.run("postgres_client", engine, Scenarios.postgresClient) }

    @Test(arguments: Engine.allCases)
    func artifactStore(engine: Engine) throws { try GoldenScenario.run("artifact_store", engine, Scenarios.artifactStore) }

    @Test(arguments: Engine.allCases)
    func toolsManager(engine: Engine) throws { try GoldenScenario.run("tools_manager", engine, Scenarios.toolsManager) }

    @Test(arguments: Engine.allCases)
    func audioFeatures(engine: Engine) throws { try GoldenScenario.run("audio_features", engine, Scenarios.audioFeatures) }
}

// MARK: - Recording and comparing

/// One tool's scripted calls on one engine, and the golden lines they produce.
final class GoldenScenario {
    let tool: String
    let engine: Engine
    let harness: HandlerHarness
    private var text = GoldenText()
    private(set) var lines: [String] = []
    private(set) var operations: Set<String> = []
    /// Every call made, in order (`BuiltinReadOnlyTests` makes the read-only ones again).
    private(set) var calls: [(tool: String, input: JSONObject)] = []

    static let directory = FilePath.join(FilePath.directory(of: #filePath), "Goldens")
    static var updating: Bool { ProcessInfo.processInfo.environment["TOOLHOST_UPDATE_GOLDENS"] == "1" }

    private init(tool: String, engine: Engine) throws {
        self.tool = tool
        self.engine = engine
        // The catalogue is the built-in tools and the test's own `extra` folder (not the
        // repository's tools/, whose examples would make these answers change with them);
        // the data directory (exports, archives, caches) is then inside the test's folder.
        harness = try HandlerHarness(engine) { config in
            config.toolsPaths = config.toolsPaths.filter { $0 != HandlerHarness.shippedTools }
            config.dataDirectory = FilePath.join(FilePath.directory(of: config.toolsPaths[0]), "data")
            config.files.exportDirectory = FilePath.join(config.dataDirectory, "exports")
            config.training.archiveDirectory = FilePath.join(config.dataDirectory, "archive")
        }
    }

    /// Calls `input` on the scenario's tool, records the line and returns the raw answer
    /// (for ids to use in later calls). `sizes`: the answer's `bytes` vary between runs.
    @discardableResult
    func call(_ input: JSONObject, sizes: Bool = false) throws -> JSONValue {
        try call(tool, input, sizes: sizes)
    }

    /// As `call`, on another tool (set-up a scenario needs); the line names that tool.
    @discardableResult
    func call(_ tool: String, _ input: JSONObject, sizes: Bool = false) throws -> JSONValue {
        calls.append((tool, input))
        let answer = try harness.call(tool, input)
        let callText = text.normalise(JSONWriter.string(.object(input)), sizes: false)
        let answerText = text.normalise(JSONWriter.string(answer), sizes: sizes)
        let toolPart = tool == self.tool ? "" : "\"tool\":\(JSONWriter.string(.string(tool))),"
        lines.append("{\(toolPart)\"call\":\(callText),\"answer\":\(answerText)}")
        if tool == self.tool, let operation = input["operation"]?.stringValue { operations.insert(operation) }
        return answer
    }

    /// The scenario played on a fresh database, without comparing its answers.
    static func played(_ tool: String, _ engine: Engine, _ script: (GoldenScenario) throws -> Void) throws -> GoldenScenario {
        let scenario = try GoldenScenario(tool: tool, engine: engine)
        try script(scenario)
        return scenario
    }

    static func run(_ tool: String, _ engine: Engine, _ script: (GoldenScenario) throws -> Void,
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scenario = try GoldenScenario(tool: tool, engine: engine)
        try script(scenario)
        // Every operation of the tool is called at least once.
        let declared = Set(BuiltinHandlers.registry.handler(named: tool).map { handler in
            (handler as? any OperationHandler)?.operations.map(\.name) ?? []
        } ?? [])
        let missing = declared.subtracting(scenario.operations).sorted()
        #expect(!declared.isEmpty, "\(tool): no operations found", sourceLocation: sourceLocation)
        #expect(missing.isEmpty, "\(tool): the scenario never calls \(missing)", sourceLocation: sourceLocation)
        scenario.compare(sourceLocation: sourceLocation)
    }

    private var path: String { FilePath.join(Self.directory, "\(tool).\(engine).jsonl") }

    private func compare(sourceLocation: SourceLocation) {
        let actual = lines.joined(separator: "\n") + "\n"
        if Self.updating {
            do {
                try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
                try actual.write(toFile: path, atomically: true, encoding: .utf8)
                Issue.record("TOOLHOST_UPDATE_GOLDENS=1: wrote \(lines.count) answers to \(path); run again without it to check them",
                             sourceLocation: sourceLocation)
            } catch {
                Issue.record("Cannot write \(path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            Issue.record("No golden file \(path): generate it with TOOLHOST_UPDATE_GOLDENS=1", sourceLocation: sourceLocation)
            return
        }
        let expectedLines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).dropLast()  // the final newline
        var differences = 0
        for index in 0..<max(expectedLines.count, lines.count) {
            let expected = index < expectedLines.count ? expectedLines[index] : "(no line)"
            let got = index < lines.count ? lines[index] : "(no line)"
            guard expected != got else { continue }
            differences += 1
            if differences <= 10 {
                Issue.record("""
                    \(tool) on \(engine), call #\(index + 1) answers differently from \(path):
                    expected: \(expected)
                      actual: \(got)
                    """, sourceLocation: sourceLocation)
            }
        }
        let count = differences
        #expect(count == 0, "\(tool) on \(engine): \(count) of \(lines.count) answers differ from the golden file (TOOLHOST_UPDATE_GOLDENS=1 rewrites it)",
                sourceLocation: sourceLocation)
    }
}

/// The normalisation of run-dependent text, on serialised compact JSON (see `AnswerGoldenTests`).
struct GoldenText {
    private var uuids: [String: Int] = [:]

    nonisolated(unsafe) private static let directory = #/\/tmp\/toolhost-test-[0-9a-f]{8}/#
    nonisolated(unsafe) private static let uuid = #/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/#
    /// A date, with an optional time of day, fraction and zone (ISO-8601 or PostgreSQL's text).
    nonisolated(unsafe) private static let time =
        #/(?<year>\d{4})-\d{2}-\d{2}(?<clock>[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?/#
    nonisolated(unsafe) private static let seconds = #/"seconds":-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/#
    nonisolated(unsafe) private static let bytes = #/"bytes":\d+/#

    /// The year from which a timestamp is taken to come from the clock (the scenarios' own
    /// times are all earlier).
    static let clockYears = 2023

    mutating func normalise(_ text: String, sizes: Bool) -> String {
        var result = text.replacing(Self.directory) { _ in "<dir>" }
        result = result.replacing(Self.uuid) { match in
            let key = match.output.lowercased()
            if let number = uuids[key] { return "<uuid-\(number)>" }
            uuids[key] = uuids.count + 1
            return "<uuid-\(uuids.count)>"
        }
        result = result.replacing(Self.time) { match in
            guard let year = Int(match.output.year), year >= Self.clockYears else { return String(match.output.0) }
            return match.output.clock == nil ? "<date>" : "<time>"
        }
        result = result.replacing(Self.seconds) { _ in "\"seconds\":\"<ms>\"" }
        if sizes { result = result.replacing(Self.bytes) { _ in "\"bytes\":\"<size>\"" } }
        return result
    }
}

// MARK: - The scenarios

/// One scenario per tool: every operation at least once, in an order where reads find data.
/// Times given by the scenarios are all in 2020-2021 (see `GoldenText.clockYears`); where an
/// order depends on times, they are given, so that rows made in the same millisecond cannot swap.
enum Scenarios {
    static func bulkDataStore(_ s: GoldenScenario) throws {
        try s.call(["operation": "initialize_schema"])
        try s.call(["operation": "initialize_schema"])  // again: safe to repeat
        try s.call(["operation": "store_log", "tool_id": "my_tool", "log_level": "ERROR", "message": "Failed to execute query",
                "details": ["query": "SELECT 1"]])
        try s.call(["operation": "store_log", "tool_id": "my_tool", "log_level": "info", "message": "all fine"])
        try s.call(["operation": "store_logs", "logs": [
            ["tool_id": "t", "log_level": "error", "message": "connection refused by database", "created_at": "2020-01-01T10:00:00Z"],
            ["tool_id": "t", "log_level": "error", "message": "disk quota exceeded", "details": ["disk": "/dev/sda1"],
             "created_at": "2020-02-01T10:00:00.250Z"],
            ["tool_id": "t", "log_level": "info", "message": "database connection restored", "created_at": "2020-03-01T10:00:00+02:00"],
        ]])
        try s.call(["operation": "query_logs", "filters": ["tool_id": "my_tool", "log_level": "error"], "limit": 50])
        try s.call(["operation": "query_logs", "filters": ["tool_id": "t"], "search": "database connection"])
        try s.call(["operation": "query_logs", "since": "2020-01-15T00:00:00Z", "until": "2020-03-01T08:00:00Z"])
        try s.call(["operation": "query_logs", "filters": ["search": "quota", "since": "2020-01-01T00:00:00Z"]])
        try s.call(["operation": "query_logs", "limit": 2, "offset": 1])
        try s.call(["operation": "query_logs", "search": "\"quota\" OR -( NEAR"])
        try s.call(["operation": "query_logs", "filters": ["tool_id = tool_id; DROP TABLE tool_bugs; --": "x"]])  // invalid_filter

        try s.call(["operation": "store_bug", "bug_id": "BUG-1", "tool_id": "parser", "severity": "HIGH", "message": "crash on {",
                "stack_trace": "Traceback (most recent call last):\n  KeyError: 'x'", "details": ["input": "{"]])
        try s.call(["operation": "store_bug", "bug_id": "BUG-1", "tool_id": "parser", "severity": "critical", "message": "crash on { again"])
        try s.call(["operation": "store_bug", "bug_id": "BUG-2", "tool_id": "lexer", "severity": "low", "message": "slow on long lines",
                "resolved": true])
        try s.call(["operation": "query_bugs", "filters": ["bug_id": "BUG-1"]])
        try s.call(["operation": "query_bugs", "search": "KeyError"])
        try s.call(["operation": "resolve_bug", "bug_id": "BUG-1", "resolution": "guarded the lookup"])
        try s.call(["operation": "resolve_bug", "bug_id": "BUG-1"])  // again: still resolved, note kept
        try s.call(["operation": "resolve_bug", "bug_id": "BUG-404"])  // not_found
        try s.call(["operation": "query_bugs", "filters": ["resolved": true, "tool_id": "parser"]])
        try s.call(["operation": "query_bugs", "filters": ["severity": "nope"]])
        try s.call(["operation": "query_bugs", "filters": ["message": "x"]])  // invalid_filter

        for (parent, child) in [("v1", "v2"), ("v2", "v3"), ("v1", "v2b"), ("v2b", "v3"), ("v3", "v4")] {
            try s.call(["operation": "store_ancestry", "parent_tool_id": .string(parent), "child_tool_id": .string(child),
                    "relationship_type": "derived_from"])
        }
        try s.call(["operation": "get_ancestry", "tool_id": "v3"])
        try s.call(["operation": "get_ancestry", "tool_id": "v3", "depth": 1])
        try s.call(["operation": "store_ancestry", "parent_tool_id": "v4", "child_tool_id": "v1", "relationship_type": "fixed_by",
                "details": ["why": "regression"]])
        try s.call(["operation": "get_ancestry", "tool_id": "v1", "depth": 50])
        try s.call(["operation": "get_ancestry", "tool_id": "unrelated"])

        try s.call(["operation": "store_perf_batch", "metrics": .array((1...20).map { value in
            ["tool_id": "t", "metric_name": "latency_ms", "metric_value": .int(value * 10), "unit": "ms"]
        })])
        try s.call(["operation": "store_perf_data", "tool_id": "t", "metric_name": "memory_mb", "metric_value": 64.5, "unit": "MB",
                "details": ["host": "a"]])
        try s.call(["operation": "store_perf_data", "tool_id": "u", "metric_name": "latency_ms", "metric_value": 3])
        try s.call(["operation": "query_perf", "tool_id": "t"])
        try s.call(["operation": "query_perf", "metric_name": "latency_ms"])
        try s.call(["operation": "query_perf", "tool_id": "nobody"])

        try s.call(["operation": "store_tool", "tool_id": "gen", "tool_name": "Gen", "tool_type": "executable", "tool_yaml": "name: Gen",
                "tool_code": "print(1)", "metadata": ["v": 1]])
        try s.call(["operation": "store_tool", "tool_id": "gen", "tool_name": "Gen 2", "tool_type": "executable"])
        try s.call(["operation": "store_tool", "tool_id": "helper", "tool_name": "Helper", "tool_type": "llm"])
        try s.call(["operation": "get_tool", "tool_id": "gen"])
        try s.call(["operation": "get_tool", "tool_id": "nope"])  // not_found
        try s.call(["operation": "list_tools"])
        try s.call(["operation": "list_tools", "tool_type": "executable", "limit": 1])
        try s.call(["operation": "list_tools", "offset": 5])
    }

    static func conversationStore(_ s: GoldenScenario) throws {
        let first = try #require(try s.call(["operation": "start_conversation", "user_id": "u1", "platform": "web", "session_id": "s-1",
                                         "model_used": "m1", "topics_discussed": ["billing"],
                                         "started_at": "2020-03-01T10:00:00Z"])["conversation_id"])
        let second = try #require(try s.call(["operation": "start_conversation", "user_id": "u2", "platform": "phone",
                                          "started_at": "2020-03-02T10:00:00Z"])["conversation_id"])
        let third = try #require(try s.call(["operation": "start_conversation", "user_id": "u3", "session_id": "s-3"])["conversation_id"])
        try s.call(["operation": "add_memory", "user_id": "u1", "tier": "long_term", "content": "before", "importance": 0.9,
                "created_at": "2020-02-01T00:00:00Z"])
        try s.call(["operation": "add_memory", "user_id": "u1", "tier": "long_term", "content": "during", "importance": 0.5,
                "context": "chat", "tags": ["pref"], "emotion_at_creation": "calm", "related_memories": [1], "training_relevance": 0.4,
                "verified": true, "created_at": "2020-03-01T10:05:00Z"])
        try s.call(["operation": "add_memory", "user_id": "u1", "tier": "short_term", "content": "short one", "importance": 0.7,
                "created_at": "2020-03-01T10:06:00Z"])
        try s.call(["operation": "add_memory", "user_id": "u1", "tier": "short_term", "content": "short two", "importance": 0.7,
                "created_at": "2020-03-01T10:07:00Z"])
        try s.call(["operation": "add_memory", "user_id": "u2", "tier": "core", "content": "someone else", "created_at": "2020-03-01T10:05:00Z"])

        try s.call(["operation": "add_message", "conversation_id": first, "role": "system", "content": "You help."])
        let question = try s.call(["operation": "add_message", "conversation_id": first, "role": "user", "content": "Why was I billed twice?",
                               "emotion": "worried", "emotion_confidence": 0.9, "voice_pitch": 180.5, "voice_emotion": "calm",
                               "audio_quality": 0.8])
        try s.call(["operation": "add_message", "conversation_id": first, "role": "tool", "content": "{\"invoices\": 2}",
                "agent_outputs": ["lookup": 2]])
        let answer = try s.call(["operation": "add_message", "conversation_id": first, "role": "assistant",
                             "content": .string(Array(repeating: "word", count: 26).joined(separator: " ")), "processing_time": 1.2,
                             "emotion_confidence": 0.8, "memory_context": [["id": 1]], "context_embedding": [0.1, 0.2]])
        try s.call(["operation": "add_message", "conversation_id": first, "role": "assistant", "content": "internal note",
                "training_flag": false, "quality_score": 0.2])
        try s.call(["operation": "add_message", "conversation_id": second, "role": "user", "content": "only a question", "user_feedback": 3])
        try s.call(["operation": "add_message", "conversation_id": third, "role": "assistant", "content": "short", "processing_time": 9.0])
        try s.call(["operation": "add_message", "conversation_id": 999_999, "role": "user", "content": "x"])  // not_found

        try s.call(["operation": "record_feedback", "message_id": answer["message_id"] ?? .null, "user_feedback": 4])
        try s.call(["operation": "record_feedback", "message_id": question["message_id"] ?? .null, "user_feedback": 2])
        try s.call(["operation": "record_feedback", "message_id": 999_999, "user_feedback": 3])  // not_found

        try s.call(["operation": "log_agent", "agent_name": "critic", "action": "score", "output": ["ok": true],
                "conversation_id": first, "message_id": question["message_id"] ?? .null, "confidence_score": 0.7,
                "accuracy_score": 0.6, "training_quality": 0.5])
        try s.call(["operation": "log_agent", "agent_name": "router", "action": "route"])
        try s.call(["operation": "log_agent", "agent_name": "critic", "action": "score", "conversation_id": 999_999])  // not_found
        try s.call(["operation": "log_agent", "agent_name": "critic", "action": "score", "message_id": 999_999])  // not_found

        try s.call(["operation": "recall_memories", "user_id": "u1"])
        try s.call(["operation": "recall_memories", "user_id": "u1", "tiers": ["short_term"], "per_tier": 1])
        try s.call(["operation": "recall_memories", "user_id": "u1", "limit": 2])
        try s.call(["operation": "recall_memories", "user_id": "nobody"])

        try s.call(["operation": "export_conversation", "conversation_id": first])
        try s.call(["operation": "export_conversation", "conversation_id": 999_999])  // not_found
        try s.call(["operation": "export_conversations"])
        try s.call(["operation": "export_conversations", "min_quality": 0.55])
        try s.call(["operation": "export_conversations", "limit": 2])
        try s.call(["operation": "export_conversations", "since": "2020-03-01", "until": "2020-03-02"])
        try s.call(["operation": "export_conversations", "only_unexported": true, "limit": 1, "mark_exported": true])
        try s.call(["operation": "export_conversations", "only_unexported": true])
        try s.call(["operation": "export_conversations", "output_path": .string(s.harness.directory.url("all.jsonl")), "format": "jsonl"],
               sizes: true)
        try s.call(["operation": "export_conversations", "output_path": .string(s.harness.directory.url("all.json")), "format": "json",
                "limit": 1], sizes: true)
        try s.call(["operation": "export_conversations", "output_path": "chat.jsonl", "format": "openai-chat", "system_prompt": "Be kind."],
               sizes: true)  // relative: in files.export_dir
        try s.call(["operation": "training_stats"])
        try s.call(["operation": "mark_exported", "conversation_id": second])
        try s.call(["operation": "mark_exported", "conversation_ids": [second, third]])
        try s.call(["operation": "mark_exported", "conversation_ids": [first, 999_999]])  // not_found

        try s.call(["operation": "end_conversation", "conversation_id": first, "topics_discussed": ["billing", "refund"]])
        try s.call(["operation": "end_conversation", "conversation_id": first])  // already ended
        try s.call(["operation": "end_conversation", "conversation_id": 999_999])  // not_found
        try s.call(["operation": "add_message", "conversation_id": first, "role": "user", "content": "one more thing"])  // conversation_ended
        try s.call(["operation": "add_message", "conversation_id": first, "role": "user", "content": "one more thing", "reopen": true])
        try s.call(["operation": "training_stats"])
    }

    static func promptEvolutionStore(_ s: GoldenScenario) throws {
        func save(_ prompt: String, parent: JSONValue? = nil, corpus: String = "c1", reviewer: String = "Check it.",
                  at time: String) throws -> JSONValue {
            var input: JSONObject = ["operation": "save_profile", "corpus_id": .string(corpus), "task_type": "qa",
                                     "profile": ["worker": ["system_prompt": .string(prompt)], "reviewer": ["system_prompt": .string(reviewer)]]]
            if let parent { input["parent_profile_id"] = parent }
            input["created_at"] = .string(time)
            return try #require(try s.call(input)["profile_id"])
        }
        let first = try save("Think CAREFULLY, then answer.", reviewer: "Reject 100% of guesses.", at: "2020-01-01T00:00:00Z")
        let second = try save("Answer fast.", parent: first, reviewer: "Reject 100 guesses.", at: "2020-01-02T00:00:00Z")
        let third = try save("Answer in one line.", parent: second, at: "2020-01-03T00:00:00Z")
        let other = try save("elsewhere", corpus: "c2", at: "2020-01-04T00:00:00Z")
        try s.call(["operation": "save_profile", "corpus_id": "c1", "task_type": "qa", "profile": [:], "version": 10,
                "metadata": ["note": "explicit version"], "created_at": "2020-01-05T00:00:00Z"])
        try s.call(["operation": "save_profile", "corpus_id": "c1", "task_type": "qa", "profile": [:],
                "parent_profile_id": "00000000-0000-4000-8000-000000000000"])  // not_found

        try s.call(["operation": "latest_profile", "corpus_id": "c1", "task_type": "qa"])
        try s.call(["operation": "latest_profile", "corpus_id": "c9", "task_type": "qa"])
        try s.call(["operation": "profile_history", "corpus_id": "c1", "task_type": "qa", "limit": 2])
        try s.call(["operation": "profile_history", "corpus_id": "c1", "task_type": "qa", "limit": 2, "offset": 2])
        try s.call(["operation": "profile_lineage", "profile_id": third])
        try s.call(["operation": "profile_lineage", "profile_id": third, "max_depth": 1])
        try s.call(["operation": "profile_lineage", "profile_id": other])
        try s.call(["operation": "profile_lineage", "profile_id": "00000000-0000-4000-8000-000000000000"])  // not_found
        try s.call(["operation": "search_profiles", "text": "carefully"])
        try s.call(["operation": "search_profiles", "text": "100%", "path": "reviewer.system_prompt"])
        try s.call(["operation": "search_profiles", "text": "answer", "corpus_id": "c1", "limit": 5])
        try s.call(["operation": "search_profiles", "text": "answer", "path": "worker.missing"])

        try s.call(["operation": "log_training_step", "corpus_id": "c1", "task_type": "qa", "old_profile_id": first, "new_profile_id": second,
                "query": "Did Shakespeare write Hamlet?", "predicted_answer": "Shakespeare wrote Hamlet", "gold_answer": "William Shakespeare",
                "reward": 1, "debate_trace": [["turn": 1]], "metadata": ["judge": "exact"], "created_at": "2020-11-19T08:00:00Z"])
        try s.call(["operation": "log_training_step", "corpus_id": "c1", "task_type": "qa", "reward": 0.75, "query": "made now"])
        try s.call(["operation": "log_training_step", "corpus_id": "c1", "task_type": "qa", "reward": 1,
                "new_profile_id": "00000000-0000-4000-8000-000000000000"])  // not_found
        try s.call(["operation": "log_training_steps", "steps": [
            ["corpus_id": "c1", "task_type": "qa", "new_profile_id": second, "query": "capital of France", "predicted_answer": "Paris",
             "gold_answer": "Paris", "reward": 0.5, "created_at": "2020-11-20T10:00:00Z"],
            ["corpus_id": "c1", "task_type": "qa", "query": "author of Macbeth", "predicted_answer": "Marlowe", "gold_answer": "Shakespeare",
             "reward": 0.0, "created_at": "2020-11-20T12:00:00Z"],
            ["corpus_id": "c2", "task_type": "math", "query": "2 + 2", "predicted_answer": "4", "gold_answer": "4", "reward": 0.25,
             "created_at": "2020-11-21T09:00:00Z"],
        ]])
        try s.call(["operation": "log_training_steps", "steps": [
            ["corpus_id": "c1", "task_type": "qa", "reward": 1],
            ["corpus_id": "c1", "task_type": "qa", "reward": 1, "old_profile_id": "00000000-0000-4000-8000-000000000001"]]])  // not_found
        try s.call(["operation": "training_summary", "since": "2020-11-01", "until": "2020-11-21"])
        try s.call(["operation": "training_summary", "since": "2020-11-01T00:00:00Z", "until": "2020-11-22", "per_day": true])
        try s.call(["operation": "training_summary", "corpus_id": "c1", "task_type": "qa", "since": "2020-01-01"])
        try s.call(["operation": "training_summary"])  // the last 30 days: the step made now
        try s.call(["operation": "search_steps", "text": "shakespeare"])
        try s.call(["operation": "search_steps", "text": "writes"])
        try s.call(["operation": "search_steps", "text": "paris", "corpus_id": "c1", "limit": 1])
        try s.call(["operation": "search_steps", "text": "shakespeare", "corpus_id": "c2"])

        try s.call(["operation": "add_to_population", "corpus_id": "c1", "task_type": "qa", "profile_id": first, "fitness_score": 0.2])
        try s.call(["operation": "add_to_population", "corpus_id": "c1", "task_type": "qa", "profile_id": second, "fitness_score": 0.9])
        try s.call(["operation": "add_to_population", "corpus_id": "c1", "task_type": "qa", "profile_id": third, "fitness_score": 0.5,
                "generation": 0])
        try s.call(["operation": "add_to_population", "corpus_id": "c1", "task_type": "qa", "profile_id": "00000000-0000-4000-8000-000000000000",
                "fitness_score": 0.5])  // not_found
        try s.call(["operation": "population", "corpus_id": "c1", "task_type": "qa"])
        try s.call(["operation": "population", "corpus_id": "c1", "task_type": "qa", "limit": 2])
        try s.call(["operation": "population", "corpus_id": "c9", "task_type": "qa"])
        try s.call(["operation": "advance_generation", "corpus_id": "c1", "task_type": "qa", "members": [
            ["profile_id": other, "fitness_score": 0.7], ["profile_id": second, "fitness_score": 0.95]]])
        try s.call(["operation": "population", "corpus_id": "c1", "task_type": "qa"])
        try s.call(["operation": "population", "corpus_id": "c1", "task_type": "qa", "generation": 0])
        try s.call(["operation": "advance_generation", "corpus_id": "c1", "task_type": "qa", "members": [
            ["profile_id": first, "fitness_score": 0.1], ["profile_id": "00000000-0000-4000-8000-000000000000", "fitness_score": 0.2]]])  // not_found
        try s.call(["operation": "advance_generation", "corpus_id": "c1", "task_type": "qa", "keep_previous": false,
                "members": [["profile_id": third, "fitness_score": 0.6]]])
        try s.call(["operation": "population", "corpus_id": "c1", "task_type": "qa", "generation": 0])

        // Query plans (explain: true), as each engine words them.
        try s.call(["operation": "latest_profile", "corpus_id": "c1", "task_type": "qa", "explain": true])
        try s.call(["operation": "profile_lineage", "profile_id": third, "explain": true])
        try s.call(["operation": "training_summary", "since": "2020-01-01", "explain": true])
    }

    static func trainingDataStore(_ s: GoldenScenario) throws {
        try s.call(["operation": "stats"])  // empty
        try s.call(["operation": "store_agent_event", "event_type": "note", "agent_id": "a0", "payload": ["text": "made now"]])
        try s.call(["operation": "store_agent_event", "event_type": "a,b\r\nc", "agent_id": "say \"hi\"",
                "payload": ["text": "line1\nline2, Zoë"], "metadata": ["m": 1], "created_at": "2020-01-04T10:00:00Z"])
        try s.call(["operation": "store_agent_events", "events": [
            ["event_type": "tool_selected", "agent_id": "a1", "payload": ["tool": ["name": "grep", "version": 2], "score": 0.9],
             "created_at": "2020-01-01T10:00:00Z"],
            ["event_type": "tool_selected", "agent_id": "a2", "payload": ["tool": ["name": "sed"], "ok": true], "created_at": "2020-01-02T10:00:00Z"],
            ["event_type": "llm_call", "agent_id": "a1", "payload": ["tool": ["name": "grep"], "ok": false], "created_at": "2020-01-03T10:00:00Z"],
        ]])
        try s.call(["operation": "store_agent_task", "task_id": "t-1", "agent_id": "planner", "task_type": "refactor", "status": "running",
                "input": ["file": "a.swift"], "created_at": "2020-02-01T00:00:00Z"])
        try s.call(["operation": "store_agent_task", "task_id": "t-1", "status": "completed", "output": ["lines": 12], "duration_ms": 1500])
        try s.call(["operation": "store_agent_tasks", "tasks": [
            ["task_id": "t-2", "agent_id": "planner", "status": "failed", "error": "timeout", "input": "x,y", "output": "null",
             "created_at": "2020-02-02T00:00:00Z"],
            ["task_id": "t-1", "status": "archived"],
        ]])
        try s.call(["operation": "store_tool_execution", "tool_name": "word_stats", "agent_id": "a", "input_params": ["text": "hi"],
                "output_result": ["words": 1], "success": false, "exit_code": 3, "error_code": "plugin_failed", "duration_ms": 4.5,
                "execution_id": "x-1", "created_at": "2020-03-01T00:00:00Z"])
        try s.call(["operation": "store_tool_execution", "tool_name": "word_stats", "input_params": ["text": "made now"], "success": true])
        try s.call(["operation": "store_tool_executions", "executions": [
            ["tool_name": "word_stats", "input_params": ["text": "count these words please"], "success": true, "execution_id": "x-2",
             "created_at": "2020-03-02T00:00:00Z"],
            ["tool_name": "file_info", "input_params": ["path": "/etc/hostname"], "success": true, "execution_id": "x-3",
             "created_at": "2020-03-03T00:00:00Z"],
            ["tool_name": "word_stats", "input_params": ["text": "broken"], "success": false, "execution_id": "x-4",
             "created_at": "2020-03-04T00:00:00Z"],
        ]])
        try s.call(["operation": "store_workflow_data", "workflow_id": "wf", "workflow_type": "evolve", "phase": "generate",
                "state": ["generation": 1], "created_at": "2020-04-01T00:00:00Z"])
        try s.call(["operation": "store_workflows", "workflows": [
            ["workflow_id": "wf", "phase": "test", "state": ["generation": 2]],
            ["workflow_id": "wf-2", "phase": "generate", "created_at": "2020-04-02T00:00:00Z"],
            ["workflow_id": "wf", "phase": "done"],
        ]])

        try s.call(["operation": "query", "data_type": "events", "filters": ["agent_id": "a1"]])
        try s.call(["operation": "query", "data_type": "events", "payload_filters": ["tool.name": "grep"], "order": "asc"])
        try s.call(["operation": "query", "data_type": "events", "payload_filters": ["tool.name": "grep", "tool.version": 2]])
        try s.call(["operation": "query", "data_type": "events", "since": "2020-01-02", "until": "2020-01-03T00:00:00Z"])
        try s.call(["operation": "query", "data_type": "events", "filters": ["event_type": ["tool_selected", "llm_call"]], "order": "asc",
                "limit": 2, "offset": 1, "columns": ["id", "event_type", "agent_id", "created_at"]])
        try s.call(["operation": "query", "data_type": "events", "filters": ["event_type": ["task_status", "workflow_phase"]], "order": "asc",
                "columns": ["id", "event_type", "agent_id", "payload"]])
        try s.call(["operation": "query", "data_type": "tasks", "order": "asc"])
        try s.call(["operation": "query", "data_type": "tool_executions", "filters": ["success": true, "agent_id": nil],
                "columns": ["execution_id", "tool_name", "input_params"]])
        try s.call(["operation": "query", "data_type": "tool_executions", "filters": ["execution_id": "x-1"]])
        try s.call(["operation": "query", "data_type": "workflows", "order": "asc", "columns": ["workflow_id", "workflow_type", "phase", "state"]])
        try s.call(["operation": "query", "data_type": "events", "filters": ["success": true]])  // invalid_filter
        try s.call(["operation": "stats", "days": 7])

        try s.call(["operation": "export_for_training", "data_type": "tool_executions", "output_path": .string(s.harness.directory.url("out/x.jsonl")),
                "filters": ["success": true], "start_date": "2020-03-02T00:00:00Z", "end_date": "2020-03-04"])
        try s.call(["operation": "export_for_training", "data_type": "events", "output_path": "events.jsonl", "until": "2020-01-03",
                "columns": ["id", "event_type", "payload", "created_at"], "limit": 1, "offset": 1])  // relative: in files.export_dir
        try s.call(["operation": "export_to_csv", "data_type": "events", "output_path": .string(s.harness.directory.url("events.csv")),
                "columns": ["event_type", "agent_id", "payload"], "since": "2020-01-04", "until": "2020-01-05"])
        try s.call(["operation": "export_to_csv", "data_type": "tasks", "output_path": .string(s.harness.directory.url("tasks.csv")),
                "columns": ["task_id", "input", "output", "error"]])
        try s.call(["operation": "export_for_training", "data_type": "events", "output_path": .string(s.harness.directory.url("no.jsonl")),
                "columns": ["nope"]])  // invalid_filter
        try s.call(["operation": "export_llm_calls", "output_path": .string(s.harness.directory.url("calls.jsonl"))])  // no model calls recorded
        try s.call(["operation": "export_llm_calls", "output_path": .string(s.harness.directory.url("calls.jsonl")), "split": 1])  // invalid_input
        let blocker = s.harness.directory.write("blocker.jsonl", "keep me\n")
        try s.call(["operation": "export_for_training", "data_type": "events", "output_path": .string(blocker + "/x.jsonl"),
                "since": "2020-01-01", "until": "2020-02-01"])  // io_error

        try s.call(["operation": "index_to_rag", "data_type": "tool_executions", "filters": ["success": true], "until": "2021-01-01"])
        try s.call(["operation": "index_to_rag", "data_type": "tool_executions", "filters": ["success": true], "until": "2021-01-01"])
        try s.call(["operation": "index_to_rag", "data_type": "events", "collection": "golden_events", "until": "2021-01-01", "limit": 2])

        // Retention: everything back-filled in 2020 is older than 365 days; what was made now stays.
        try s.call(["operation": "apply_retention", "data_type": "events", "retention_days": 365,
                "archive_dir": .string(s.harness.directory.url("archive")), "batch_size": 2])
        try s.call(["operation": "apply_retention", "retention_days": 365, "archive_dir": .string(s.harness.directory.url("archive"))])
        try s.call(["operation": "stats"])
        try s.call(["operation": "query", "data_type": "events", "columns": ["event_type", "agent_id"]])
    }

    static func postgresClient(_ s: GoldenScenario) throws {
        try s.call(["operation": "create_table", "table": "items",
                "columns": ["id": "bigserial", "name": "text not null", "score": "numeric(10,2)", "doc": "jsonb", "at": "timestamptz",
                            "ref": "uuid"],
                "primary_key": "id"])
        try s.call(["operation": "create_table", "table": "items", "columns": ["id": "bigserial"]])  // exists: nothing done
        try s.call(["operation": "create_table", "table": "pairs", "columns": ["a": "integer", "b": "varchar(20)", "flag": "boolean"],
                "primary_key": ["a", "b"], "if_not_exists": false])
        try s.call(["operation": "execute", "sql": "INSERT INTO items (name, score) VALUES (%(n)s, %(s)s)", "params": ["n": "50% off", "s": 2.5]])
        try s.call(["operation": "execute", "sql": "INSERT INTO items (name) VALUES (%s), (%s)", "params": ["plain", "it's"]])
        try s.call(["operation": "execute", "sql": "CREATE INDEX IF NOT EXISTS items_name ON items (name)"])
        try s.call(["operation": "execute", "sql": "UPDATE items SET score = 1 WHERE name = 'nobody'"])
        try s.call(["operation": "query", "params": ["pattern": "%off"],
                "sql": "SELECT name, '100%' AS literal, '5%%' AS escaped FROM items WHERE name LIKE %(pattern)s"])
        try s.call(["operation": "query", "sql": "SELECT id, name, score FROM items WHERE name = %s", "params": ["it's"]])
        try s.call(["operation": "query", "sql": "SELECT name FROM items ORDER BY id", "fetch_one": true])
        try s.call(["operation": "query", "sql": "INSERT INTO items (name) VALUES (%(n)s) RETURNING id, name", "params": ["n": "kept"]])
        try s.call(["operation": "insert", "table": "items", "data": [
            "name": "typed", "score": 12.5, "doc": ["tags": ["a", "b"], "n": 1], "at": "2020-11-22T10:00:00+02:00",
            "ref": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        ]])
        try s.call(["operation": "insert", "table": "items", "data": [["name": "a", "doc": #"{"k": 2}"#], ["name": "b", "doc": "null"],
                                                                 ["name": "c", "score": 1, "doc": nil]]])
        try s.call(["operation": "insert", "table": "pairs", "data": ["a": 1, "b": "x", "flag": true]])
        try s.call(["operation": "update", "table": "items", "data": ["score": 9], "where": ["name": ["a", "b"], "score": nil]])
        try s.call(["operation": "update", "table": "items", "data": ["doc": "[1, 2]"], "where": ["name": "b"]])
        try s.call(["operation": "update", "table": "pairs", "data": ["flag": false], "all": true])
        try s.call(["operation": "query", "sql": "SELECT * FROM items ORDER BY id"])
        try s.call(["operation": "delete", "table": "items", "where": ["name": "c"]])
        try s.call(["operation": "delete", "table": "items", "where": ["name": "nobody"]])
        try s.call(["operation": "transaction", "statements": [
            ["sql": "CREATE TABLE t3 (c integer)"], ["sql": "INSERT INTO t3 (c) VALUES (%s), (%s), (%s)", "params": [1, 2, 3]],
            ["sql": "UPDATE items SET score = %(s)s WHERE name = %(n)s", "params": ["s": 0.5, "n": "plain"]],
            ["sql": "SELECT count(*) AS n FROM t3"],
        ]])
        try s.call(["operation": "transaction", "statements": [
            ["sql": "INSERT INTO t3 (c) VALUES (4)"], ["sql": "INSERT INTO no_such_table (c) VALUES (5)"]]])  // sql_rejected, rolled back
        try s.call(["operation": "query", "sql": "SELECT count(*) AS n FROM t3"])
        try s.call(["operation": "query", "sql": "SELECT * FROM no_such_table"])  // sql_rejected
        try s.call(["operation": "insert", "table": "items", "data": ["name\") VALUES ('x'); DROP TABLE pairs; --": "y"]])  // unknown_identifier
        try s.call(["operation": "update", "table": "items", "data": ["name": "z"], "where": ["1=1 OR name": "x"]])  // unknown_identifier
        try s.call(["operation": "delete", "table": "missing_table", "all": true])  // unknown_identifier
        try s.call(["operation": "delete", "table": "items", "all": true])
        try s.call(["operation": "query", "sql": "SELECT a, b, flag FROM pairs"])
    }

    static func artifactStore(_ s: GoldenScenario) throws {
        try s.call(["operation": "stats"])  // empty
        let fix = try s.call(["operation": "store_artifact", "artifact_type": "code_fix", "name": "Retry on deadlock",
                          "content": "Retry the transaction on SQLSTATE 40P01", "tags": ["postgres"], "description": "deadlocks",
                          "metadata": ["lang": "swift"], "quality_score": 0.9])
        try s.call(["operation": "store_artifact", "artifact_type": "code_fix", "name": "Retry on deadlock",
                "content": "Retry the transaction on SQLSTATE 40P01", "tags": ["postgres"]])  // the same id: updated
        try s.call(["operation": "store_artifact", "artifact_id": "perf-1", "artifact_type": "performance", "name": "p95",
                "content": "p95 latency 12 ms for word_stats", "tags": ["perf", "postgres"], "created_at": "2020-05-01T00:00:00Z"])
        try s.call(["operation": "store_artifact", "artifact_id": "bug-1", "artifact_type": "bug_report", "content": "Crash on empty input"])
        try s.call(["operation": "store_artifacts", "artifacts": [
            ["artifact_id": "p1", "artifact_type": "prompt", "content": "You review pull requests", "tags": ["review"]],
            ["artifact_id": "m1", "artifact_type": "perf_data", "content": "p95 12 ms"],
            ["artifact_id": "x1", "artifact_type": "my_own_type", "content": "something else"],
        ]])
        try s.call(["operation": "find_similar", "query": "deadlock in a postgres transaction", "top_k": 2])
        try s.call(["operation": "find_similar", "query": "latency of word_stats", "artifact_type": ["performance", "prompt"]])
        try s.call(["operation": "find_similar", "query": "postgres", "tags": ["postgres", "perf"], "tag_match": "all"])
        try s.call(["operation": "find_similar", "query": "review code", "tags": ["review", "nothing"], "min_similarity": 0.1])
        try s.call(["operation": "get_artifact", "artifact_id": fix["artifact_id"] ?? .null])
        try s.call(["operation": "get_artifact", "artifact_id": "perf-1"])
        try s.call(["operation": "get_artifact", "artifact_id": "bug-1"])
        try s.call(["operation": "get_artifact", "artifact_id": "missing"])  // not_found
        try s.call(["operation": "stats"])
        try s.call(["operation": "reindex"])
        try s.call(["operation": "reindex", "all": true])
        try s.call(["operation": "delete_artifact", "artifact_id": fix["artifact_id"] ?? .null])
        try s.call(["operation": "delete_artifact", "artifact_id": "perf-1"])
        try s.call(["operation": "delete_artifact", "artifact_id": "missing"])  // not_found
        try s.call(["operation": "stats"])
    }

    /// 0.3 s of silence, 0.5 s of a 200 Hz sine at a quarter of full scale, 0.4 s of silence:
    /// 4 kHz s16le PCM, made here so the answers depend on nothing outside.
    static func tonePCM() -> [UInt8] {
        let samples = (0..<4800).map { index -> Int16 in
            guard (1200..<3200).contains(index) else { return 0 }
            return Int16((0.25 * 32767 * sin(2 * Double.pi * 200 * Double(index) / 4000)).rounded())
        }
        return samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    static func audioFeatures(_ s: GoldenScenario) throws {
        let pcm = tonePCM()
        try s.call(["pcm_base64": .string(Base64.encode(pcm)), "sample_rate": 4000, "pitch_floor_hz": 100, "min_silence_ms": 100])  // analyze, the default
        try s.call(["operation": "stream", "session_id": "golden", "pcm_base64": .string(Base64.encode(pcm[..<4800])), "sample_rate": 4000,
                    "silence_ms": 300, "min_silence_ms": 100])
        try s.call(["operation": "stream", "session_id": "golden", "pcm_base64": .string(Base64.encode(pcm[4800...])), "sample_rate": 4000])
        try s.call(["operation": "stream", "session_id": "golden", "end": true])
        try s.call(["operation": "stream", "session_id": "golden", "end": true])  // not_found
        try s.call(["operation": "analyze", "wav_base64": "UklGRg=="])  // invalid_audio
        try s.call(["operation": "analyze", "pcm_base64": "AAAA", "sample_rate": 8000, "encoding": "alaw"])  // unsupported_audio
    }

    static func toolsManager(_ s: GoldenScenario) throws {
        s.harness.directory.write("extra/calc.yaml", """
            name: Calculator
            type: executable
            tags: [math, golden]
            description: Adds numbers
            executable: {command: python3, args: ["{tool_dir}/calc.py"]}
            input_schema:
              a: "number - First operand"
              b: {type: number, required: true}
            """)
        s.harness.directory.write("extra/chat.yaml", "name: Chat\ntype: llm\ntags: [math, words, golden]\ndescription: Talks about words\n")
        s.harness.directory.write("extra/broken.yaml", "name: [oops\n")
        try s.call(["operation": "list", "tag": "golden"])
        try s.call(["operation": "list", "tag": "math", "type": "executable"])
        try s.call(["operation": "list", "type": "custom"])
        try s.call(["operation": "describe", "tool": "calc"])
        try s.call(["operation": "describe", "tool": "calc", "format": "mcp"])
        try s.call(["operation": "describe", "tool": "calc", "format": "openai"])
        try s.call(["operation": "describe", "tool": "chat"])
        try s.call(["operation": "describe", "tool": "calk"])  // unknown_tool with a suggestion
        try s.call(["operation": "validate", "tool": "calc", "input": ["a": 1, "b": 2]])
        try s.call(["operation": "validate", "yaml": "name: Gen\ntype: executable\nexecutable:\n  command: python3\n", "id": "gen"])
        try s.call(["operation": "search", "query": "add two numbers", "limit": 3])
        try s.call(["operation": "search", "query": "talk about words", "type": "llm"])

        let adder = """
            name: "Adder"
            type: executable
            description: Adds two numbers
            tags: [golden]
            executable:
              command: python3
              args: ["{tool_dir}/adder.py"]
            input_schema:
              a: {type: number, required: true}
              b: {type: number, required: true}
            """
        let code = "import json, sys\nd = json.load(sys.stdin)\nprint(json.dumps({\"sum\": d[\"a\"] + d[\"b\"]}))\n"
        try s.call(["operation": "register_tool", "yaml": .string(adder), "code": .string(code), "code_file": "adder.py"])
        try s.call(["operation": "register_tool", "yaml": .string(adder), "code": .string(code), "code_file": "adder.py"])  // updated
        try s.call(["operation": "register_tool", "id": "broken", "yaml": "name: Broken\ntype: executable\nexecutable:\n  timeout: -1\n"])
        try s.call(["operation": "register_tool", "id": "calc", "yaml": .string(adder)])  // conflicting_tool_definitions
        try s.call(["operation": "register_function", "name": "multiply", "description": "x times y", "tags": ["golden"],
                "code": "def multiply(x, y):\n    return x * y\n",
                "parameters": ["x": ["type": "number", "required": true], "y": ["type": "number", "required": true]]])
        try s.call(["operation": "register_function", "name": "Shout", "function_name": "shout",
                "code": "def helper():\n    pass\n\ndef shout(text):\n    return text.upper()\n", "parameters": ["text": "string - what to shout"]])
        try s.call(["operation": "register_llm", "name": "Code Reviewer", "model": "llama3", "system_prompt": "Review the code.",
                "description": "Reviews code", "tags": ["golden"]])
        try s.call(["operation": "list", "tag": "golden"])
        try s.call(["operation": "describe", "tool": "code_reviewer", "format": "mcp"])
        try s.call(["operation": "describe", "tool": "adder"])
        try s.call(["operation": "search", "query": "multiply two numbers", "limit": 2])
    }
}
