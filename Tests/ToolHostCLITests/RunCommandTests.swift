import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

@Suite("toolhost run, through the real binary")
struct RunCommandTests {
    let fixture = CLIFixture()

    @Test func pluginStdoutPassesThroughUnchangedWithDefaultsApplied() throws {
        let result = try fixture.run(["run", "echo"], input: #"{"message": "hi"}"#)
        #expect(result.status == 0)
        #expect(result.stdoutText == #"{"message":"hi","times":1}"# + "\n")
    }

    @Test func envelopeIsTheRecordCodeEvolverParses() throws {
        let result = try fixture.run(["run", "echo", "--envelope"], input: #"{"message": "hi"}"#)
        #expect(result.status == 0)
        let envelope = result.json
        #expect(envelope["success"] == true)
        #expect(envelope["exit_code"] == 0)
        #expect(envelope["stdout"] == .string(#"{"message":"hi","times":1}"# + "\n"))
        #expect(envelope["stderr"] == "")
        #expect(envelope["command"] == "cat")
        #expect(envelope["output"] == ["message": "hi", "times": 1])
        #expect(envelope["duration_ms"]?.numberValue != nil)
    }

    @Test func inputCanComeFromAFile() throws {
        fixture.directory.write("in.json", #"{"message": "from file"}"#)
        let result = try fixture.run(["run", "echo", "--input", "in.json"])
        #expect(result.json["message"] == "from file")
        let missing = try fixture.run(["run", "echo", "--input", "absent.json"])
        #expect(missing.json["error_code"] == "io_error")
    }

    // MARK: Bad input

    @Test func malformedJSONIsAnsweredWithItsPosition() throws {
        let result = try fixture.run(["run", "echo"], input: "{\"message\": \"hi\",\n}")
        #expect(result.status == 2)
        #expect(result.json["success"] == false)
        #expect(result.json["error_code"] == "invalid_json")
        #expect(result.json["line"] == 2)
    }

    @Test(arguments: ["[1, 2]", "\"text\"", "42", "null"])
    func aJSONValueThatIsNotAnObjectIsInvalidInput(input: String) throws {
        let result = try fixture.run(["run", "echo"], input: input)
        #expect(result.status == 2)
        #expect(result.json["error_code"] == "invalid_input")
        #expect(result.json["violations"]?[0]?["path"] == "")
    }

    @Test func invalidUTF8IsRefused() throws {
        let result = try fixture.run(["run", "echo"], bytes: Array(#"{"message": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8))
        #expect(result.status == 2)
        #expect(result.json["error_code"] == "invalid_json")
        #expect(result.json["error"]?.stringValue?.contains("UTF-8") == true)
    }

    @Test(arguments: ["", "  \n"])
    func emptyStdinIsRefused(input: String) throws {
        let result = try fixture.run(["run", "echo"], input: input)
        #expect(result.status == 2)
        #expect(result.json["error_code"] == "invalid_json")
        #expect(result.json["error"]?.stringValue?.contains("empty") == true)
    }

    @Test func unknownToolSuggestsTheClosestIds() throws {
        let result = try fixture.run(["run", "ecko"], input: "{}")
        #expect(result.status == 127)
        #expect(result.json["error_code"] == "unknown_tool")
        #expect(result.json["suggestions"]?.arrayValue?.first == "echo")
    }

    @Test func schemaViolationsListEveryPathAndNothingRuns() throws {
        let result = try fixture.run(["run", "echo"], input: #"{"times": 0}"#)
        #expect(result.status == 2)
        #expect(result.json["error_code"] == "invalid_input")
        let paths = result.json["violations"]?.arrayValue?.compactMap { $0["path"]?.stringValue }.sorted()
        #expect(paths == ["/message", "/times"])
    }

    @Test func aMissingScriptIsCommandNotFound() throws {
        let result = try fixture.run(["run", "noscript"], input: "{}")
        #expect(result.status == 127)
        #expect(result.json["error_code"] == "command_not_found")
        #expect(result.json["error"]?.stringValue?.contains("gone.py") == true)
    }

    @Test func aPluginPrintingNonJSONIsPassedThroughOrReportedInTheEnvelope() throws {
        let plain = try fixture.run(["run", "text"], input: "{}")
        #expect(plain.status == 0)
        #expect(plain.stdoutText == "not json\n")
        #expect(plain.stderr.contains("progress"))

        let envelope = try fixture.run(["run", "text", "--envelope"], input: "{}").json
        #expect(envelope["success"] == true)
        #expect(envelope["output"] == .null)
        #expect(envelope["output_error"]?.stringValue?.contains("not JSON") == true)
        #expect(envelope["stderr"] == "progress\n")
    }

    @Test func aPluginExitingNonZeroKeepsItsStatusAndOutput() throws {
        let plain = try fixture.run(["run", "fail"], input: "{}")
        #expect(plain.status == 3)
        #expect(plain.json["error"] == "boom")

        let envelope = try fixture.run(["run", "fail", "--envelope"], input: "{}")
        #expect(envelope.status == 3)
        #expect(envelope.json["success"] == false)
        #expect(envelope.json["exit_code"] == 3)
        #expect(envelope.json["error_code"] == "plugin_failed")
        #expect(envelope.json["output"]?["error"] == "boom")
    }

    @Test func aHangingPluginTimesOutWith124() throws {
        let result = try fixture.run(["run", "hang"], input: "{}")
        #expect(result.status == 124)
        #expect(result.json["error_code"] == "timeout")

        let envelope = try fixture.run(["run", "hang", "--envelope"], input: "{}")
        #expect(envelope.status == 124)
        #expect(envelope.json["exit_code"] == 124)
        #expect(envelope.json["error_code"] == "timeout")
    }

    @Test func timeoutOptionOverridesTheToolsOwn() throws {
        let result = try fixture.run(["run", "echo", "--timeout", "0"], input: #"{"message": "x"}"#)
        #expect(result.status != 0)
        #expect(result.stderr.contains("--timeout"))
        let slow = try fixture.run(["run", "hang", "--timeout", "0.2"], input: "{}")
        #expect(slow.json["error"]?.stringValue?.contains("0.2 s") == true)
    }

    @Test func aFloodingPluginIsStoppedAtTheOutputCap() throws {
        let result = try fixture.run(["run", "flood"], input: "{}")
        #expect(result.status == 1)
        #expect(result.json["error_code"] == "output_limit_exceeded")
        #expect(result.stdout.count < 1000)
    }

    /// Before, enforcing a 16 MiB cap took ~5× the cap in resident memory (the kept output
    /// grew by doubling, and was copied on the way out); now about the cap.
    @Test func enforcingTheOutputCapCostsAboutTheCapInMemory() throws {
        let cap = 16 << 20
        fixture.directory.write("toolhost.yaml", "tools:\n  paths: [tools]\nplugins:\n  max_output_bytes: \(cap)\n")
        // ru_maxrss of each run, read by a parent of its own (RUSAGE_CHILDREN of one child).
        let script = """
            import resource, subprocess, sys
            def peak(tool):
                code = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], input=b'{}', capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
                return int(subprocess.run([sys.executable, "-c", code, sys.argv[1], "run", tool], capture_output=True, check=True).stdout)
            print(peak("echo"), peak("flood"))
            """
        let measured = try fixture.binary.runProgram(try TestPython.path(), ["-c", script, fixture.binary.path], directory: fixture.directory.path)
        let kilobytes = measured.stdoutText.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(kilobytes.count == 2, "\(measured.stdoutText) \(measured.stderr)")
        guard kilobytes.count == 2 else { return }
        let extra = (kilobytes[1] - kilobytes[0]) * 1024
        #expect(extra < 3 * cap, "flooding to a \(cap)-byte cap took \(extra) bytes more than a small call")
    }

    @Test func toolTypesThatCannotRunYetAreRefusedClearly() throws {
        fixture.directory.write("tools/oracle/oracle.yaml", "name: Oracle\ntype: crystal_ball\ndescription: Foretells\n")
        let result = try fixture.run(["run", "oracle"], input: "{}")
        #expect(result.status == 1)
        #expect(result.json["error_code"] == "unsupported_tool_type")
        #expect(result.json["type"] == "crystal_ball")
    }

    @Test func aBrokenDefinitionIsReportedWithItsFile() throws {
        let result = try fixture.run(["run", "broken"], input: "{}")
        #expect(result.json["error_code"] == "invalid_tool_definition")
        #expect(result.json["error"]?.stringValue?.contains("broken.yaml") == true)
    }

    @Test func builtInHandlersAnswerInProcess() throws {
        let result = try fixture.run(["run", "tools_manager", "--tools-dir", "tools", "--tools-dir", ToolHostPaths.shippedTools],
                                     input: #"{"operation": "describe", "tool": "echo", "format": "openai"}"#)
        #expect(result.status == 0)
        #expect(result.json["data"]?["function"]?["name"] == "echo")
    }

    @Test func theConfigFileCanBeNamedByOptionOrEnvironment() throws {
        fixture.directory.write("other/config.yaml", "tools:\n  paths: [../tools]\nplugins:\n  timeout_seconds: 0.3\n")
        fixture.directory.write("tools/slow/slow.yaml", "name: Slow\ntype: executable\nexecutable: {command: sleep, args: [\"30\"]}\n")
        let byOption = try fixture.run(["run", "slow", "--config", "other/config.yaml"], input: "{}")
        #expect(byOption.json["error"]?.stringValue?.contains("0.3 s") == true)
        let byEnvironment = try fixture.run(["run", "slow"], input: "{}", environment: ["TOOLHOST_CONFIG": "other/config.yaml"])
        #expect(byEnvironment.status == 124)
        let missing = try fixture.run(["run", "slow", "--config", "nope.yaml"], input: "{}")
        #expect(missing.json["error_code"] == "invalid_config")
    }
}

/// Where this checkout keeps the tools ToolHost ships.
enum ToolHostPaths {
    static let packageRoot = FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath)))
    static let shippedTools = FilePath.join(packageRoot, "tools")
}
