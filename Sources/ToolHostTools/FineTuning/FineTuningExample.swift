import ToolHostCore

/// One line of a fine-tuning file checked against OpenAI's published formats: chat
/// (`{"messages": [...], "tools"?, "parallel_tool_calls"?}`, tool calling included) and
/// preference (`{"input": {"messages": ...}, "preferred_output": [...], "non_preferred_output": [...]}`).
/// Errors are what a fine-tuning job refuses; warnings what it takes but learns nothing or the
/// wrong thing from.
struct FineTuningExample {
    enum Format: String, Sendable {
        case chat, preference
    }

    struct Finding: Sendable, Equatable {
        let code: String
        let message: String
    }

    private(set) var format: Format?
    private(set) var errors: [Finding] = []
    private(set) var warnings: [Finding] = []
    /// Estimated tokens (`TokenEstimate`) of everything a job reads of the example.
    private(set) var tokens = 0
    private(set) var usesTools = false

    init(_ value: JSONValue) {
        guard let object = value.objectValue else {
            error("not_an_object", "An example is one JSON object per line, not \(value.kindPhrase).")
            return
        }
        if object["messages"] != nil {
            format = .chat
            checkChat(object)
        } else if object["input"] != nil || object["preferred_output"] != nil {
            format = .preference
            checkPreference(object)
        } else {
            error("unknown_format", "The example has neither \"messages\" (chat) nor \"input\" and \"preferred_output\" (preference).")
        }
    }

    private mutating func error(_ code: String, _ message: String) { errors.append(Finding(code: code, message: message)) }
    private mutating func warning(_ code: String, _ message: String) { warnings.append(Finding(code: code, message: message)) }

    // MARK: - Chat

    private mutating func checkChat(_ object: JSONObject) {
        for key in object.keys where !["messages", "tools", "parallel_tool_calls"].contains(key) {
            error("unknown_key", "The example has the key \"\(key)\"; a chat example has messages, and optionally tools and parallel_tool_calls.")
        }
        let tools = checkTools(object["tools"])
        checkParallelToolCalls(object["parallel_tool_calls"])
        guard let messages = messages(object["messages"], at: "messages") else { return }
        var conversation = Conversation(tools: tools)
        for (index, message) in messages.enumerated() { check(message, at: "messages[\(index)]", in: &conversation) }
        // An example may end with the calls it teaches, unanswered: OpenAI's own tool-calling
        // example does. Only a call the conversation went on past needs its answer.
        if let last = messages.last, last["role"]?.stringValue == "assistant" {
            for call in last["tool_calls"]?.arrayValue ?? [] { if let id = call["id"]?.stringValue { conversation.open[id] = nil } }
        }
        conversation.finish(&self)
        if conversation.assistantMessages == 0 {
            error("no_assistant_message", "The example has no assistant message: there is nothing to learn.")
        } else if let last = messages.last?["role"]?.stringValue, last != "assistant" {
            warning("ends_without_assistant", "The example ends with a \(last) message after its last assistant message; those turns train nothing.")
        }
        if conversation.weightedAssistantMessages == 0, conversation.assistantMessages > 0 {
            warning("all_weights_zero", "Every assistant message has weight 0: the example trains nothing.")
        }
        tokens += TokenEstimate.replyPriming
    }

    /// What a conversation's messages have said so far, for the rules that span messages.
    private struct Conversation {
        /// Function names the example's `tools` declare (nil: it declares none).
        let tools: Set<String>?
        var assistantMessages = 0
        var weightedAssistantMessages = 0
        var systemMessages = 0
        var seenNonSystem = false
        /// Tool calls made and not yet answered, by id.
        var open: [String: String] = [:]
        var callIDs: Set<String> = []

        init(tools: Set<String>?) { self.tools = tools }

        /// Tool calls never answered.
        func finish(_ example: inout FineTuningExample) {
            for (id, name) in open.sorted(by: { $0.key < $1.key }) {
                example.error("tool_call_unanswered", "The call \(id) of \(name) has no tool message answering it.")
            }
        }
    }

    private mutating func messages(_ value: JSONValue?, at path: String) -> [JSONObject]? {
        guard let array = value?.arrayValue, !array.isEmpty else {
            error("invalid_messages", "\(path) must be a non-empty array of messages, not \(value?.kindPhrase ?? "missing").")
            return nil
        }
        var objects: [JSONObject] = []
        for (index, element) in array.enumerated() {
            guard let object = element.objectValue else {
                error("invalid_message", "\(path)[\(index)] must be an object, not \(element.kindPhrase).")
                continue
            }
            objects.append(object)
        }
        return objects
    }

