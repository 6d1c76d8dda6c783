#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
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
            instead. A custom tool (a Python class) prints the dict its execute returned, as is; \
            its failures have custom_* codes (README "Custom tools"). A workflow tool prints \
            {success, steps, output}; a failing step stops it with that step's error. With a \
            `toolhost serve` of the same configuration running, a built-in tool's call runs there, \
            with the same answer and record (README "Hand-off"; TOOLHOST_HAND_OFF=off|require). Every failure \
            of the host itself is one JSON object with "error" and "error_code". Exit status: 0 \
            success, 1 tool failure, 2 invalid input, 124 timeout, \
            127 unknown tool or command not found; a plugin's own status otherwise.
            """
    )

    @Argument(help: "The tool id: its YAML file name without extension.", completion: ToolCompletion.toolIDs)
    var tool: String

    @Option(name: .long, help: ArgumentHelp("Read the input object from this file instead of stdin ('-' is stdin).", valueName: "file"),
            completion: .file())
    var input: String?

    @Flag(name: .long, help: "For plugins: print the result record {success, exit_code, stdout, stderr, command, output, duration_ms}.")
    var envelope = false

    @Option(name: .long, help: ArgumentHelp("Stop the tool (a workflow: its whole run) after this many seconds (overrides its YAML and the config).", valueName: "seconds"))
    var timeout: Double?

    @Flag(name: .long, help: "Indent the JSON answer.")
    var pretty = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds.") }
    }

    /// What was asked, as plain values.
    var invocation: RunInvocation {
        RunInvocation(tool: tool, inputPath: input, envelope: envelope, timeout: timeout, pretty: pretty, host: global.selection)
    }

    func run() throws {
        invocation.execute()
    }
}
