/// A finished plugin run and the two ways `toolhost run` can report it: the plugin's own stdout
/// and exit code (the default, so ToolHost can stand in for running the script directly), or
/// the envelope code-evolver's ToolsManager builds (`--envelope`).
public struct PluginRun: Sendable {
    public let toolID: String
    public let commandLine: String
    public let outcome: ProcessOutcome
    public let timeoutSeconds: Double
    public let maxOutputBytes: Int
    /// Stdout as JSON (Python's NaN and Infinity accepted); nil when stdout is empty (or only
    /// whitespace). Parsed once, here: the answer, the envelope and the record all use it, and
    /// stdout may be up to `plugins.max_output_bytes` (16 MiB).
    public let parsedOutput: Result<JSONValue, JSONParseError>?

    public init(toolID: String, commandLine: String, outcome: ProcessOutcome, timeoutSeconds: Double, maxOutputBytes: Int) {
        self.toolID = toolID
        self.commandLine = commandLine
        self.outcome = outcome
        self.timeoutSeconds = timeoutSeconds
        self.maxOutputBytes = maxOutputBytes
        parsedOutput = Self.parse(outcome.stdout)
    }

    /// The failure the host itself detected (timeout, runaway output), if any. A plugin that
    /// merely exits non-zero is not a host failure: its own output says what went wrong.
    public var hostError: ToolHostError? {
        if outcome.cancelled {
            return ToolHostError(.cancelled, "The call of '\(toolID)' was cancelled and its process group was stopped.",
                                 details: ["exit_code": .int(Int(exitCode))])
        }
        if outcome.timedOut {
            return ToolHostError(.timeout, "Tool '\(toolID)' did not finish within \(timeoutSeconds.compactText) s and was stopped.",
                                 details: ["exit_code": 124])
        }
        if outcome.memoryLimitExceeded {
            return ToolHostError(
                .memoryLimitExceeded,
                "Tool '\(toolID)' used more memory than its group may (memory_limit_mb, plugins.sandbox.memory_limit_mb) and the kernel stopped it.",
                details: ["exit_code": .int(Int(exitCode))])
        }
        if outcome.stdoutOverflowed {
            return ToolHostError(
                .outputLimitExceeded,
                "Tool '\(toolID)' wrote more than \(maxOutputBytes) bytes to stdout and was stopped (plugins.max_output_bytes).",
                details: ["exit_code": .int(Int(exitCode))])
        }
        return nil
    }

    /// 124 after a timeout (what `timeout(1)` and code-evolver use), 130 after a cancellation
    /// (as for Ctrl-C), else the plugin's status.
    public var exitCode: Int32 { outcome.cancelled ? 130 : outcome.timedOut ? 124 : outcome.exitStatus }

    public var succeeded: Bool { hostError == nil && exitCode == 0 }

    /// `{success, exit_code, stdout, stderr, command, output, duration_ms}` plus `error` and
    /// `error_code` when the run failed. `output` is stdout parsed as JSON (Python's NaN and
    /// Infinity accepted, written back as null), or null.
    public var envelope: JSONValue {
        let stdoutText = String(decoding: outcome.stdout, as: UTF8.self)
        var stderrText = String(decoding: outcome.stderr, as: UTF8.self)
        if outcome.stderrDroppedBytes > 0 { stderrText += "\n[toolhost: \(outcome.stderrDroppedBytes) more bytes of stderr dropped]" }
        var envelope: JSONObject = [
            "success": .bool(succeeded),
            "exit_code": .int(Int(exitCode)),
            "stdout": .string(stdoutText),
            "stderr": .string(stderrText),
            "command": .string(commandLine),
        ]
        switch parsedOutput {
        case .success(let output): envelope["output"] = output
        case .failure(let error):
            envelope["output"] = .null
            envelope["output_error"] = .string("stdout is not JSON: \(error)")
        case nil: envelope["output"] = .null
        }
        envelope["duration_ms"] = .double((outcome.durationSeconds * 1000 * 100).rounded() / 100)
        if case .signaled(let signal) = outcome.termination { envelope["signal"] = .int(Int(signal)) }
        if let hostError {
            envelope["error"] = .string(hostError.message)
            envelope["error_code"] = .string(hostError.code.rawValue)
        } else if exitCode != 0 {
            envelope["error"] = .string("Tool '\(toolID)' exited with status \(exitCode).")
            envelope["error_code"] = .string(ErrorCode.pluginFailed.rawValue)
        }
        return .object(envelope)
    }

    private static func parse(_ stdout: [UInt8]) -> Result<JSONValue, JSONParseError>? {
        guard !stdout.isBlankJSONText else { return nil }
        do {
            return .success(try JSONParser.parse(stdout, options: .init(allowsNonFiniteNumbers: true)))
        } catch {
            return .failure(error)
        }
    }
}
