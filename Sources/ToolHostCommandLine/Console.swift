#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCore
import ToolHostStorage

/// Writing to the process's stdout and stderr: answers to stdout, everything else to stderr.
public enum Console {
    /// A closed pipe is not an error here: nobody is listening any more.
    public static func write(_ bytes: some Collection<UInt8>, to descriptor: Int32 = STDOUT_FILENO) {
        FileIO.writeAll(bytes, to: descriptor)
    }

    @Sendable public static func writeToStandardError(_ bytes: ArraySlice<UInt8>) {
        write(bytes, to: STDERR_FILENO)
    }

    public static func print(_ text: String, to descriptor: Int32 = STDOUT_FILENO) {
        write(Array((text + "\n").utf8), to: descriptor)
    }

    /// Prints a JSON answer as one line (or indented with `pretty`).
    public static func printJSON(_ value: JSONValue, pretty: Bool = false) {
        write(OneShotCall.answerLine(value, pretty: pretty))
    }

    /// Ends the process with `code`. Output is written unbuffered, so nothing is lost; going
    /// straight to exit(3) skips ArgumentParser's error reporting, which `throw ExitCode`
    /// would run even for success (a measurable share of every tool call's overhead).
    public static func exit(_ code: Int32) -> Never {
        Tracer.flush()
        Database.closeAllShared()
        Glibc.exit(code)
    }

    /// Ends stdout once the answer is written, so that a reader sees its end at once. The
    /// descriptor is pointed at /dev/null rather than closed: a file opened later (the
    /// database) must not become descriptor 1.
    public static func closeStandardOutput() {
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        guard null >= 0 else {
            close(STDOUT_FILENO)
            return
        }
        dup2(null, STDOUT_FILENO)
        close(null)
    }

    public static func warn(_ message: String) {
        write(warningLine(message), to: STDERR_FILENO)
    }

    /// A warning as `toolhost` prints it on stderr, credentials redacted.
    public static func warningLine(_ message: String) -> [UInt8] {
        Array("toolhost: warning: \(CredentialRedaction.redact(message))\n".utf8)
    }

    /// Reports `error` for a command whose output is for people, and exits with its status.
    public static func fail(_ error: ToolHostError) -> ExitCode {
        print("toolhost: error: \(error.message)", to: STDERR_FILENO)
        // A config with several problems: all of them, so one run shows what to fix.
        if let problems = error.details["problems"]?.arrayValue, problems.count > 1 {
            for problem in problems { print("  - \(problem.stringValue ?? JSONWriter.string(problem))", to: STDERR_FILENO) }
        }
        return ExitCode(error.exitCode)
    }

    public static var isStandardInputATerminal: Bool { isatty(STDIN_FILENO) == 1 }

    public static var terminalWidth: Int { terminalColumns ?? 120 }

    /// The width of the terminal stdout writes to; nil when stdout is a pipe or a file, whose
    /// reader wants whole lines.
    public static var terminalColumns: Int? {
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return nil
    }
}
