/// Where a YAML's declared MCP hints contradict what the tool's handler knows of its calls
/// (`ToolHandler.derivedAnnotations`): `toolhost validate`, `tools_manager validate` and
/// `register_*` warn about each, with the code `annotation_contradicts_handler`.
///
/// Only declarations that make a call look safer than its handler says are reported (a read
/// that the handler says writes, a `destructiveHint: false` on a deletion, `openWorldHint:
/// false` on a network type): clients approve read-only tools without asking on this signal,
/// so such a hint is a security bug. A declaration more careful than the handler is the
/// author's right and passes.
public enum AnnotationsLint {
    /// The code of every finding.
    public static let code = "annotation_contradicts_handler"

    /// The findings for `tool`, given what its handler derives.
    public static func contradictions(in tool: ToolDefinition, derived: ToolAnnotations) -> [Diagnostic] {
        let declared = tool.annotations
        var names = tool.operationNames ?? []
        names += derived.operations.keys.sorted().filter { !names.contains($0) }
        let scopes: [String?] = names.isEmpty ? [nil] : names.map { $0 }
        var found: [Diagnostic] = []
        for operation in scopes {
            let said = declared.hints(for: operation)
            let known = derived.hints(for: operation)
            let subject = operation.map { "operation '\($0)'" } ?? "the tool"
            let handler = tool.handler.map { "the handler '\($0)'" } ?? "a tool of type '\(tool.type.name)'"
            if said.readOnlyHint == true, let nature = known.declaredNature, nature != .readOnly {
                found.append(finding("\(subject) is declared readOnlyHint: true, but \(handler) says it \(nature == .destructive ? "can destroy data" : "writes"); MCP clients run read-only tools without asking, so declare readOnlyHint: false",
                                     hint: "readOnlyHint", operation: operation, declared: declared))
            }
            if said.destructiveHint == false, known.declaredNature == .destructive {
                found.append(finding("\(subject) is declared destructiveHint: false, but \(handler) says it can delete or replace what was stored; declare destructiveHint: true",
                                     hint: "destructiveHint", operation: operation, declared: declared))
            }
            if said.openWorldHint == false, known.openWorldHint == true {
                found.append(finding("\(subject) is declared openWorldHint: false, but \(handler) reaches beyond this host; declare openWorldHint: true or leave it out",
                                     hint: "openWorldHint", operation: operation, declared: declared))
            }
        }
        return found
    }

    /// A warning at the declaration that says it: the operation's own hint, else the tool's.
    private static func finding(_ message: String, hint: String, operation: String?, declared: ToolAnnotations) -> Diagnostic {
        let path = ToolAnnotations.Hints.keys.first { $0.name == hint }?.path
        let pointer: String
        if let operation, let own = declared.operations[operation], let path, own[keyPath: path] != nil {
            pointer = JSONPointer.appending(hint, to: JSONPointer.appending(operation, to: "/annotations/operations"))
        } else {
            pointer = JSONPointer.appending(hint, to: "/annotations")
        }
        return Diagnostic(.warning, message, pointer: pointer, code: code)
    }
}
