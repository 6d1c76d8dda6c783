import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Plugins are real child processes here: the behaviour under test is the operating system's.
@Suite("Running plugins as child processes")
struct PluginRunnerTests {
    let directory = TemporaryDirectory()

    private func invoker(hostEnvironment: [String: String] = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/home/test"],
                         configure: (inout PluginSettings) -> Void = { _ in }) -> ToolInvoker {
        var settings = PluginSettings()
        settings.killGraceSeconds = 0.5
        configure(&settings)
        let config = HostConfig(toolsPaths: [directory.url("tools")], plugins: settings)
        return ToolInvoker(config: config, handlers: HandlerRegistry(), hostEnvironment: hostEnvironment)
    }

    /// Writes `tools/<id>/<id>.yaml` with the given executable block and input schema.
    private func tool(_ id: String, _ executable: String, schema: String = "") {
        directory.write("tools/\(id)/\(id).yaml", "name: \(id)\ntype: executable\nexecutable:\n\(executable)\n\(schema)")
    }

    private func run(_ id: String, _ input: JSONObject = [:], invoker: ToolInvoker? = nil) throws -> PluginRun {
        let invoker = invoker ?? self.invoker()
        switch invoker.invoke(try invoker.resolve(id), input: input) {
        case .plugin(let run): return run
        case let other: throw ToolHostError(.internalError, "expected a plugin run, got \(InvocationAnswer(other).value)")
        }
    }

    private func answer(_ id: String, _ input: JSONObject = [:], invoker: ToolInvoker? = nil) throws -> JSONValue {
        let invoker = invoker ?? self.invoker()
        return InvocationAnswer(invoker.invoke(try invoker.resolve(id), input: input), envelope: true).value
    }

