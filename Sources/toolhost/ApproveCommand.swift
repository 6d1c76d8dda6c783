import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostTools

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve tool definitions as they are now (pinned tools), or list what is approved.",
        discussion: """
            ToolHost remembers the SHA-256 of each tool's definition (name, description, schemas, \
            type, handler, executable block) in approved-tools.json in its data directory. A tool \
            whose definition changed since then is refused (tool_changed) or warned about, as \
            tools.pinning.run and tools.pinning.serve say (default: warn for `run`, refuse in \
            `serve`). A tool never seen before is approved at its first use; tools ToolHost \
            writes itself (register, register_tool, restores) are approved as written; built-in \
            tools always are. Check a changed tool's file, then approve it here.
            """
    )

    @Argument(help: "The tools to approve as they are now.", completion: ToolCompletion.toolIDs)
    var tools: [String] = []

    @Flag(name: .long, help: "Approve every tool of the catalogue as it is now.")
    var all = false

    @Flag(name: .long, help: "List each tool's approval: approved, changed, new (built-in tools are always approved).")
    var list = false

    @Flag(name: .long, help: "With --list: print {\"success\", \"data\": [{id, approval, file, approved_at, ...}]}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let modes = (tools.isEmpty ? 0 : 1) + (all ? 1 : 0) + (list ? 1 : 0)
        if modes != 1 { throw ValidationError("Name the tools to approve, or give --all or --list (one of them).") }
        if json && !list { throw ValidationError("--json goes with --list.") }
    }

    func run() throws {
        do {
            let config = try global.loadConfig()
            let approvals = ToolApprovals(config: config)
            let manager = ToolsManager(config: config, handlers: BuiltinHandlers.registry)
            if list {
                printList(manager.loadCatalogue(), approvals: approvals)
                return
            }
            var definitions: [ToolDefinition] = []
            if all {
                let catalogue = manager.loadCatalogue()
                definitions = catalogue.sortedTools.filter { !$0.isBuiltin }
                for id in catalogue.conflicts.keys.sorted() { Console.warn("not approved: \(id): conflicting definitions (see `toolhost validate`)") }
            } else {
                for id in tools {
                    let definition = try manager.definition(for: id)
                    if definition.isBuiltin { Console.print("\(id): built-in, always approved") } else { definitions.append(definition) }
                }
            }
            let before = definitions.map { approvals.state(of: $0) }
            try approvals.approve(definitions, how: "approve")
            for (definition, state) in zip(definitions, before) {
                let was = switch state {
                case .changed: "changed"
                case .new: "new"
                default: "unchanged"
                }
                Console.print("approved \(definition.id) (\(was)) \(definition.file) \(definition.fingerprint.prefix(19))…")
            }
            if all { Console.print("\(definitions.count) tool\(definitions.count == 1 ? "" : "s") approved in \(approvals.path)") }
        } catch {
            throw Console.fail(error)
        }
    }

    private func printList(_ catalogue: Catalogue, approvals: ToolApprovals) {
        var rows: [JSONValue] = []
        for tool in catalogue.sortedTools {
            var row: JSONObject = ["id": .string(tool.id), "file": .string(tool.file)]
            switch approvals.state(of: tool) {
            case .builtin:
                row["approval"] = "builtin"
            case .approved(let record):
                row["approval"] = "approved"
                row["approved_at"] = .string(record.approvedAt)
                row["how"] = .string(record.how)
            case .changed(let record):
                row["approval"] = "changed"
                row["approved_at"] = .string(record.approvedAt)
                row["approved_file"] = .string(record.file)
            case .new:
                row["approval"] = "new"
            }
            row["sha256"] = .string(String(tool.fingerprint.dropFirst("sha256:".count)))
            rows.append(.object(row))
        }
        if json {
            Console.printJSON(["success": true, "data": .array(rows), "count": .int(rows.count), "approvals_file": .string(approvals.path)])
            return
        }
        let width = min(max(rows.compactMap { $0["id"]?.stringValue?.count }.max() ?? 2, 2), 40)
        Console.print("ID" + String(repeating: " ", count: width - 2) + "  APPROVAL  FILE")
        for row in rows {
            let id = row["id"]?.stringValue ?? ""
            let state = row["approval"]?.stringValue ?? ""
            Console.print(id + String(repeating: " ", count: max(width - id.count, 0)) + "  " + state
                          + String(repeating: " ", count: max(8 - state.count, 0)) + "  " + (row["file"]?.stringValue ?? ""))
        }
    }
}