    private mutating func check(_ message: JSONObject, at path: String, in conversation: inout Conversation) {
        let role = message["role"]?.stringValue ?? ""
        // A call's answers come right after it: anything else first leaves it unanswered.
        if role != "tool", !conversation.open.isEmpty {
            for (id, name) in conversation.open.sorted(by: { $0.key < $1.key }) {
                error("tool_call_unanswered", "The call \(id) of \(name) is not answered by the tool messages right after it (\(path) comes first).")
            }
            conversation.open.removeAll()
        }
        let allowed: [String]
        switch role {
        case "system", "developer":
            allowed = ["role", "content", "name"]
            conversation.systemMessages += 1
            if conversation.systemMessages == 2 {
                warning("several_system_messages", "The example has more than one system message; models are trained with one.")
            }
            if conversation.seenNonSystem { warning("system_not_first", "\(path) is a system message after the conversation began.") }
        case "user":
            allowed = ["role", "content", "name"]
        case "assistant":
            allowed = ["role", "content", "name", "weight", "tool_calls", "refusal"]
            conversation.assistantMessages += 1
        case "tool":
            allowed = ["role", "content", "tool_call_id"]
        default:
            error("invalid_role", "\(path).role must be system, developer, user, assistant or tool, not \(message["role"].map { JSONWriter.string($0) } ?? "missing").")
            return
        }
        if role != "system" && role != "developer" { conversation.seenNonSystem = true }
        for key in message.keys where !allowed.contains(key) {
            error("unknown_key", "\(path) (\(role)) has the key \"\(key)\"; a \(role) message has \(allowed.joined(separator: ", ")).")
        }
        tokens += TokenEstimate.perMessage
        let hasToolCalls = role == "assistant" && message["tool_calls"] != nil && message["tool_calls"]?.isNull == false
        checkContent(message["content"], at: path, role: role, optional: hasToolCalls)
        switch role {
        case "assistant":
            checkWeight(message["weight"], at: path, conversation: &conversation)
            if hasToolCalls { checkToolCalls(message["tool_calls"], at: path, in: &conversation) }
        case "tool":
            checkToolAnswer(message["tool_call_id"], at: path, in: &conversation)
        default:
            break
        }
    }

    /// Text, or an array of content parts (`{"type": "text", "text": ...}`; images on user
    /// messages). May be absent or null only where tool calls stand in for it.
    private mutating func checkContent(_ value: JSONValue?, at path: String, role: String, optional: Bool) {
        switch value {
        case .string(let text)?:
            tokens += TokenEstimate.tokens(in: text)
        case .array(let parts)? where !parts.isEmpty:
            for (index, part) in parts.enumerated() {
                switch (part["type"]?.stringValue, part["text"]?.stringValue) {
                case ("text"?, let text?):
                    tokens += TokenEstimate.tokens(in: text)
                case ("image_url"?, _) where role == "user" && part["image_url"]?["url"]?.stringValue != nil:
                    tokens += TokenEstimate.perImage
                default:
                    error("invalid_content", "\(path).content[\(index)] must be {\"type\": \"text\", \"text\": ...}\(role == "user" ? " or an image_url part" : "").")
                }
            }
        case nil, .null?:
            if !optional { error("missing_content", "\(path) (\(role)) needs content: text or content parts.") }
        default:
            error("invalid_content", "\(path).content must be text or an array of content parts, not \(value?.kindPhrase ?? "missing").")
        }
    }

    private mutating func checkWeight(_ value: JSONValue?, at path: String, conversation: inout Conversation) {
        guard let value, !value.isNull else {
            conversation.weightedAssistantMessages += 1
            return
        }
        switch value.integerValue {
        case 1?: conversation.weightedAssistantMessages += 1
        case 0?: break
        default: error("invalid_weight", "\(path).weight must be 0 or 1, not \(JSONWriter.string(value)).")
        }
    }

    private mutating func checkToolCalls(_ value: JSONValue?, at path: String, in conversation: inout Conversation) {
        guard let calls = value?.arrayValue, !calls.isEmpty else {
            error("invalid_tool_calls", "\(path).tool_calls must be a non-empty array of calls.")
            return
        }
        usesTools = true
        for (index, call) in calls.enumerated() {
            let place = "\(path).tool_calls[\(index)]"
            guard let id = call["id"]?.stringValue, !id.isEmpty, call["type"]?.stringValue == "function",
                  let name = call["function"]?["name"]?.stringValue, !name.isEmpty,
                  let arguments = call["function"]?["arguments"]?.stringValue else {
                error("invalid_tool_calls", "\(place) must be {\"id\": ..., \"type\": \"function\", \"function\": {\"name\": ..., \"arguments\": \"<JSON text>\"}}.")
                continue
            }
            if !Self.isFunctionName(name) {
                error("invalid_function_name", "\(place).function.name \(name) is not a function name a job takes: 1 to 64 of A-Z, a-z, 0-9, _ and -.")
            }
            if !conversation.callIDs.insert(id).inserted {
                error("duplicate_tool_call_id", "\(place).id \(id) is used by an earlier call of the example.")
            }
            if (try? JSONParser.parse(arguments))?.objectValue == nil {
                error("invalid_tool_arguments", "\(place).function.arguments must be a JSON object written as text.")
            }
            if let tools = conversation.tools, !tools.contains(name) {
                error("unknown_tool_called", "\(place) calls \(name), which the example's tools do not declare.")
            }
            conversation.open[id] = name
            tokens += TokenEstimate.tokens(in: name) + TokenEstimate.tokens(in: arguments) + TokenEstimate.perMessage
        }
    }

