import ToolHostCore

/// How `openai-chat` makes one fine-tuning example of a conversation, so that what it writes
/// trains something: its training-flagged system, user and assistant messages with text, and
/// its tool calls with their answers, in order, then
/// - **one system message** at most, first: the export's `system_prompt` replaces the
///   conversation's own (`replace`, the default) or opens one message with them (`merge`, the
///   export's text first); without a prompt, the conversation's own are joined into one;
/// - **tool calls answered**: an earlier assistant message's `tool_calls` stay when the `tool`
///   messages right after it answer them (its `tool_call_id`), and those answers stay with
///   them; a call not answered there, or an answer to no such call, is left out (a fine-tuning
///   job refuses both), ids used twice are made unique (`ToolCallPairing`);
/// - **the example ends with the last assistant message**: with all its calls, answered or not
///   (the format's own tool-calling example ends with a call), and without the tool messages
///   answering them; user turns after it (they carry no training signal) are cut (`cut`, the
///   default) or the conversation skipped (`skip`);
/// - **weights**, given `zeroWeightBelow`: an assistant message whose score is below it gets
///   `weight: 0`, the others `weight: 1`. Its score is its user's feedback mapped to 0–1
///   (`(feedback − 1) / 4`, feedback being 1 to 5) when it has one, else its `quality_score`;
///   a message with neither keeps weight 1. A conversation whose every answer weighs 0 is skipped.
///
/// The example's `tools` (the functions called) are the export's to add: it knows the catalogue.
public struct ChatExampleRules: Sendable, Equatable {
    public enum SystemMessage: String, Sendable, CaseIterable {
        case replace, merge
    }

    public enum TrailingTurns: String, Sendable, CaseIterable {
        case cut, skip
    }

    /// Why a conversation gave no example (the export counts each).
    public enum Skip: String, Sendable, CaseIterable {
        case noAssistantMessage = "no_assistant_message"
        case trailingTurns = "trailing_turns"
        case allWeightsZero = "all_weights_zero"
    }

    public enum Outcome: Sendable {
        /// The example, and whether turns after its last answer were cut.
        case example(JSONObject, cutTurns: Bool)
        case skipped(Skip)
    }

    public var systemPrompt: String?
    public var systemMessage = SystemMessage.replace
    public var trailingTurns = TrailingTurns.cut
    public var zeroWeightBelow: Double?

    public init() {}

    public func example(of document: JSONObject) -> Outcome {
        var systems: [String] = []
        var turns: [JSONObject] = []
        // Columns a message does not use are null: `tool_calls` counts when it is an array.
        for case .object(let message) in document["messages"]?.arrayValue ?? [] {
            guard message["training_flag"] != false, let role = message["role"]?.stringValue else { continue }
            let content = message["content"]?.stringValue
            switch role {
            case "system": if let content { systems.append(content) }
            case "user": if content != nil { turns.append(message) }
            case "assistant": if content != nil || message["tool_calls"]?.arrayValue != nil { turns.append(message) }
            case "tool": if content != nil, message["tool_call_id"]?.stringValue != nil { turns.append(message) }
            default: continue
            }
        }
        turns = ToolCallPairing.pair(turns, final: turns.lastIndex { $0["role"] == "assistant" })
        guard let end = turns.lastIndex(where: { $0["role"] == "assistant" }) else { return .skipped(.noAssistantMessage) }
        // The example ends with the last answer; tool messages after it answer its calls (they
        // train nothing, and the format does without them), anything else is a turn cut.
        let cutTurns = turns[(end + 1)...].contains { $0["role"] != "tool" }
        if cutTurns, trailingTurns == .skip { return .skipped(.trailingTurns) }
        var messages: [JSONValue] = []
        if let system = system(conversations: systems) { messages.append(["role": "system", "content": .string(system)]) }
        var weighted = false
        for message in turns[...end] {
            let role = message["role"]?.stringValue ?? "user"
            var out: JSONObject = ["role": .string(role)]
            switch role {
            case "assistant":
                let calls = message["tool_calls"]?.arrayValue
                if let content = message["content"]?.stringValue, !content.isEmpty || calls == nil { out["content"] = .string(content) }
                if let calls { out["tool_calls"] = .array(calls) }
                if let threshold = zeroWeightBelow {
                    let weight = Self.score(of: message).map { $0 < threshold ? 0 : 1 } ?? 1
                    out["weight"] = .int(weight)
                    weighted = weighted || weight == 1
                }
            case "tool":
                out["tool_call_id"] = message["tool_call_id"] ?? .null
                out["content"] = message["content"] ?? .null
            default:
                out["content"] = message["content"] ?? .null
            }
            messages.append(.object(out))
        }
        if zeroWeightBelow != nil, !weighted { return .skipped(.allWeightsZero) }
        return .example(["messages": .array(messages)], cutTurns: cutTurns)
    }

    /// The one system message: the prompt and the conversation's own as `systemMessage` says.
    func system(conversations: [String]) -> String? {
        let own = conversations.filter { !$0.isEmpty }
        guard let prompt = systemPrompt, !prompt.isEmpty else { return own.isEmpty ? nil : own.joined(separator: "\n\n") }
        switch systemMessage {
        case .replace: return prompt
        case .merge: return ([prompt] + own).joined(separator: "\n\n")
        }
    }

    /// 0 to 1: the user's feedback (1 to 5) when given, else the message's quality score.
    static func score(of message: JSONObject) -> Double? {
        if let feedback = message["user_feedback"]?.numberValue { return (feedback - 1) / 4 }
        return message["quality_score"]?.numberValue
    }
}

extension ChatExampleRules {
    /// The rules as `export_conversations` (`system_prompt`, `system_prompt_mode`,
    /// `trailing_turns`, `zero_weight_below`) and `toolhost export conversations` name them.
    public init(systemPrompt: String?, systemMessage: String?, trailingTurns: String?, zeroWeightBelow: Double?,
                names: (systemMessage: String, trailingTurns: String, zeroWeightBelow: String)) throws(ToolHostError) {
        self.init()
        self.systemPrompt = systemPrompt
        if let systemMessage { self.systemMessage = try Self.choice(systemMessage, key: names.systemMessage) }
        if let trailingTurns { self.trailingTurns = try Self.choice(trailingTurns, key: names.trailingTurns) }
        if let zeroWeightBelow {
            guard (0...1).contains(zeroWeightBelow) else {
                throw ToolHostError(.invalidInput, "\(names.zeroWeightBelow) must be a score between 0 and 1, not \(zeroWeightBelow).")
            }
            self.zeroWeightBelow = zeroWeightBelow
        }
    }

    private static func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, key: String) throws(ToolHostError) -> Choice
    where Choice.RawValue == String {
        guard let value = Choice(rawValue: name.lowercased()) else {
            throw ToolHostError(.invalidInput, "\(key) must be one of \(Choice.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'.")
        }
        return value
    }
}
