#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check tool definitions: every problem with its file and line.",
        discussion: """
            With no PATH, checks the configured tools directories. Each PATH is a YAML file or a \
            tools directory (in the layout the config gives it). A script that does not exist \
            where the tool will run is an error, with the paths tried. Problems print as \
            `file:line:column: severity: message`. Exits 1 when any error is found (and, with \
            --strict, any warning), 0 otherwise.
            """
    )

    @Argument(help: "YAML files or tools directories (default: the configured tools directories).", completion: .file())
    var paths: [String] = []

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    @Flag(name: .long, help: "Print {\"success\", \"valid\", \"problems\": [...], \"count\"} as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        // The layouts of the configured directories; files named on the command line are
        // checked even when the config itself is broken.
        var configured: [ToolsDirectory] = []
        do {
            configured = try global.loadConfig().toolsDirectories
        } catch {
            if paths.isEmpty { throw Console.fail(error) }
        }
        let targets = paths.isEmpty ? configured.map(\.path) : paths.map { FilePath.absolute($0) }
        if targets.isEmpty {
            Console.print("toolhost: no tools directory is configured, so there is nothing to check (name files or directories, or set tools.paths)",
                          to: STDERR_FILENO)
        }
        let linter = CatalogueLinter(handlers: BuiltinHandlers.registry)
        let diagnostics = linter.lint(paths: targets, configured: configured)
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        let failed = errors > 0 || (strict && warnings > 0)
        let base = FilePath.currentDirectory()
        if json {
            Console.printJSON([
                "success": true,
                "valid": .bool(!failed),
                "problems": .array(diagnostics.map { relative($0, to: base).json }),
                "count": .int(errors + warnings),
            ])
        } else {
            for diagnostic in diagnostics { Console.print(relative(diagnostic, to: base).description) }
            Console.print("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        }
        if failed { throw ExitCode(1) }
    }

    private func relative(_ diagnostic: Diagnostic, to base: String) -> Diagnostic {
        var shown = diagnostic
        shown.file = diagnostic.file.map { FilePath.relative($0, to: base) }
        return shown
    }
}
