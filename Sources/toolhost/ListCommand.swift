#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the tools of the catalogue.",
        discussion: """
            Problems (files that do not parse, conflicting definitions) and overrides between \
            tools directories are reported on stderr; `toolhost validate` shows every problem \
            with its line.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Only tools of this type (executable, llm, custom, ...).", valueName: "type"))
    var type: String?

    @Option(name: .long, help: ArgumentHelp("Only tools with this tag.", valueName: "tag"))
    var tag: String?

    @Flag(name: .long, help: "Print {\"success\", \"data\": [...], \"count\", \"problems\"} as JSON: each tool's summary carries its own \"problems\" (a script that does not exist where it runs...), \"builtin\" and the files it \"overrides\".")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try global.loadConfigOrExit()
        let catalogue = ToolsManager(config: config, handlers: BuiltinHandlers.registry).loadCatalogue()
        let handlers = BuiltinHandlers.registry
        let approvals = ToolApprovals(config: config)
        if json {
            Console.printJSON(ToolDescription.listing(catalogue, type: type, tag: tag, handlers: handlers))
            return
        }
        let tools = ToolDescription.filtered(catalogue, type: type, tag: tag)
        printTable(tools, catalogue: catalogue, handlers: handlers, approvals: approvals)
        for diagnostic in catalogue.diagnostics {
            Console.print(diagnostic.description, to: STDERR_FILENO)
        }
        let withProblems = tools.filter { !$0.diagnostics.isEmpty }.count
        if withProblems > 0 {
            Console.print("\(withProblems) tool\(withProblems == 1 ? " has" : "s have") problems in their definition; run `toolhost validate` to see them.",
                          to: STDERR_FILENO)
        }
    }

    private func printTable(_ tools: [ToolDefinition], catalogue: Catalogue, handlers: HandlerRegistry, approvals: ToolApprovals) {
        guard !tools.isEmpty else {
            Console.print("No tools found in \(catalogue.scanDiagnostics.isEmpty ? "the tools directories" : "any existing tools directory").",
                          to: STDERR_FILENO)
            return
        }
        let idWidth = min(max(tools.map(\.id.count).max() ?? 2, 2), 40)
        let typeWidth = max(tools.map(\.type.name.count).max() ?? 4, 4)
        // Cut to the terminal's width; piped, whole lines (a script greps the description).
        let descriptionWidth = Console.terminalColumns.map { max($0 - idWidth - typeWidth - 4, 20) } ?? Int.max
        Console.print("\(pad("ID", idWidth))  \(pad("TYPE", typeWidth))  DESCRIPTION")
        for tool in tools {
            var description = tool.description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if case .unsupported = tool.runner { description = "[cannot run] " + description }
            if tool.diagnostics.contains(where: { $0.severity == .error }) { description = "[problems] " + description }
            if catalogue.overrides[tool.id] != nil { description = "[overrides] " + description }
            if case .changed = approvals.state(of: tool) { description = "[changed since approved] " + description }
            if tool.isBuiltin { description = "[built-in] " + description }
            if description.count > descriptionWidth { description = String(description.prefix(descriptionWidth - 1)) + "…" }
            Console.print("\(pad(tool.id, idWidth))  \(pad(tool.type.name, typeWidth))  \(description)")
        }
        Console.print("\(tools.count) tool\(tools.count == 1 ? "" : "s")", to: STDERR_FILENO)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