    /// The pid a test plugin wrote to `child.pid` in its folder.
    private func recordedChildPID(_ id: String) -> Int32? {
        directory.read("tools/\(id)/child.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    @Test func inputIsWrittenToStdinCompactAndStdinIsClosed() throws {
        tool("echo", "  command: cat")
        let run = try run("echo", ["b": 1, "a": ["x": "é"]])
        #expect(run.outcome.stdout == Array(#"{"b":1,"a":{"x":"é"}}"#.utf8) + [0x0A])
        #expect(run.exitCode == 0)
        #expect(run.envelope["output"] == ["b": 1, "a": ["x": "é"]])
    }

    @Test func withoutStdinModeThePluginSeesAnEmptyClosedStdin() throws {
        tool("silent", "  command: cat\n  stdin_mode: false\n  timeout: 5")
        let run = try run("silent", ["ignored": true])
        #expect(run.outcome.stdout.isEmpty)
        #expect(!run.outcome.timedOut)
    }

    @Test func argumentsAreFilledFromPlaceholdersAndNeverGoThroughAShell() throws {
        tool("argv", """
              command: python3
              args: ["-c", "import json, sys; print(json.dumps(sys.argv[1:]))", "{tool_dir}", "{tools_dir}", "{text}", "n={count}", "{options}", "{literal: 1}"]
            """)
        let run = try run("argv", ["text": "$HOME; echo pwned > /tmp/x", "count": 3, "options": ["k": [1, true]]])
        #expect(run.envelope["output"] == [
            .string(directory.url("tools/argv")), .string(directory.url("tools")),
            "$HOME; echo pwned > /tmp/x", "n=3", #"{"k":[1,true]}"#, "{literal: 1}",
        ])
    }

    @Test func aNULInAnArgumentValueIsRefusedBeforeItCanTruncateTheArgument() throws {
        tool("nul", "  command: echo\n  args: [\"{file}\"]")
        let answer = try answer("nul", ["file": "secret.key\u{0}.txt"])
        #expect(answer["error_code"] == "invalid_input")
        #expect(answer["violations"]?[0]?["path"] == "/file")
    }

    @Test func aPlaceholderWithoutInputIsAnInvalidInputError() throws {
        tool("needs", "  command: echo\n  args: [\"{source_file}\"]")
        let answer = try answer("needs")
        #expect(answer["error_code"] == "invalid_input")
        #expect(answer["violations"]?.arrayValue?.first?["path"] == "/source_file")
    }

    @Test func workingDirectoryIsTheToolFolderOrRelativeToIt() throws {
        directory.write("tools/data/.keep", "")
        tool("here", "  command: pwd")
        tool("there", "  command: pwd\n  working_dir: ../data")
        #expect(String(decoding: try run("here").outcome.stdout, as: UTF8.self) == directory.url("tools/here") + "\n")
        #expect(String(decoding: try run("there").outcome.stdout, as: UTF8.self) == directory.url("tools/data") + "\n")
        tool("nowhere", "  command: pwd\n  working_dir: missing")
        #expect(try answer("nowhere")["error_code"] == "spawn_failed")
    }

    @Test func environmentIsAMinimalAllowListPlusTheToolsOwnBlock() throws {
        tool("env", """
              command: python3
              args: ["-c", "import json, os; print(json.dumps(dict(os.environ)))"]
              environment:
                GREETING: "hello ${HOME}"
                KEY_COPY: "${API_KEY:-none}"
            """)
        let host = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/home/test", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "API_KEY": "k"]
        let plain = try run("env", invoker: invoker(hostEnvironment: host)).envelope["output"]
        #expect(plain?["AWS_SECRET_ACCESS_KEY"] == nil)
        #expect(plain?["API_KEY"] == nil)
        #expect(plain?["KEY_COPY"] == "none")
        #expect(plain?["GREETING"] == "hello /home/test")
        #expect(plain?["HOME"] == "/home/test")
        #expect(plain?["TOOLHOST_TOOL_ID"] == "env")
        #expect(plain?["TOOLHOST_TOOL_DIR"] == .string(directory.url("tools/env")))

        let passing = try run("env", invoker: invoker(hostEnvironment: host) { $0.passEnvironment = ["API_KEY"] }).envelope["output"]
        #expect(passing?["API_KEY"] == "k")
        #expect(passing?["KEY_COPY"] == "k")
        #expect(passing?["AWS_SECRET_ACCESS_KEY"] == nil)
    }

    @Test func timeoutStopsTheWholeProcessGroupAndReapsIt() throws {
        tool("hang", """
              command: sh
              args: ["-c", "sleep 300 & echo $! > {tool_dir}/child.pid; sleep 300"]
              timeout_ms: 300
            """)
        let run = try run("hang")
        #expect(run.outcome.timedOut)
        #expect(run.exitCode == 124)
        #expect(run.hostError?.code == .timeout)
        #expect(run.envelope["error_code"] == "timeout")
        let childPID = try #require(recordedChildPID("hang"))
        #expect(!processExists(childPID), "the plugin's own child survived the timeout")
    }

    @Test func aPluginIgnoringSIGTERMIsKilledAfterTheGracePeriod() throws {
        tool("stubborn", """
              command: sh
              args: ["-c", "trap '' TERM; echo ready; while :; do sleep 1; done"]
              timeout_ms: 200
            """)
        let run = try run("stubborn")
        #expect(run.outcome.timedOut)
        #expect(run.outcome.termination == .signaled(SIGKILL))
        #expect(run.outcome.stdout == Array("ready\n".utf8))
    }

    @Test func childrenLeftBehindByAFinishedPluginAreStopped() throws {
        tool("leaves", """
              command: sh
              args: ["-c", "sleep 300 >/dev/null 2>&1 & echo $! > {tool_dir}/child.pid; echo done"]
            """)
        let run = try run("leaves")
        #expect(run.exitCode == 0)
        let childPID = try #require(recordedChildPID("leaves"))
        #expect(!processExists(childPID))
    }

    /// A child that leaves the process group (setsid) and keeps the pipes open cannot be
    /// stopped by group; the host must still answer instead of waiting for it.
    @Test func aChildThatLeftTheGroupDoesNotKeepTheHostWaiting() throws {
        tool("escape", """
              command: python3
              args: ["-c", "import subprocess; p = subprocess.Popen(['sleep', '30'], start_new_session=True); open('{tool_dir}/child.pid', 'w').write(str(p.pid)); print('{}')"]
              timeout: 20
            """)
        let run = try run("escape")
        if let childPID = recordedChildPID("escape") { kill(childPID, SIGKILL) }
        #expect(run.exitCode == 0)
        #expect(run.outcome.stdout == Array("{}\n".utf8))
        #expect(!run.outcome.timedOut)
        #expect(run.outcome.durationSeconds < 10, "the host waited for a process outside the plugin's group")
    }

    @Test func floodingStdoutPastTheCapStopsThePlugin() throws {
        tool("flood", "  command: \"yes\"\n  args: [flood]\n  timeout: 30")
        let run = try run("flood", invoker: invoker { $0.maxOutputBytes = 100_000 })
        #expect(run.outcome.stdoutOverflowed)
        // The call fails: a head of what it wrote is kept, not the whole cap.
        let kept = run.outcome.stdout.count
        #expect(kept > 0 && kept <= Supervisor.overflowHeadBytes)
        #expect(run.outcome.stdout.starts(with: Array("flood\n".utf8)))
        #expect(!run.outcome.timedOut)
        #expect(run.hostError?.code == .outputLimitExceeded)
        #expect(run.envelope["success"] == false)
    }

    @Test func stderrPastTheCapIsDrainedAndDroppedWithoutFailing() throws {
        tool("noisy", """
              command: python3
              args: ["-c", "import sys; sys.stderr.write('e' * 300000); print('{}')"]
            """)
        let run = try run("noisy", invoker: invoker { $0.maxOutputBytes = 1000 })
        #expect(run.succeeded)
        #expect(run.outcome.stderr.count == 1000)
        #expect(run.outcome.stderrDroppedBytes == 299_000)
    }

    /// A plugin that fills stdout and stderr before reading a large stdin would deadlock a host
    /// that wrote stdin first and read afterwards.
    @Test func largeInputAndOutputsInBothDirectionsDoNotDeadlock() throws {
        tool("chatty", """
              command: python3
              args: ["-c", "import sys; sys.stdout.write('o' * 3000000); sys.stdout.flush(); sys.stderr.write('e' * 3000000); sys.stderr.flush(); data = sys.stdin.read(); sys.stdout.write(str(len(data)))"]
              timeout: 60
            """)
        let big = String(repeating: "x", count: 2_000_000)
        let run = try run("chatty", ["blob": .string(big)])
        #expect(run.exitCode == 0)
        #expect(!run.outcome.timedOut)
        #expect(run.outcome.stdout.count == 3_000_000 + String(2_000_012).count)  // {"blob":"x…"} + newline
        #expect(run.outcome.stderr.count == 3_000_000)
        #expect(String(decoding: run.outcome.stdout.suffix(7), as: UTF8.self) == "2000012")
    }

    @Test func exitCodesAndSignalsFollowTheShellConvention() throws {
        tool("three", "  command: sh\n  args: [\"-c\", \"echo '{\\\"ok\\\": false}'; exit 3\"]")
        let failed = try run("three")
        #expect(failed.exitCode == 3)
        #expect(failed.envelope["success"] == false)
        #expect(failed.envelope["error_code"] == "plugin_failed")
        #expect(failed.envelope["output"] == ["ok": false])

        tool("crash", "  command: sh\n  args: [\"-c\", \"kill -SEGV $$\"]")
        let crashed = try run("crash")
        #expect(crashed.outcome.termination == .signaled(SIGSEGV))
        #expect(crashed.exitCode == 128 + SIGSEGV)
    }

    @Test func nonJSONOutputIsKeptAsTextWithTheParseError() throws {
        tool("text", "  command: echo\n  args: [hello world]")
        let envelope = try run("text").envelope
        #expect(envelope["success"] == true)
        #expect(envelope["stdout"] == "hello world\n")
        #expect(envelope["output"] == .null)
        #expect(envelope["output_error"]?.stringValue?.hasPrefix("stdout is not JSON") == true)
    }

    @Test func memoryLimitIsAppliedToThePlugin() throws {
        tool("hog", """
              command: python3
              args: ["-c", "import time; time.sleep(0.2); b = bytearray(400 * 1024 * 1024); print(len(b))"]
              memory_limit_mb: 100
            """)
        let run = try run("hog")
        #expect(run.exitCode != 0)
        if case .success = CgroupHierarchy.current {
            // A cap for the run's whole cgroup: the kernel stops the group.
            #expect(run.hostError?.code == .memoryLimitExceeded, "\(String(decoding: run.outcome.stderr, as: UTF8.self))")
        } else {
            // Without cgroups, an address-space rlimit per process: Python cannot allocate.
            #expect(String(decoding: run.outcome.stderr, as: UTF8.self).contains("MemoryError"))
        }
    }

    @Test func missingCommandsAndScriptsAreNotFoundErrors() throws {
        tool("nocmd", "  command: surely-not-installed-anywhere\n  install_command: apt-get install -y surely")
        let noCommand = try answer("nocmd")
        #expect(noCommand["error_code"] == "command_not_found")
        #expect(noCommand["error"]?.stringValue?.contains("apt-get install -y surely") == true)

        tool("noscript", "  command: python3\n  args: [\"{tool_dir}/missing.py\"]")
        let noScript = try answer("noscript")
        #expect(noScript["error_code"] == "command_not_found")
        #expect(noScript["error"]?.stringValue?.contains("missing.py") == true)

        directory.write("tools/noexec/run.sh", "#!/bin/sh\necho hi\n")
        tool("noexec", "  command: ./run.sh")
        #expect(try answer("noexec")["error_code"] == "spawn_failed")
    }

    @Test func commandFallbacksApplyWhenTheCommandIsMissing() throws {
        tool("fallback", "  command: surely-not-python\n  args: [\"-c\", \"print(1)\"]")
        let run = try run("fallback", invoker: invoker { $0.commandFallbacks = ["surely-not-python": "python3"] })
        #expect(run.outcome.stdout == Array("1\n".utf8))
        #expect(run.commandLine.hasPrefix("python3 "))
    }
}