    private mutating func checkToolAnswer(_ value: JSONValue?, at path: String, in conversation: inout Conversation) {
        guard let id = value?.stringValue, !id.isEmpty else {
            error("tool_message_unmatched", "\(path) (tool) needs the tool_call_id of the call it answers.")
            return
        }
        if conversation.open.removeValue(forKey: id) == nil {
            error("tool_message_unmatched", "\(path) answers \(id), which no earlier assistant message called (or which was answered already).")
        }
    }

    /// The declared functions' names; nil when the example declares no tools.
    private mutating func checkTools(_ value: JSONValue?) -> Set<String>? {
        guard let value, !value.isNull else { return nil }
        guard let tools = value.arrayValue else {
            error("invalid_tools", "tools must be an array of {\"type\": \"function\", \"function\": {...}}, not \(value.kindPhrase).")
            return nil
        }
        if !tools.isEmpty { usesTools = true }
        var names: Set<String> = []
        for (index, tool) in tools.enumerated() {
            guard tool["type"]?.stringValue == "function", let function = tool["function"]?.objectValue,
                  let name = function["name"]?.stringValue, !name.isEmpty else {
                error("invalid_tools", "tools[\(index)] must be {\"type\": \"function\", \"function\": {\"name\": ..., \"parameters\": {...}}}.")
                continue
            }
            if let parameters = function["parameters"], parameters.objectValue == nil {
                error("invalid_tools", "tools[\(index)].function.parameters must be a JSON Schema object.")
            }
            if !Self.isFunctionName(name) {
                error("invalid_function_name", "tools[\(index)].function.name \(name) is not a function name a job takes: 1 to 64 of A-Z, a-z, 0-9, _ and -.")
            }
            if !names.insert(name).inserted { error("invalid_tools", "tools[\(index)] declares \(name) a second time.") }
            tokens += TokenEstimate.tokens(in: JSONWriter.string(tool))
        }
        return names
    }

    private mutating func checkParallelToolCalls(_ value: JSONValue?) {
        guard let value, !value.isNull, value.boolValue == nil else { return }
        error("unknown_key", "parallel_tool_calls must be true or false, not \(value.kindPhrase).")
    }

    /// OpenAI's pattern for function names: `^[a-zA-Z0-9_-]{1,64}$`.
    static func isFunctionName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"): true
            default: false
            }
        }
    }

    // MARK: - Preference

    private mutating func checkPreference(_ object: JSONObject) {
        for key in object.keys where !["input", "preferred_output", "non_preferred_output"].contains(key) {
            error("unknown_key", "The example has the key \"\(key)\"; a preference example has input, preferred_output and non_preferred_output.")
        }
        guard let input = object["input"]?.objectValue else {
            error("invalid_preference", "input must be an object with the prompt's messages.")
            return
        }
        for key in input.keys where !["messages", "tools", "parallel_tool_calls"].contains(key) {
            error("unknown_key", "input has the key \"\(key)\"; it has messages, and optionally tools and parallel_tool_calls.")
        }
        let tools = checkTools(input["tools"])
        checkParallelToolCalls(input["parallel_tool_calls"])
        var conversation = Conversation(tools: tools)
        if let messages = messages(input["messages"], at: "input.messages") {
            for (index, message) in messages.enumerated() { check(message, at: "input.messages[\(index)]", in: &conversation) }
            if let last = messages.last?["role"]?.stringValue, last == "assistant" {
                warning("prompt_ends_with_assistant", "input.messages ends with an assistant message; the outputs compared are the next one.")
            }
        }
        conversation.finish(&self)
        var outputs: [JSONValue] = []
        for key in ["preferred_output", "non_preferred_output"] {
            guard let output = object[key]?.arrayValue, output.count == 1, let message = output[0].objectValue,
                  message["role"]?.stringValue == "assistant" else {
                error("invalid_preference", "\(key) must be an array of exactly one assistant message.")
                continue
            }
            var answer = Conversation(tools: tools)
            check(message, at: "\(key)[0]", in: &answer)
            outputs.append(output[0])
        }
        if outputs.count == 2, outputs[0] == outputs[1] {
            warning("identical_outputs", "preferred_output and non_preferred_output are the same: the pair teaches nothing.")
        }
        tokens += TokenEstimate.replyPriming
    }
}

/// Tokens as OpenAI's rule of thumb counts them without a tokenizer: about four bytes of
/// English text a token, a few for each message's framing. An estimate, said as one.
enum TokenEstimate {
    static let perMessage = 4
    static let replyPriming = 3
    /// A low-detail image.
    static let perImage = 85

    static func tokens(in text: String) -> Int {
        (text.utf8.count + 3) / 4
    }
}
