import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// The hygiene of fine-tuning exports through the real binary, on both engines: personal data
/// scrubbed and counted by kind, duplicates dropped and counted, a deterministic
/// train/validation split into two files.
@Suite("Fine-tuning exports: scrubbing, duplicates, split")
struct FineTuningExportTests {
    let fixture = CLIFixture()
    private let quiet = ["TOOLHOST_RECORD_INVOCATIONS": "false"]

    private func run(_ arguments: [String], _ input: String? = nil, database: TestDatabase) throws -> ToolHostBinary.Result {
        try fixture.run(arguments + ["--tools-dir", ToolHostPaths.shippedTools], input: input,
                        environment: database.environment.merging(quiet) { $1 })
    }

    /// Calls conversation_store once per input, in one `serve --jsonl` process; the answers in order.
    private func calls(_ inputs: [String], database: TestDatabase) throws -> [JSONValue] {
        let lines = inputs.enumerated().map { #"{"id": \#($0.offset), "tool": "conversation_store", "input": \#($0.element)}"# }
        let served = try run(["serve", "--jsonl"], lines.joined(separator: "\n") + "\n", database: database)
        let answers = try served.stdoutText.split(separator: "\n").map { try JSONParser.parse(String($0)) }
            .sorted { ($0["id"]?.integerValue ?? 0) < ($1["id"]?.integerValue ?? 0) }.map { $0["result"] ?? .null }
        try #require(answers.count == inputs.count && answers.allSatisfy { $0["success"] == true }, "\(served.stdoutText) \(served.stderr)")
        return answers
    }

    /// One conversation per element, each a list of (role, content) turns; their ids in order.
    @discardableResult
    private func seed(_ conversations: [[(String, String)]], database: TestDatabase) throws -> [Int] {
        try seed(conversations.map { $0.map { ["role": .string($0.0), "content": .string($0.1)] } }, database: database)
    }

    /// One conversation per element, each a list of add_message fields; their ids in order.
    @discardableResult
    private func seed(_ conversations: [[JSONObject]], database: TestDatabase) throws -> [Int] {
        let started = try calls(conversations.indices.map { #"{"operation": "start_conversation", "user_id": "u\#($0)"}"# }, database: database)
        // Started side by side, so the ids come in any order: the first conversation gets the lowest.
        let ids = started.compactMap { $0["conversation_id"]?.integerValue }.sorted()
        // A server runs calls side by side: one round per turn keeps each conversation's order.
        for turn in 0..<(conversations.map(\.count).max() ?? 0) {
            let messages = zip(ids, conversations).filter { turn < $0.1.count }.map { id, turns in
                var fields = turns[turn]
                fields["operation"] = "add_message"
                fields["conversation_id"] = .int(id)
                return JSONWriter.string(.object(fields))
            }
            _ = try calls(messages, database: database)
        }
        return ids
    }

    private func lines(_ path: String) throws -> [JSONValue] {
        try (fixture.directory.read(path) ?? "").split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    private func texts(_ path: String) throws -> [String] {
        try lines(path).map { JSONWriter.string($0["messages"] ?? .null) }
    }

    @Test(arguments: Engine.allCases)
    func personalDataIsScrubbedByKindAndCounted(engine: Engine) throws {
        let database = try TestDatabase(engine)
        try seed([
            [("user", "Mail bob@example.com or ann@example.org, call +44 20 7946 0958"), ("assistant", "Done; my key is sk-proj-abcdefghijklmnop1234")],
            [("user", "Card 4111 1111 1111 1111 from 10.1.2.3, staff EMP-123456"), ("assistant", "Card 4111 1111 1111 1112 fails Luhn; version 1.2.3")],
        ], database: database)
        let config = fixture.directory.write("scrub.yaml", "training:\n  export_scrub_patterns: ['EMP-\\d{6}']\n")
        let exported = try run(["export", "conversations", "--format", "openai-chat", "--out", "scrubbed.jsonl", "--config", config], database: database)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("scrubbed 1 api_key, 1 credit_card, 2 email, 1 ip_address, 1 pattern, 1 phone_number"), "\(exported.stderr)")
        let text = try texts("scrubbed.jsonl").joined(separator: "\n")
        for gone in ["bob@example.com", "ann@example.org", "7946", "sk-proj", "4111 1111 1111 1111", "10.1.2.3", "EMP-123456"] {
            #expect(!text.contains(gone), "\(gone) in \(text)")
        }
        for placeholder in ["email", "phone_number", "api_key", "credit_card", "ip_address", "pattern"] {
            #expect(text.contains("[REDACTED:\(placeholder)]"), "\(placeholder) in \(text)")
        }
        // What is not personal data stays: a card number failing Luhn, a version number.
        #expect(text.contains("4111 1111 1111 1112") && text.contains("version 1.2.3"))

        // The tool says the same by kind; --no-scrub (scrub: false) leaves the text and says nothing.
        let tool = try run(["run", "conversation_store", "--config", config],
                           #"{"operation": "export_conversations", "output_path": "tool.jsonl", "format": "openai-chat"}"#, database: database)
        #expect(tool.json["scrubbed"] == ["api_key": 1, "credit_card": 1, "email": 2, "ip_address": 1, "pattern": 1, "phone_number": 1], "\(tool.stdoutText)")
        let raw = try run(["export", "conversations", "--format", "openai-chat", "--out", "raw.jsonl", "--no-scrub"], database: database)
        #expect(raw.status == 0 && !raw.stderr.contains("scrubbed"), "\(raw.stderr)")
        #expect(try texts("raw.jsonl").joined().contains("bob@example.com"))
        let unscrubbed = try run(["run", "conversation_store"],
                                 #"{"operation": "export_conversations", "output_path": "raw2.jsonl", "format": "openai-chat", "scrub": false}"#, database: database)
        #expect(unscrubbed.json["success"] == true && unscrubbed.json["scrubbed"] == nil, "\(unscrubbed.stdoutText)")

        // The detectors are configurable: only e-mails here.
        let emails = fixture.directory.write("emails.yaml", "training:\n  export_scrub: [emails]\n")
        let some = try run(["export", "conversations", "--format", "openai-chat", "--out", "emails.jsonl", "--config", emails], database: database)
        #expect(some.stderr.contains("scrubbed 2 email") && !some.stderr.contains("phone_number"), "\(some.stderr)")
        #expect(try texts("emails.jsonl").joined().contains("+44 20 7946 0958"))
        let wrong = fixture.directory.write("wrong.yaml", "training:\n  export_scrub: [emails, faces]\n")
        let refused = try run(["export", "conversations", "--format", "openai-chat", "--out", "x.jsonl", "--config", wrong], database: database)
        #expect(refused.status != 0 && refused.stderr.contains("training.export_scrub names an unknown detector 'faces'"), "\(refused.stderr)")
    }

    @Test(arguments: Engine.allCases)
    func exactAndNearDuplicatesAreDroppedAndCounted(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let ids = try seed([
            [("user", "How do I reset my password?"), ("assistant", "Open Settings, then Security.")],
            [("user", "How do I reset my password?"), ("assistant", "Open Settings, then Security.")],  // exact
            [("user", "how do i reset my password"), ("assistant", "Open settings -- then security!")],  // near
            [("user", "How do I reset my password?"), ("assistant", "Ask your administrator.")],  // different answer
        ], database: database)
        let exported = try run(["export", "conversations", "--format", "openai-chat", "--out", "d.jsonl", "--mark-exported"], database: database)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("exported 2 conversations") && exported.stderr.contains("2 duplicates dropped (1 exact, 1 near)"), "\(exported.stderr)")
        let kept = try texts("d.jsonl")
        #expect(kept.count == 2 && kept[0].contains("Open Settings, then Security.") && kept[1].contains("Ask your administrator"), "\(kept)")
        // A duplicate is exported as the example it repeats: nothing of it waits for the next export.
        #expect(exported.stderr.contains("4 marked exported"), "\(exported.stderr)")

        let all = try run(["run", "conversation_store"],
                          #"{"operation": "export_conversations", "output_path": "all.jsonl", "format": "openai-chat", "deduplicate": false}"#, database: database)
        #expect(all.json["count"] == 4 && all.json["duplicates_removed"] == nil, "\(all.stdoutText)")
        let again = try run(["run", "conversation_store"],
                            #"{"operation": "export_conversations", "output_path": "again.jsonl", "format": "openai-chat"}"#, database: database)
        #expect(again.json["duplicates_removed"] == ["exact": 1, "near": 1], "\(again.stdoutText)")
        let kept2 = try run(["export", "conversations", "--format", "openai-chat", "--out", "k.jsonl", "--keep-duplicates"], database: database)
        #expect(kept2.stderr.contains("exported 4 conversations") && !kept2.stderr.contains("duplicates dropped"), "\(kept2.stderr)")
        // What is kept is what the check then warns about.
        #expect(kept2.stderr.contains("duplicate_example"), "\(kept2.stderr)")
        _ = ids
    }

    @Test(arguments: Engine.allCases)
    func aSplitIsTwoFilesDecidedByConversationID(engine: Engine) throws {
        let database = try TestDatabase(engine)
        try seed((0..<40).map { [("user", "question \($0)"), ("assistant", "answer \($0)")] }, database: database)
        let exported = try run(["export", "conversations", "--format", "openai-chat", "--split", "0.7", "--out", "set.jsonl"], database: database)
        #expect(exported.status == 0, "\(exported.stderr)")
        let training = try texts("set.train.jsonl"), validation = try texts("set.validation.jsonl")
        #expect(!fixture.directory.exists("set.jsonl"))
        #expect(training.count + validation.count == 40 && Set(training).isDisjoint(with: validation))
        // 0.7 of 40 by a hash: not exactly 28, but not far (the binomial's 3.5σ).
        #expect((18...38).contains(training.count), "\(training.count) of 40 for training")
        #expect(exported.stderr.contains("\(training.count) training in") && exported.stderr.contains("check of"), "\(exported.stderr)")

        // Another selection puts each conversation on the same side.
        let part = try run(["run", "conversation_store"],
                           #"{"operation": "export_conversations", "output_path": "part.jsonl", "format": "openai-chat", "split": 0.7, "limit": 15}"#,
                           database: database)
        #expect(part.json["split"]?["train"]?["check"]?["valid"] == true, "\(part.stdoutText)")
        let partTraining = try lines(part.json["split"]?["train"]?["path"]?.stringValue ?? "").map { JSONWriter.string($0["messages"] ?? .null) }
        let partValidation = try lines(part.json["split"]?["validation"]?["path"]?.stringValue ?? "").map { JSONWriter.string($0["messages"] ?? .null) }
        #expect(partTraining.count + partValidation.count == 15)
        #expect(Set(partTraining).isSubset(of: training) && Set(partValidation).isSubset(of: validation))
        #expect(part.json["split"]?["train"]?["count"]?.integerValue == partTraining.count)

        for (arguments, message) in [
            (["--split", "1"], "--split is the share of examples for training, above 0 and below 1"),
            (["--split", "0.9", "--out", "-"], "A split export writes two files"),
            (["--split", "0.9", "--format", "jsonl"], "A split applies to the fine-tuning formats"),
        ] {
            var command = ["export", "conversations", "--format", "openai-chat", "--out", "x.jsonl"]
            command += arguments
            let refused = try run(command, database: database)
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
    }

    @Test(arguments: Engine.allCases)
    func toolCallingExamplesCarryTheFunctionsTheCallsAndTheirAnswers(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let calls: JSONValue = [
            ["id": "c1", "type": "function", "function": ["name": "bulk_data_store", "arguments": ["operation": "search_logs", "query": "timeout"]]],
            ["id": "c2", "name": "weather", "arguments": #"{"city": "Paris"}"#],  // the flat shape of other SDKs
            ["id": "c3", "name": "never_answered"],
        ]
        try seed([
            [["role": "user", "content": "How many logs mention a timeout, and how is the weather?"],
             ["role": "assistant", "tool_calls": calls],
             ["role": "tool", "tool_call_id": "c1", "content": #"{"count": 3}"#],
             ["role": "tool", "tool_call_id": "c2", "content": "sunny"],
             ["role": "tool", "tool_call_id": "elsewhere", "content": "an answer to no call"],
             ["role": "assistant", "content": "Three logs mention a timeout; it is sunny."],
             ["role": "user", "content": "thanks"]],
            // Ends on a call and its answer: the example ends with the call (as OpenAI's own
            // tool-calling example does), nothing counted as cut.
            [["role": "user", "content": "Search the logs for disk full"],
             ["role": "assistant", "content": "Searching.", "tool_calls": [["id": "d1", "name": "bulk_data_store", "arguments": ["operation": "search_logs", "query": "disk full"]]]],
             ["role": "tool", "tool_call_id": "d1", "content": #"{"count": 0}"#]],
        ], database: database)
        let exported = try run(["export", "conversations", "--format", "openai-chat", "--out", "tools.jsonl"], database: database)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("1 cut after their last answer") && exported.stderr.contains("check: ok, 0 warnings"), "\(exported.stderr)")
        #expect(exported.stderr.contains("1 function called in the examples is no tool of the catalogue (weather)"), "\(exported.stderr)")
        let examples = try lines("tools.jsonl")
        try #require(examples.count == 2)
        let messages = examples[0]["messages"]?.arrayValue ?? []
        #expect(messages.compactMap { $0["role"]?.stringValue } == ["user", "assistant", "tool", "tool", "assistant"])
        let made = messages[1]["tool_calls"]?.arrayValue ?? []
        #expect(made.compactMap { $0["id"]?.stringValue } == ["c1", "c2"], "unanswered calls are left out: \(made)")
        #expect(messages[1]["content"] == nil)
        // Arguments are JSON text of an object, whatever shape they were recorded in.
        let arguments = try JSONParser.parse(made[0]["function"]?["arguments"]?.stringValue ?? "")
        #expect(arguments == ["operation": "search_logs", "query": "timeout"])
        #expect(made[1]["type"] == "function" && made[1]["function"]?["name"] == "weather")
        #expect(messages[2]["tool_call_id"] == "c1" && messages[3]["tool_call_id"] == "c2" && messages[3]["content"] == "sunny")
        let tools = examples[0]["tools"]?.arrayValue ?? []
        #expect(tools.compactMap { $0["function"]?["name"]?.stringValue } == ["bulk_data_store", "weather"])
        // A catalogue tool is declared with its input schema; an unknown one as taking an object.
        let parameters = tools.first?["function"]?["parameters"]
        #expect(parameters?["type"] == "object" && parameters?["properties"]?["operation"] != nil, "\(String(describing: parameters))")
        #expect(tools.last?["function"]?["parameters"] == ["type": "object"])
        let last = examples[1]["messages"]?.arrayValue ?? []
        #expect(last.compactMap { $0["role"]?.stringValue } == ["user", "assistant"] && last[1]["content"] == "Searching.")
        #expect(last[1]["tool_calls"]?[0]?["id"] == "d1")

        let checked = try run(["export", "check", "tools.jsonl", "--json"], database: database)
        #expect(checked.json["valid"] == true && checked.json["errors"] == [], "\(checked.stdoutText)")
        // The store keeps the calls in the one shape the export copies.
        let document = try run(["run", "conversation_store"], #"{"operation": "export_conversation", "conversation_id": 1}"#, database: database)
        let stored = document.json["conversation"]?["messages"]?.arrayValue?.first { $0["tool_calls"]?.arrayValue != nil }
        #expect(stored?["tool_calls"]?[1] == ["id": "c2", "type": "function", "function": ["name": "weather", "arguments": #"{"city": "Paris"}"#]],
                "\(String(describing: stored))")
    }

    @Test func toolCallsAreCheckedWhenTheyAreRecorded() throws {
        let database = try TestDatabase(.sqlite)
        let id = try #require(try seed([[("user", "hi")]], database: database).first)
        for (fields, path, message) in [
            (#""role": "user", "content": "x", "tool_calls": [{"id": "a", "name": "f"}]"#, "/tool_calls", "belongs to assistant messages, not to a user message"),
            (#""role": "assistant", "tool_calls": [{"id": "a", "name": "f", "arguments": "nope"}]"#, "/tool_calls/0/function/arguments", "must be a JSON object, or the text of one"),
            (#""role": "assistant", "tool_calls": [{"name": "f"}]"#, "/tool_calls/0/id", "is required"),
            (#""role": "assistant", "tool_calls": [{"id": "a", "name": "f"}, {"id": "a", "name": "g"}]"#, "/tool_calls/1/id", "repeats the id a"),
            (#""role": "assistant", "tool_calls": [{"id": "a", "type": "retrieval", "name": "f"}]"#, "/tool_calls/0/type", "must be \"function\""),
            (#""role": "assistant", "tool_calls": []"#, "/tool_calls", "must be a non-empty array"),
            (#""role": "assistant""#, "/content", "is required (a string), but for an assistant message that calls tools"),
            (#""role": "assistant", "content": "x", "tool_call_id": "a""#, "/tool_call_id", "belongs to tool messages"),
        ] {
            let refused = try run(["run", "conversation_store"], #"{"operation": "add_message", "conversation_id": \#(id), \#(fields)}"#, database: database)
            let violation = refused.json["violations"]?[0]
            #expect(refused.json["error_code"] == "invalid_input" && violation?["path"]?.stringValue == path
                    && violation?["message"]?.stringValue?.contains(message) == true, "\(fields): \(refused.stdoutText)")
        }
    }

    @Test(arguments: Engine.allCases)
    func preferencePairsComeFromAnswersToOnePromptRatedDifferently(engine: Engine) throws {
        let database = try TestDatabase(engine)
        func answer(_ text: String, _ feedback: Int?) -> JSONObject {
            var fields: JSONObject = ["role": "assistant", "content": .string(text)]
            if let feedback { fields["user_feedback"] = .int(feedback) }
            return fields
        }
        let question: JSONObject = ["role": "user", "content": "What is the capital of France?"]
        try seed([
            [question, answer("Paris.", 5)],
            [["role": "user", "content": "what is the capital of france"], answer("Lyon, I think.", 1)],  // the same prompt, normalised
            [question, answer("It is Paris.", 3)],
            [question, answer("Unrated.", nil)],
            // Two answers in a row to one question (a regenerated answer) share its prompt.
            [["role": "user", "content": "Name a prime number."], answer("Nine.", 2), answer("Seven.", 4)],
            // Rated alike: nothing to prefer.
            [["role": "user", "content": "Say hi."], answer("Hi.", 4)],
            [["role": "user", "content": "Say hi."], answer("Hello.", 4)],
        ], database: database)
        let exported = try run(["export", "conversations", "--format", "openai-preference", "--system-prompt", "Be brief.", "--out", "pairs.jsonl",
                                "--mark-exported"], database: database)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("exported 2 preference pairs of 7 rated answers (openai-preference)"), "\(exported.stderr)")
        #expect(exported.stderr.contains("check: ok, 0 warnings"), "\(exported.stderr)")
        let pairs = try lines("pairs.jsonl")
        try #require(pairs.count == 2)
        #expect(pairs[0]["input"]?["messages"] == [["role": "system", "content": "Be brief."], ["role": "user", "content": "What is the capital of France?"]])
        #expect(pairs[0]["preferred_output"] == [["role": "assistant", "content": "Paris."]])
        #expect(pairs[0]["non_preferred_output"] == [["role": "assistant", "content": "Lyon, I think."]])
        #expect(pairs[1]["preferred_output"]?[0]?["content"] == "Seven." && pairs[1]["non_preferred_output"]?[0]?["content"] == "Nine.")
        #expect(pairs[1]["input"]?["messages"]?.arrayValue?.last?["content"] == "Name a prime number.")
        // What the pairs stand for is marked: the conversations their answers come from.
        #expect(exported.stderr.contains("3 marked exported"), "\(exported.stderr)")

        let tool = try run(["run", "conversation_store"],
                           #"{"operation": "export_conversations", "output_path": "p.jsonl", "format": "openai-preference", "split": 0.5}"#, database: database)
        #expect(tool.json["count"] == 2 && tool.json["rated_answers"] == 7, "\(tool.stdoutText)")
        let sides = [tool.json["split"]?["train"]?["count"]?.integerValue ?? -1, tool.json["split"]?["validation"]?["count"]?.integerValue ?? -1]
        #expect(sides.reduce(0, +) == 2 && sides.allSatisfy { $0 >= 0 }, "\(tool.stdoutText)")
        let checked = try run(["export", "check", "pairs.jsonl", "--json"], database: database)
        #expect(checked.json["formats"]?["preference"] == 2 && checked.json["error_count"] == 0, "\(checked.stdoutText)")
    }
}
