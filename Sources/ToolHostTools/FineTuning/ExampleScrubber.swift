import ToolHostCore

/// Takes personal data and secrets out of fine-tuning examples as they are exported
/// (`training.export_scrub`): every match becomes a typed placeholder (`[REDACTED:email]`) and
/// is counted by kind, so an export says what it took out and never does it silently.
///
/// Only what a person or a model wrote is searched: message `content` (text or text parts)
/// and the arguments of tool calls, which are parsed so that a replacement inside them keeps
/// them JSON. Roles, ids, weights and the tools' schemas are the example's structure and stay.
struct ExampleScrubber {
    let redaction: RecordRedaction
    /// The replacements made in the last example scrubbed, by kind.
    private(set) var counts = RecordRedaction.Counts()

    init(_ redaction: RecordRedaction) { self.redaction = redaction }

    /// A chat example (`messages`) or a preference pair (`input.messages`, `preferred_output`,
    /// `non_preferred_output`), scrubbed; `counts` says what was replaced in it.
    mutating func scrub(_ example: JSONObject) -> JSONObject {
        counts = [:]
        guard !redaction.isEmpty else { return example }
        var example = example
        for key in ["messages", "preferred_output", "non_preferred_output"] {
            if let messages = example[key]?.arrayValue { example[key] = .array(scrub(messages: messages)) }
        }
        if var input = example["input"]?.objectValue, let messages = input["messages"]?.arrayValue {
            input["messages"] = .array(scrub(messages: messages))
            example["input"] = .object(input)
        }
        return example
    }

    private mutating func scrub(messages: [JSONValue]) -> [JSONValue] {
        var scrubbed: [JSONValue] = []
        scrubbed.reserveCapacity(messages.count)
        for message in messages { scrubbed.append(scrub(message: message)) }
        return scrubbed
    }

    /// The message itself when its content needed no replacement and it makes no calls (most
    /// messages): no copy is made.
    private mutating func scrub(message value: JSONValue) -> JSONValue {
        guard var message = value.objectValue else { return value }
        var changed = false
        if let content = message["content"] {
            let scrubbed = redaction.redactValues(content, counting: &counts)
            if scrubbed != content {
                message["content"] = scrubbed
                changed = true
            }
        }
        if let calls = message["tool_calls"]?.arrayValue {
            var scrubbed: [JSONValue] = []
            for call in calls { scrubbed.append(scrub(call: call)) }
            message["tool_calls"] = .array(scrubbed)
            changed = true
        }
        return changed ? .object(message) : value
    }

    private mutating func scrub(call value: JSONValue) -> JSONValue {
        guard var call = value.objectValue, var function = call["function"]?.objectValue,
              let arguments = function["arguments"]?.stringValue else { return value }
        if let parsed = try? JSONParser.parse(arguments) {
            let scrubbed = redaction.redactValues(parsed, counting: &counts)
            if scrubbed != parsed { function["arguments"] = .string(JSONWriter.string(scrubbed)) }
        } else {
            function["arguments"] = .string(redaction.redact(arguments, counting: &counts))
        }
        call["function"] = .object(function)
        return .object(call)
    }
}
