import Foundation
import Testing
import ToolHostCore
@testable import ToolHostTools

/// The rules of OpenAI's fine-tuning formats (chat, tool calling, preference), as the
/// published documentation states them, checked by `FineTuningFileCheck`: the documentation's
/// own examples pass, and each rule broken is its own error code.
@Suite("Fine-tuning file check")
struct FineTuningCheckTests {
    // The examples of OpenAI's fine-tuning guide, as published.
    static let chat = #"{"messages": [{"role": "system", "content": "Marv is a factual chatbot that is also sarcastic."}, {"role": "user", "content": "What's the capital of France?"}, {"role": "assistant", "content": "Paris, as if everyone doesn't know that already."}]}"#
    static let weighted = #"{"messages": [{"role": "system", "content": "Marv is a factual chatbot that is also sarcastic."}, {"role": "user", "content": "What's the capital of France?"}, {"role": "assistant", "content": "Paris", "weight": 0}, {"role": "user", "content": "Can you be more sarcastic?"}, {"role": "assistant", "content": "Paris, as if everyone doesn't know that already.", "weight": 1}]}"#
    static let toolCalling = #"{"messages": [{"role": "user", "content": "What is the weather in San Francisco?"}, {"role": "assistant", "tool_calls": [{"id": "call_id", "type": "function", "function": {"name": "get_current_weather", "arguments": "{\"location\": \"San Francisco, USA\", \"format\": \"celsius\"}"}}]}, {"role": "tool", "tool_call_id": "call_id", "content": "21.0"}, {"role": "assistant", "content": "It is 21 degrees celsius in San Francisco, CA"}], "tools": [{"type": "function", "function": {"name": "get_current_weather", "description": "Get the current weather", "parameters": {"type": "object", "properties": {"location": {"type": "string", "description": "The city and country, eg. San Francisco, USA"}, "format": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location", "format"]}}}]}"#
    /// The function-calling guide's example: it ends with the call, unanswered.
    static let endsWithCall = #"{"messages": [{"role": "user", "content": "What is the weather in San Francisco?"}, {"role": "assistant", "tool_calls": [{"id": "call_id", "type": "function", "function": {"name": "get_current_weather", "arguments": "{\"location\": \"San Francisco, USA\", \"format\": \"celsius\"}"}}]}], "tools": [{"type": "function", "function": {"name": "get_current_weather", "description": "Get the current weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}, "format": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location", "format"]}}}]}"#
    static let preference = #"{"input": {"messages": [{"role": "user", "content": "Hello, can you tell me how cold San Francisco is today?"}], "tools": [], "parallel_tool_calls": true}, "preferred_output": [{"role": "assistant", "content": "Today in San Francisco, it is not quite cold as expected. Morning clouds will give away to sunshine, with a high near 68°F (20°C) and a low around 57°F (14°C)."}], "non_preferred_output": [{"role": "assistant", "content": "It is not particularly cold in San Francisco today."}]}"#

    private func check(_ lines: [String], options: FineTuningFileCheck.Options = .init()) -> FineTuningFileCheck.Summary {
        var check = FineTuningFileCheck(options: options)
        for (index, line) in lines.enumerated() { check.add(Array(line.utf8), line: index + 1) }
        return check.finish()
    }

    @Test func thePublishedExamplesPass() {
        // Ten distinct examples of each: a job needs ten.
        let lines = [Self.chat, Self.weighted, Self.toolCalling, Self.endsWithCall, Self.preference].flatMap { example in
            (0..<10).map { example.replacingOccurrences(of: "San Francisco", with: "San Francisco \($0)").replacingOccurrences(of: "France", with: "France \($0)") }
        }
        let summary = check(lines)
        #expect(summary.isValid, "\(summary.errors)")
        #expect(summary.warningCount == 0, "\(summary.warnings)")
        #expect(summary.examples == 50 && summary.chat == 40 && summary.preference == 10 && summary.withTools == 20)
        #expect(summary.tokens > 0 && summary.maxTokens > 0 && summary.duplicates == 0)
    }

