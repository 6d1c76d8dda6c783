import Foundation
import Testing
import ToolHostCore
import ToolHostTestSupport

/// What a new user trips over first, each through the real binary (and, for completion, a real
/// bash running the script `toolhost --generate-completion-script bash` prints).
@Suite("CLI papercuts")
struct CLIPapercutTests {
    let fixture = CLIFixture()

    // MARK: did you mean

    @Test func aMistypedCommandGetsTheNearestName() throws {
        let list = try fixture.run(["lst"])
        let describe = try fixture.run(["descibe", "echo"])
        let validate = try fixture.run(["vaildate"])
        #expect(list.status == 64)
        #expect(list.stderr.contains("'lst' is not a toolhost command. Did you mean 'list'?"))
        #expect(describe.stderr.contains("Did you mean 'describe'?"))
        #expect(validate.stderr.contains("Did you mean 'validate'?"))
    }

    @Test func aMistypedSubcommandOfASubcommandToo() throws {
        let status = try fixture.run(["db", "staus"])
        #expect(status.status == 64)
        #expect(status.stderr.contains("'staus' is not a toolhost db command. Did you mean 'status'?"))
    }

    @Test func aWordNearNoCommandListsThemAll() throws {
        let result = try fixture.run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("'frobnicate' is not a toolhost command; the commands are: run, list, describe"))
    }

    @Test func realCommandsAndToolIdsThatLookLikeTypos() throws {
        // A tool id after `run` is never a command name; `help` is ArgumentParser's.
        let run = try fixture.run(["run", "lst"], input: "{}")
        let help = try fixture.run(["help", "list"])
        #expect(run.status == 127)
        #expect(run.json["error_code"] == "unknown_tool")
        #expect(help.status == 0)
        #expect(help.stdoutText.contains("USAGE: toolhost list"))
    }

    // MARK: help serve

    @Test func helpServePrintsTheServersOwnHelp() throws {
        let help = try fixture.run(["help", "serve"])
        let direct = try fixture.run(["serve", "--help"])
        #expect(help.status == 0)
        #expect(help.stdoutText.contains("--mcp") && help.stdoutText.contains("--http") && help.stdoutText.contains("--jsonl"))
        #expect(help.stdoutText == direct.stdoutText)
    }

    // MARK: list piped

    @Test func listIsNotCutWhenStdoutIsAPipe() throws {
        let description = "A description much longer than any terminal line, " + String(repeating: "word ", count: 60) + "end"
        fixture.directory.write("tools/long/long.yaml", "name: Long\ndescription: \(description)\nexecutable: {command: cat}\n")
        let result = try fixture.run(["list"])
        let line = result.stdoutText.split(separator: "\n").first { $0.hasPrefix("long ") }.map(String.init) ?? ""
        #expect(line.hasSuffix(description))
        #expect(!line.contains("…"))
    }

    // MARK: --pretty

    @Test func prettyIndentsAPluginsJSONAnswer() throws {
        let pretty = try fixture.run(["run", "echo", "--pretty"], input: #"{"message": "hi"}"#)
        let plain = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)
        let text = try fixture.run(["run", "text", "--pretty"], input: "{}")
        #expect(pretty.status == 0)
        #expect(pretty.stdoutText.contains("\n  \"message\": \"hi\""))
        #expect(pretty.json == plain.json)
        #expect(!plain.stdoutText.contains("\n  "))
        #expect(text.stdoutText == "not json\n")  // not JSON: as the plugin printed it
    }

    // MARK: tail with streaming off

    @Test func tailWithStreamingOffStopsAtOnceWithAnError() throws {
        // `timeout` only guards the test run: the old tail retried for ever.
        let result = try fixture.binary.runProgram("/usr/bin/timeout", ["60", fixture.binary.path, "tail"],
                                                   environment: ["TOOLHOST_STREAMING_BACKEND": "none"], directory: fixture.directory.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("toolhost: error: Streaming is off (streaming.backend is none), so there is no stream to tail"))
    }

    // MARK: README

    @Test func theReadmeExitStatusTableListsTheUsageError() throws {
        let readme = try String(contentsOfFile: FilePath.join(Self.repository, "README.md"), encoding: .utf8)
        let usage = try fixture.run(["list", "--no-such-option"])
        #expect(usage.status == 64)
        #expect(readme.contains("| 64 | usage error"))
    }

    static let repository = FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath)))

    // MARK: completion

    /// What bash offers after `words` (the last one being completed), from the real script.
    private func complete(_ words: [String]) throws -> [String] {
        let line = words.joined(separator: " ")
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let script = """
            source <(toolhost --generate-completion-script bash)
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
            _toolhost toolhost '\(words.last ?? "")' '\(words.dropLast().last ?? "")'
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let path = FilePath.directory(of: fixture.binary.path) + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try fixture.binary.runProgram("/bin/bash", ["-c", script], environment: ["PATH": path], directory: fixture.directory.path)
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    @Test func completionOffersToolIds() throws {
        let run = try complete(["toolhost", "run", "e"])
        let describe = try complete(["toolhost", "describe", ""])
        let elsewhere = try complete(["toolhost", "bench", "--tools-dir", "tools", "ha"])
        #expect(run == ["echo"])
        #expect(describe.contains("echo") && describe.contains("bulk_data_store") && describe.contains("hang"))
        #expect(elsewhere == ["hang"])
    }

    @Test func completionOffersDataTypes() throws {
        let tail = try complete(["toolhost", "tail", "t"])
        let export = try complete(["toolhost", "export", "co"])
        #expect(Set(tail) == ["tasks", "tool_executions"])
        #expect(export == ["conversations"])
    }

    @Test func completionOffersFileNamesWhereAPathIsTaken() throws {
        fixture.directory.write("request.json", "{}")
        let input = try complete(["toolhost", "run", "echo", "--input", "req"])
        let config = try complete(["toolhost", "list", "--config", "toolh"])
        #expect(input == ["request.json"])
        #expect(config == ["toolhost.yaml"])
    }
}
