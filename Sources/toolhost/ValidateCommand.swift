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
            tools directory. Problems print as `file:line:column: severity: message`. Exits 1 when \
            any error is found (and, with --strict, any warning), 0 otherwise.
            """
    )

    @Argument(help: "YAML files or tools directories (default: the configured tools directories).")
    var paths: [String] = []

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    @Flag(name: .long, help: "Print {\"success\", \"valid\", \"problems\": [...], \"count\"} as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let targets: [String]
        if paths.isEmpty {
            do {
                targets = try global.loadConfig().toolsPaths
            } catch {
                throw Console.fail(error)
            }
        } else {
            targets = paths.map { FilePath.absolute($0) }
        }
        let linter = CatalogueLinter(knownHandlers: Set(BuiltinHandlers.registry.names))
        let diagnostics = linter.lint(paths: targets)
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
