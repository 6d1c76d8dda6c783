import ToolHostCore

/// Preference pairs for DPO from users' feedback (`openai-preference`): two assistant answers
/// to the same prompt, rated differently by their users (`user_feedback`, 1 to 5), become
/// `{"input": {"messages": prompt}, "preferred_output": [better], "non_preferred_output": [worse]}`,
/// OpenAI's preference fine-tuning format.
///
/// - The prompt of an answer is the system message (as `ChatExampleRules` makes it) and the
///   conversation's training-flagged user and assistant text up to the last user message
///   before it; answers in a row after one user message (regenerated ones) share a prompt.
/// - Prompts are the same when their normalised text is (`NormalisedText`), within a
///   conversation or across conversations.
/// - For each prompt, its best- and worst-rated answers are paired (of equal ratings, the first
///   recorded); a prompt whose answers are all rated the same gives no pair.
///
/// Two passes keep memory small: the selection is read once for the rated answers, keeping for
/// each prompt only its hash and its best and worst answer (about 100 bytes); then only the
/// conversations holding a pair's answers are read again, for the pairs' text (the preferred
/// answer's prompt and both answers), which is what memory then holds until they are written.
struct PreferencePairs {
    struct Answer: Sendable {
        let conversation: Int64
        let message: Int64
        let feedback: Int
        /// The hash of its prompt's normalised text: the pair's id for a split, so a prompt
        /// stays on its side whichever answers it gets later.
        let prompt: Int
    }

    private var best: [Int: Answer] = [:]
    private var worst: [Int: Answer] = [:]
    /// Rated answers seen.
    private(set) var ratedAnswers = 0

    /// First pass: the rated answers of one conversation.
    mutating func collect(_ document: JSONObject, rules: ChatExampleRules) {
        Self.answers(of: document, rules: rules) { answer, _ in
            ratedAnswers += 1
            let key = answer.prompt
            if best[key].map({ answer.feedback > $0.feedback }) ?? true { best[key] = answer }
            if worst[key].map({ answer.feedback < $0.feedback }) ?? true { worst[key] = answer }
        }
    }

    /// The pairs found, ordered by the preferred answer's conversation and message.
    var pairs: [(preferred: Answer, rejected: Answer)] {
        best.compactMap { key, preferred in
            guard let rejected = worst[key], preferred.feedback > rejected.feedback else { return nil }
            return (preferred, rejected)
        }.sorted { ($0.preferred.conversation, $0.preferred.message) < ($1.preferred.conversation, $1.preferred.message) }
    }

    /// Second pass: the text of each of `answers`' messages in `document`, and the prompt's
    /// messages of each of `prompts'` (the preferred answers': a rejected answer's prompt is the same).
    static func texts(in document: JSONObject, rules: ChatExampleRules, answers wanted: Set<Int64>, prompts wantedPrompts: Set<Int64>,
                      into found: inout [Int64: String], prompts: inout [Int64: [JSONValue]]) {
        answers(of: document, rules: rules) { answer, text in
            guard wanted.contains(answer.message) else { return }
            found[answer.message] = text.answer
            if wantedPrompts.contains(answer.message) { prompts[answer.message] = text.prompt() }
        }
    }

    /// The pair as a line of the preference format.
    static func example(prompt: [JSONValue], preferred: String, rejected: String) -> JSONObject {
        ["input": ["messages": .array(prompt)],
         "preferred_output": [["role": "assistant", "content": .string(preferred)]],
         "non_preferred_output": [["role": "assistant", "content": .string(rejected)]]]
    }

    /// What an answer's prompt and text are, built only when asked for (the second pass).
    struct AnswerText {
        let system: String?
        let turns: ArraySlice<JSONObject>
        let answer: String

        func prompt() -> [JSONValue] {
            var messages: [JSONValue] = system.map { [["role": "system", "content": .string($0)]] } ?? []
            for turn in turns { messages.append(["role": turn["role"] ?? "user", "content": turn["content"] ?? ""]) }
            return messages
        }
    }

    /// Calls `body` for each rated assistant answer of `document` that follows a user message,
    /// with its prompt's normalised text.
    private static func answers(of document: JSONObject, rules: ChatExampleRules, _ body: (Answer, AnswerText) -> Void) {
        guard let conversation = document["conversation_id"]?.integerValue else { return }
        var systems: [String] = []
        var turns: [JSONObject] = []
        for case .object(let message) in document["messages"]?.arrayValue ?? [] {
            guard message["training_flag"] != false, let role = message["role"]?.stringValue,
                  let content = message["content"]?.stringValue, !content.isEmpty else { continue }
            switch role {
            case "system": systems.append(content)
            case "user", "assistant": turns.append(message)
            default: continue
            }
        }
        let system = rules.system(conversations: systems)
        var prompt = NormalisedText()
        if let system { prompt.add(.string(system)) }
        var promptEnd = 0  // turns[..<promptEnd]: up to the last user message so far
        var promptText = prompt
        for (index, turn) in turns.enumerated() {
            if turn["role"] == "user" {
                for earlier in turns[promptEnd...index] {
                    prompt.add(earlier["role"] ?? .null)
                    prompt.add(earlier["content"] ?? .null)
                }
                promptEnd = index + 1
                promptText = prompt
                continue
            }
            guard promptEnd > 0, let feedback = turn["user_feedback"]?.integerValue, let id = turn["id"]?.integerValue,
                  let content = turn["content"]?.stringValue else { continue }
            body(Answer(conversation: Int64(conversation), message: Int64(id), feedback: feedback, prompt: promptText.hash),
                 AnswerText(system: system, turns: turns[..<promptEnd], answer: content))
        }
    }
}
