import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `toolhost export check FILE...` through the real binary: a summary a person reads, one
/// JSON object per file with --json, exit status 1 when a file has an error.
@Suite("toolhost export check")
struct ExportCheckCommandTests {
    let fixture = CLIFixture()

    private func write(_ name: String, _ lines: [String]) {
        fixture.directory.write(name, lines.joined(separator: "\n") + "\n")
    }

    private static func example(_ index: Int) -> String {
        #"{"messages": [{"role": "user", "content": "question \#(index)"}, {"role": "assistant", "content": "answer \#(index)"}]}"#
    }

    @Test func aGoodFileIsOkAndCounted() throws {
        write("good.jsonl", (0..<12).map(Self.example))
        let text = try fixture.run(["export", "check", "good.jsonl"])
        #expect(text.status == 0, "\(text.stdoutText) \(text.stderr)")
        #expect(text.stdoutText.hasPrefix("good.jsonl: ok — 12 examples (12 chat, 0 with tools, 0 preference), 0 warnings"))
        #expect(text.stdoutText.contains("tokens (estimated): "))
        let json = try fixture.run(["export", "check", "good.jsonl", "--json"])
        #expect(json.status == 0)
        #expect(json.json["valid"] == true && json.json["examples"] == 12 && json.json["file"] == "good.jsonl")
        #expect((json.json["tokens_estimated"]?["total"]?.integerValue ?? 0) > 12 * 4)
    }

    @Test func aBadFileNamesEachProblemWithItsLineAndFails() throws {
        let unanswered = #"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}, {"role": "assistant", "content": "done"}]}"#
        write("bad.jsonl", (0..<10).map(Self.example) + [unanswered, #"{"messages": [{"role": "user", "content": "hi"}]}"#])
        write("good.jsonl", (0..<10).map(Self.example))
        let result = try fixture.run(["export", "check", "good.jsonl", "bad.jsonl"])
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("good.jsonl: ok"))
        #expect(result.stdoutText.contains("bad.jsonl: 2 errors"))
        #expect(result.stdoutText.contains("error: line 11: tool_call_unanswered: The call c1 of f is not answered by the tool messages right after it (messages[2] comes first)."))
        #expect(result.stdoutText.contains("error: line 12: no_assistant_message:"))
        let json = try fixture.run(["export", "check", "bad.jsonl", "--json"])
        #expect(json.status == 1)
        #expect(json.json["valid"] == false && json.json["error_count"] == 2)
        #expect(json.json["codes"]?["tool_call_unanswered"] == 1)
    }

    @Test func mistakesInTheCommandAreClearSentences() throws {
        let missing = try fixture.run(["export", "check", "nowhere.jsonl"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Cannot read nowhere.jsonl: No such file or directory."), "\(missing.stderr)")
        let none = try fixture.run(["export", "check"])
        #expect(none.status != 0 && none.stderr.contains("export check needs the files to check"), "\(none.stderr)")
        let stray = try fixture.run(["export", "tool_executions", "extra.jsonl"])
        #expect(stray.status == 64 && stray.stderr.contains("only `toolhost export check FILE...` takes files"), "\(stray.stderr)")
        let flag = try fixture.run(["export", "tool_executions", "--json"])
        #expect(flag.status == 64 && flag.stderr.contains("--json applies to `toolhost export check` only"), "\(flag.stderr)")
    }
}
