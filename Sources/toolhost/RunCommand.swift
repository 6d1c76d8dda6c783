#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a tool with one JSON object from stdin and print its JSON answer.",
        discussion: """
            The input is validated against the tool's schema first (defaults filled in); a bad \
            input is answered with {"success": false, "error_code": "invalid_input", \
            "violations": [...]} and nothing runs.

            Built-in tools print their JSON answer. Plugins print their own stdout unchanged and \
            exit with their own status, so `toolhost run` can stand in for running the script; \
            --envelope prints {success, exit_code, stdout, stderr, command, output, duration_ms} \
            instead. Every failure of the host itself is one JSON object with "error" and \
            "error_code". Exit status: 0 success, 1 tool failure, 2 invalid input, 124 timeout, \
            127 unknown tool or command not found; a plugin's own status otherwise.
            """
    )

    @Argument(help: "The tool id: its YAML file name without extension.")
    var tool: String

    @Option(name: .long, help: ArgumentHelp("Read the input object from this file instead of stdin ('-' is stdin).", valueName: "file"))
    var input: String?

    @Flag(name: .long, help: "For plugins: print the result record {success, exit_code, stdout, stderr, command, output, duration_ms}.")
    var envelope = false

    @Option(name: .long, help: ArgumentHelp("Stop the tool after this many seconds (overrides its YAML and the config).", valueName: "seconds"))
    var timeout: Double?

    @Flag(name: .long, help: "Indent the JSON answer.")
    var pretty = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds.") }
    }

    func run() throws {
        let invoker: ToolInvoker
        let tool: ToolDefinition
        let input: JSONObject
        do {
            invoker = try global.invoker()
            tool = try invoker.resolve(self.tool)
            input = try InvocationInput.parse(try readInput(), source: self.input.map { $0 == "-" ? "stdin" : $0 } ?? "stdin")
        } catch {
            answer(error.answer, exitCode: error.exitCode)
        }
        // Plugin stderr goes to the terminal as it comes, except in the envelope, which carries it.
        let forwardStderr: (@Sendable (ArraySlice<UInt8>) -> Void)? = envelope ? nil : Console.writeToStandardError
        let options = ToolInvoker.Options(timeoutSeconds: timeout, stderrObserver: forwardStderr,
                                          warn: { message in Console.warn(message) })
        switch invoker.invoke(tool, input: input, options: options) {
        case .answer(let result, let exitCode):
            answer(result, exitCode: exitCode)
        case .plugin(let run):
            if envelope { answer(run.envelope, exitCode: run.exitCode) }
            if let hostError = run.hostError { answer(hostError.answer, exitCode: hostError.exitCode) }
            Console.write(run.outcome.stdout)
            Console.exit(run.exitCode)
        }
    }

    /// Prints the JSON answer and exits with `exitCode`.
    private func answer(_ value: JSONValue, exitCode: Int32) -> Never {
        Console.printJSON(value, pretty: pretty)
        Console.exit(exitCode)
    }

    private func readInput() throws(ToolHostError) -> [UInt8] {
        if let path = input, path != "-" {
            do {
                return try FileIO.read(path)
            } catch {
                throw ToolHostError(.ioError, "Cannot read the input file \(path): \(error.reason).")
            }
        }
        if Console.isStandardInputATerminal {
            Console.print("toolhost: reading the JSON input for '\(tool)' from the terminal; end it with Ctrl-D", to: STDERR_FILENO)
        }
        do {
            return try FileIO.readAll(descriptor: STDIN_FILENO)
        } catch {
            throw ToolHostError(.ioError, "Cannot read stdin: \(error.reason).")
        }
    }
}
