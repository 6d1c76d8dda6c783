import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage

/// `toolhost export conversations` through the real binary.
@Suite("Conversation exports through the real binary")
struct ConversationCommandTests {
    let fixture = CLIFixture()
    private let quiet = ["TOOLHOST_RECORD_INVOCATIONS": "false"]

    private func run(_ arguments: [String], _ input: String? = nil, database: TestDatabase) throws -> ToolHostBinary.Result {
        try fixture.run(arguments + ["--tools-dir", ToolHostPaths.shippedTools], input: input,
                        environment: database.environment.merging(quiet) { $1 })
    }

    /// `count` conversations of one question and one answer each; the answers of the first
    /// `good` score 0.7 (30 words in a second), the rest 0.5.
    private func conversations(_ count: Int, good: Int, database: TestDatabase) throws {
        let answer = Array(repeating: "fine", count: 30).joined(separator: " ")
        for index in 0..<count {
            let started = try run(["run", "conversation_store"], #"{"operation": "start_conversation", "user_id": "u\#(index)"}"#, database: database)
            let id = try #require(started.json["conversation_id"]?.integerValue, "\(started.stderr) \(started.stdoutText)")
            _ = try run(["run", "conversation_store"], #"{"operation": "add_message", "conversation_id": \#(id), "role": "user", "content": "question \#(index)"}"#,
                        database: database)
            let reply = index < good ? #""content": "\#(answer)", "processing_time": 1.0"# : #""content": "no""#
            let added = try run(["run", "conversation_store"], #"{"operation": "add_message", "conversation_id": \#(id), "role": "assistant", \#(reply)}"#,
                                database: database)
            #expect(added.json["success"] == true, "\(added.stdoutText)")
        }
    }

    private func lines(_ path: String) throws -> [JSONValue] {
        try (fixture.directory.read(path) ?? "").split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    @Test(arguments: Engine.allCases)
    func openAIChatExportsFilterMarkAndWarn(engine: Engine) throws {
        let database = try TestDatabase(engine)
        try conversations(12, good: 11, database: database)

        let first = try run(["export", "conversations", "--format", "openai-chat", "--min-quality", "0.6", "--system-prompt", "Be brief.",
                             "--only-unexported", "--mark-exported", "--out", "chat.jsonl"], database: database)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("exported 11 conversations (openai-chat) to chat.jsonl"))
        #expect(first.stderr.contains("11 marked exported"))
        #expect(!first.stderr.contains("warning:"))
        let examples = try lines("chat.jsonl")
        #expect(examples.count == 11)
        #expect(examples.allSatisfy { $0["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } == ["system", "user", "assistant"] })
        #expect(examples.first?["messages"]?[0]?["content"] == "Be brief.")
        #expect(examples.first?["messages"]?[1]?["content"] == "question 0")
        // What the export wrote is what a fine-tuning job takes.
        let checked = try run(["export", "check", "chat.jsonl", "--json"], database: database)
        #expect(checked.status == 0, "\(checked.stdoutText)")
        #expect(checked.json["valid"] == true && checked.json["examples"] == 11 && checked.json["formats"]?["chat"] == 11)

        // Exported ones are not taken again; what remains is below the quality bar.
        let second = try run(["export", "conversations", "--format", "openai-chat", "--only-unexported", "--out", "rest.jsonl"], database: database)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("exported 1 conversation (openai-chat)"))
        #expect(second.stderr.contains("warning: only 1 example written; fine-tuning jobs need at least 10"))
        #expect(try lines("rest.jsonl").first?["messages"]?[0]?["content"] == "question 11")
    }

