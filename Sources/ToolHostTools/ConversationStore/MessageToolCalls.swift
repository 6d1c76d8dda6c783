import ToolHostCore

/// The tool calls an assistant message made (`add_message`'s `tool_calls`), stored in the shape
/// OpenAI's chat format and its fine-tuning files use:
/// `[{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]`.
///
/// Agents record calls in a few shapes, and each is taken: `function.arguments` as JSON text or
/// as an object (written as text), and the flat `{"id", "name", "arguments" | "args"}` of other
/// SDKs. What is stored is always the one shape, so an export copies it as it is; arguments
/// that are not a JSON object are refused here, where the caller can still fix them, rather
/// than by a fine-tuning job later.
enum MessageToolCalls {
    /// `tool_calls` normalised, or an invalid_input error naming the call and what is wrong.
    static func normalise(_ value: JSONValue, input: OperationInput) throws(ToolHostError) -> JSONValue {
        guard let calls = value.arrayValue, !calls.isEmpty else {
            throw input.invalid("tool_calls", "must be a non-empty array of calls ({\"id\", \"type\": \"function\", \"function\": {\"name\", \"arguments\"}})")
        }
        var normalised: [JSONValue] = []
        var ids: Set<String> = []
        for (index, call) in calls.enumerated() {
            let key = "tool_calls/\(index)"
            guard let object = call.objectValue else { throw input.invalid(key, "must be an object, not \(call.typeName)") }
            guard let id = object["id"]?.stringValue, !id.isEmpty else { throw input.invalid("\(key)/id", "is required: the id the tool message's tool_call_id names") }
            guard ids.insert(id).inserted else { throw input.invalid("\(key)/id", "repeats the id \(id) of an earlier call") }
            if let type = object["type"], type.stringValue != "function" {
                throw input.invalid("\(key)/type", "must be \"function\", not \(JSONWriter.string(type))")
            }
            let function = object["function"]?.objectValue ?? object
            guard let name = function["name"]?.stringValue, !name.isEmpty else {
                throw input.invalid("\(key)/function/name", "is required: the name of the tool called")
            }
            let arguments = try Self.arguments(function["arguments"] ?? function["args"], key: "\(key)/function/arguments", input: input)
            normalised.append(["id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": .string(arguments)]])
        }
        return .array(normalised)
    }

    /// The arguments as JSON text of an object (none: `{}`).
    private static func arguments(_ value: JSONValue?, key: String, input: OperationInput) throws(ToolHostError) -> String {
        switch value {
        case nil, .null?:
            return "{}"
        case .object?:
            return JSONWriter.string(value ?? [:])
        case .string(let text)?:
            guard (try? JSONParser.parse(text))?.objectValue != nil else {
                throw input.invalid(key, "must be a JSON object, or the text of one, not \(text.isEmpty ? "empty text" : "the text \(text.prefix(60))")")
            }
            return text
        case let other?:
            throw input.invalid(key, "must be a JSON object, or the text of one, not \(other.typeName)")
        }
    }
}
