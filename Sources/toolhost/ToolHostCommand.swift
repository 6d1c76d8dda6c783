#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
import ToolHostCore

@main
struct ToolHostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toolhost",
        abstract: "Load YAML tool definitions, validate calls against their schemas, and run tools by name.",
        discussion: """
            A tool is one YAML file; its id is the file name without extension. Built-in tools run \
            in-process as Swift handlers; other tools with an `executable:` block run as a child \
            process that reads one JSON object on stdin and prints JSON on stdout.

            Configuration: --config FILE, else $TOOLHOST_CONFIG, else ./config.yaml when present, \
            else built-in defaults. Tools directories: --tools-dir, else $TOOLHOST_TOOLS_PATH \
            (colon-separated), else tools.paths in the config.
            """,
        version: ToolHostVersion.current,
        subcommands: [RunCommand.self, ListCommand.self, DescribeCommand.self, ValidateCommand.self, RegisterCommand.self, ApproveCommand.self,
                      DatabaseCommand.self, ExportCommand.self, TailCommand.self, SearchCommand.self, EmbedCommand.self, BenchCommand.self, ServeCommand.self,
                      SandboxCommand.self, AuditCommand.self]
    )

    /// `toolhost run` with plain arguments starts the tool without building the command tree
    /// (see `RunInvocation.fastParse`); a mistyped command name gets a suggestion
    /// (`CommandSuggestion`); everything else is ArgumentParser's.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "run", let invocation = RunInvocation.fastParse(Array(arguments.dropFirst())) {
            invocation.execute()
        }
        if arguments.first == "serve" { ServeHandOff.exec(Array(arguments.dropFirst())) }
        // The serve command's options are toolhost-serve's: its help is the real one.
        if arguments.first == "help", arguments.dropFirst().first == "serve" { ServeHandOff.exec(["--help"]) }
        if let problem = CommandSuggestion.problem(in: arguments, root: Self.self) {
            Console.print("toolhost: error: \(problem)", to: STDERR_FILENO)
            Console.exit(ExitCode.validationFailure.rawValue)
        }
        main(arguments)
    }
}