    /// Each example trains something: one system message, nothing after the last answer,
    /// weights from feedback or quality; and the file written passes the format check.
    @Test(arguments: Engine.allCases)
    func openAIChatExamplesAreCleaned(engine: Engine) throws {
        let database = try TestDatabase(engine)
        func add(_ id: Int, _ fields: String) throws {
            let added = try run(["run", "conversation_store"], #"{"operation": "add_message", "conversation_id": \#(id), \#(fields)}"#, database: database)
            #expect(added.json["success"] == true, "\(added.stdoutText)")
        }
        var ids: [Int] = []
        for index in 0..<3 {
            let started = try run(["run", "conversation_store"], #"{"operation": "start_conversation", "user_id": "c\#(index)"}"#, database: database)
            let id = try #require(started.json["conversation_id"]?.integerValue)
            ids.append(id)
            try add(id, #""role": "system", "content": "Own rules \#(index)." "#)
            try add(id, #""role": "user", "content": "first question \#(index)""#)
            // Answers: the first rated 1 by its user (weight 0 below 0.5), the second scored 0.9.
            try add(id, #""role": "assistant", "content": "first answer \#(index)", "user_feedback": 1"#)
            try add(id, #""role": "user", "content": "second question \#(index)""#)
            try add(id, #""role": "assistant", "content": "second answer \#(index)", "quality_score": 0.9"#)
            if index == 0 { try add(id, #""role": "user", "content": "thanks, bye""#) }  // a trailing turn
        }
        let plain = try run(["export", "conversations", "--format", "openai-chat", "--system-prompt", "Be brief.", "--out", "plain.jsonl"],
                            database: database)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stderr.contains("; 1 cut after their last answer"), "\(plain.stderr)")
        #expect(plain.stderr.contains("check: ok, 0 warnings"), "\(plain.stderr)")
        let examples = try lines("plain.jsonl")
        #expect(examples.count == 3)
        let roles = examples.map { $0["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } ?? [] }
        #expect(roles.allSatisfy { $0 == ["system", "user", "assistant", "user", "assistant"] }, "\(roles)")
        #expect(examples[0]["messages"]?[0]?["content"] == "Be brief.")
        #expect(examples[0]["messages"]?[0]?["weight"] == nil && examples[0]["messages"]?[2]?["weight"] == nil)

        let merged = try run(["export", "conversations", "--format", "openai-chat", "--system-prompt", "Be brief.", "--system-prompt-mode", "merge",
                              "--trailing-turns", "skip", "--zero-weight-below", "0.5", "--out", "merged.jsonl"], database: database)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stderr.contains("; 1 ending after their last answer skipped"), "\(merged.stderr)")
        let weighted = try lines("merged.jsonl")
        #expect(weighted.count == 2)
        #expect(weighted[0]["messages"]?[0]?["content"] == "Be brief.\n\nOwn rules 1.")
        #expect(weighted[0]["messages"]?[2]?["weight"] == 0 && weighted[0]["messages"]?[4]?["weight"] == 1)
        #expect(merged.stderr.contains("check: ok, 0 warnings"), "\(merged.stderr)")

        // The tool's export_conversations takes the same rules.
        let tool = try run(["run", "conversation_store"],
                           #"{"operation": "export_conversations", "output_path": "tool.jsonl", "format": "openai-chat", "trailing_turns": "skip", "zero_weight_below": 0.95}"#,
                           database: database)
        #expect(tool.json["count"] == 0 && tool.json["skipped_by"]?["trailing_turns"] == 1 && tool.json["skipped_by"]?["all_weights_zero"] == 2,
                "\(tool.stdoutText)")
        let wrong = try run(["export", "conversations", "--format", "openai-chat", "--trailing-turns", "drop", "--out", "x.jsonl"], database: database)
        #expect(wrong.status != 0 && wrong.stderr.contains("--trailing-turns must be one of cut, skip, not 'drop'."), "\(wrong.stderr)")
        _ = ids
    }

    @Test func jsonAndJSONLinesCarryWholeConversations() throws {
        let database = try TestDatabase(.sqlite)
        try conversations(3, good: 1, database: database)
        let array = try run(["export", "conversations", "--out", "all.json", "--limit", "2"], database: database)
        #expect(array.status == 0, "\(array.stderr)")
        let documents = try JSONParser.parse(fixture.directory.read("all.json") ?? "")
        #expect(documents.arrayValue?.count == 2)
        #expect(documents[0]?["messages"]?.arrayValue?.count == 2)
        #expect(documents[0]?["metadata"]?["total_messages"] == 2)

        let stdout = try run(["export", "conversations", "--format", "jsonl", "--out", "-", "--since", "1d"], database: database)
        #expect(stdout.status == 0)
        let streamed = stdout.stdoutText.split(separator: "\n")
        #expect(streamed.count == 3)
        #expect(try JSONParser.parse(String(streamed[2]))["user_id"] == "u2")
        #expect(stdout.stderr.contains("exported 3 conversations (jsonl) to stdout"))
    }

    @Test func badRequestsAreRefusedAndLeaveNoFile() throws {
        let database = try TestDatabase(.sqlite)
        let format = try run(["export", "conversations", "--format", "csv"], database: database)
        #expect(format.status == 2 && format.stderr.contains("Unknown conversation export format 'csv'; use json, jsonl, openai-chat, openai-preference."))
        let filter = try run(["export", "conversations", "--filter", "user_id=u1"], database: database)
        #expect(filter.status == 2 && filter.stderr.contains("--filter applies to training data types, not to conversations."))
        let misplaced = try run(["export", "events", "--only-unexported"], database: database)
        #expect(misplaced.status == 2 && misplaced.stderr.contains("--only-unexported applies to conversations only"))
        let quality = try run(["export", "conversations", "--min-quality", "1.5"], database: database)
        #expect(quality.status == 2 && quality.stderr.contains("between 0 and 1"))
        let folder = try run(["export", "conversations", "--out", "missing/x.jsonl"], database: database)
        #expect(folder.status != 0 && folder.stderr.contains("Cannot write the export to"))
        #expect(!fixture.directory.exists("missing"))
    }
}