    @Test(arguments: [
        ("[1, 2]", "not_an_object"),
        (#"{"prompt": "x", "completion": "y"}"#, "unknown_format"),
        (#"{"messages": []}"#, "invalid_messages"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}], "extra": 1}"#, "unknown_key"),
        (#"{"messages": [{"role": "robot", "content": "hi"}, {"role": "assistant", "content": "yo"}]}"#, "invalid_role"),
        (#"{"messages": [{"role": "user"}, {"role": "assistant", "content": "yo"}]}"#, "missing_content"),
        (#"{"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "yo"}]}"#, "invalid_content"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "weight": 0.5}]}"#, "invalid_weight"),
        (#"{"messages": [{"role": "user", "content": "hi"}]}"#, "no_assistant_message"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "not json"}}]}, {"role": "tool", "tool_call_id": "a", "content": "1"}, {"role": "assistant", "content": "ok"}]}"#, "invalid_tool_arguments"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}, {"role": "assistant", "content": "ok"}]}"#, "tool_call_unanswered"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "tool", "tool_call_id": "zzz", "content": "1"}, {"role": "assistant", "content": "ok"}]}"#, "tool_message_unmatched"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "g", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "a", "content": "1"}, {"role": "assistant", "content": "ok"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]}"#, "unknown_tool_called"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}, {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "a", "content": "1"}, {"role": "assistant", "content": "ok"}]}"#, "duplicate_tool_call_id"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}], "tools": [{"type": "function"}]}"#, "invalid_tools"),
        (#"{"input": {"messages": [{"role": "user", "content": "hi"}]}, "preferred_output": [{"role": "assistant", "content": "a"}]}"#, "invalid_preference"),
        (#"{"input": {"messages": [{"role": "user", "content": "hi"}]}, "preferred_output": [{"role": "user", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}"#, "invalid_preference"),
        ("{not json", "not_json"),
    ])
    func eachBrokenRuleIsItsOwnError(_ line: String, _ code: String) {
        let summary = check([line])
        #expect(!summary.isValid)
        let codes = summary.errors.map(\.code)
        #expect(codes.contains(code), "\(summary.errors)")
        #expect(summary.errors.allSatisfy { $0.line == 1 || $0.code == "too_few_examples" })
    }

    @Test(arguments: [
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}, {"role": "user", "content": "and?"}]}"#, "ends_without_assistant"),
        (#"{"messages": [{"role": "system", "content": "a"}, {"role": "system", "content": "b"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}"#, "several_system_messages"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "system", "content": "b"}, {"role": "assistant", "content": "yo"}]}"#, "system_not_first"),
        (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "weight": 0}]}"#, "all_weights_zero"),
        (#"{"input": {"messages": [{"role": "user", "content": "hi"}]}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "a"}]}"#, "identical_outputs"),
    ])
    func whatTrainsNothingIsAWarning(_ line: String, _ code: String) {
        let summary = check(Array(repeating: line, count: 1) + (0..<10).map { Self.chat.replacingOccurrences(of: "France", with: "France \($0)") })
        #expect(summary.isValid, "\(summary.errors)")
        #expect(summary.warnings.map(\.code).contains(code), "\(summary.warnings)")
    }

    @Test func theFileAsAWholeIsChecked() {
        let few = check([Self.chat, Self.chat])
        #expect(few.duplicates == 1 && few.warnings.contains { $0.code == "duplicate_example" && $0.line == 2 })
        #expect(few.warnings.contains { $0.code == "too_few_examples" && $0.line == 0 })
        #expect(few.isValid)
        let empty = check([])
        #expect(!empty.isValid && empty.errors.first?.code == "too_few_examples")
        var tight = FineTuningFileCheck.Options()
        tight.maxTokensPerExample = 10
        let long = check([Self.toolCalling], options: tight)
        #expect(long.overLimit == 1 && long.errors.contains { $0.code == "too_many_tokens" })
        // Everything is counted; the first `maxReported` of each kind are kept with their line.
        var reportTwo = FineTuningFileCheck.Options()
        reportTwo.maxReported = 2
        let many = check((0..<5).map { _ in "[]" }, options: reportTwo)
        #expect(many.errorCount == 5 + 0 && many.errors.count == 2 && many.codes["not_an_object"] == 5)
    }
}
