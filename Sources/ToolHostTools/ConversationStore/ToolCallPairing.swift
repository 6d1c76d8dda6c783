import ToolHostCore

/// Which tool calls and tool messages of a conversation an openai-chat example keeps, so that a
/// fine-tuning job takes it: OpenAI's chat format wants every call of an assistant message
/// answered by the `tool` messages that come right after it, each answer naming its call by
/// `tool_call_id`, ids used once in an example, and function names of `[A-Za-z0-9_-]{1,64}`.
///
/// - An assistant message keeps the calls the tool messages right after it answer (an id
///   answered twice there keeps two calls of that id, in order); the `final` assistant message
///   keeps all its calls, answered or not (an example may end with the calls it teaches).
/// - A tool message is kept when it answers a kept call of the assistant message right before
///   it (or before the tool messages between); any other is left out.
/// - An assistant message left with neither text nor calls is left out, with its answers.
/// - A call id used earlier in the example (SDKs that number calls per turn reuse `call_0`) is
///   renamed `id~2`, `id~3`…, with its answer; a function name outside OpenAI's pattern is
///   written as `ToolDescription.openAIFunctionName` makes it (the `tools` use the same).
enum ToolCallPairing {
    static func pair(_ turns: [JSONObject], final: Int?) -> [JSONObject] {
        guard turns.contains(where: { $0["role"] == "tool" || $0["tool_calls"]?.arrayValue != nil }) else { return turns }
        var kept: [JSONObject] = []
        var usedIDs: Set<String> = []
        var index = 0
        while index < turns.count {
            let turn = turns[index]
            let role = turn["role"]?.stringValue
            guard role != "tool" else {
                index += 1  // not right after a call of its
                continue
            }
            guard role == "assistant", let calls = turn["tool_calls"]?.arrayValue else {
                kept.append(turn)
                index += 1
                continue
            }
            let isFinal = index == final
            var end = index + 1
            while end < turns.count, turns[end]["role"] == "tool" { end += 1 }
            let answers = turns[(index + 1)..<end]
            index = end
            // How many answers each id has right here: that many of its calls stay.
            var answerCount: [String: Int] = [:]
            for answer in answers { if let id = answer["tool_call_id"]?.stringValue { answerCount[id, default: 0] += 1 } }
            var keptCalls: [JSONValue] = []
            var renamed: [String: [String]] = [:]  // original id → the ids its kept calls got, in order
            for call in calls {
                guard let id = call["id"]?.stringValue else { continue }
                if !isFinal {
                    guard let left = answerCount[id], left > 0 else { continue }
                    answerCount[id] = left - 1
                }
                let unique = uniqueID(id, used: &usedIDs)
                renamed[id, default: []].append(unique)
                keptCalls.append(rewritten(call, id: unique))
            }
            let content = turn["content"]?.stringValue ?? ""
            guard !keptCalls.isEmpty || !content.isEmpty else { continue }
            var assistant = turn
            assistant["tool_calls"] = keptCalls.isEmpty ? nil : .array(keptCalls)
            kept.append(assistant)
            for answer in answers {
                guard let id = answer["tool_call_id"]?.stringValue, var ids = renamed[id], !ids.isEmpty else { continue }
                var answer = answer
                answer["tool_call_id"] = .string(ids.removeFirst())
                renamed[id] = ids
                kept.append(answer)
            }
        }
        return kept
    }

    /// `id`, or `id~2`, `id~3`… when the example used it already.
    private static func uniqueID(_ id: String, used: inout Set<String>) -> String {
        var candidate = id
        var number = 2
        while used.contains(candidate) {
            candidate = "\(id)~\(number)"
            number += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// The call with `id` and a function name OpenAI takes.
    private static func rewritten(_ call: JSONValue, id: String) -> JSONValue {
        guard var object = call.objectValue else { return call }
        object["id"] = .string(id)
        if var function = object["function"]?.objectValue, let name = function["name"]?.stringValue {
            function["name"] = .string(ToolDescription.openAIFunctionName(name))
            object["function"] = .object(function)
        }
        return .object(object)
    }
}
