/// Reads a tool's `annotations:` block (`ToolAnnotations`) and says what is wrong with it.
///
/// A hint that cannot be read is left out, so its operation falls back to the tool's hint or to
/// `write`: a mistake in this block can make a call ask or be refused more, never less.
struct AnnotationsDecoder {
    /// Keys of the block besides the hints: `operations`, and MCP's `title` (descriptive; the
    /// top-level `name` is what ToolHost shows).
    private static let otherKeys = ["operations", "title"]
    private static let hintNames = ToolAnnotations.Hints.keys.map(\.name)

    private(set) var diagnostics: [Diagnostic] = []

    /// The annotations of `raw` (the value of `annotations:`; nil when absent). `operationNames`
    /// are the values of the input schema's `operation` enum, when it has one.
    mutating func decode(_ raw: JSONValue?, operationNames: [String]?) -> ToolAnnotations {
        let pointer = "/annotations"
        switch raw {
        case nil, .null?:
            return ToolAnnotations()
        case .object(let block)?:
            var annotations = ToolAnnotations(tool: hints(block, at: pointer, allowing: Self.otherKeys))
            annotations.operations = operations(block["operations"], at: JSONPointer.appending("operations", to: pointer),
                                                known: operationNames)
            checkContradictions(annotations)
            return annotations
        case let other?:
            diagnostics.append(.error("'annotations' must be a mapping of MCP hints (readOnlyHint, destructiveHint, idempotentHint, openWorldHint) and 'operations', not \(other.typeName)",
                                      at: pointer))
            return ToolAnnotations()
        }
    }

    private mutating func operations(_ raw: JSONValue?, at pointer: String, known: [String]?) -> [String: ToolAnnotations.Hints] {
        switch raw {
        case nil, .null?:
            return [:]
        case .object(let block)?:
            var operations: [String: ToolAnnotations.Hints] = [:]
            for (name, value) in block {
                let at = JSONPointer.appending(name, to: pointer)
                if let known, !known.contains(name) {
                    let hint = Suggestions.closest(to: name, among: known, limit: 1).first.map { "; did you mean '\($0)'?" } ?? ""
                    diagnostics.append(.warning("'\(name)' is not an operation of this tool (its input's operation enum)\(hint)", at: at))
                }
                guard case .object(let hints) = value else {
                    diagnostics.append(.error("the annotations of operation '\(name)' must be a mapping of MCP hints, not \(value.typeName)", at: at))
                    continue
                }
                operations[name] = self.hints(hints, at: at, allowing: [])
            }
            return operations
        case let other?:
            diagnostics.append(.error("'operations' must be a mapping of operation names to MCP hints, not \(other.typeName)", at: pointer))
            return [:]
        }
    }

    private mutating func hints(_ block: JSONObject, at pointer: String, allowing otherKeys: [String]) -> ToolAnnotations.Hints {
        var hints = ToolAnnotations.Hints()
        for (name, path) in ToolAnnotations.Hints.keys {
            guard let value = block[name], !value.isNull else { continue }
            guard let flag = value.boolValue else {
                diagnostics.append(.error("'\(name)' must be true or false, not \(value.description.clipped)",
                                          at: JSONPointer.appending(name, to: pointer)))
                continue
            }
            hints[keyPath: path] = flag
        }
        for key in block.keys where !Self.hintNames.contains(key) && !otherKeys.contains(key) {
            let candidates = Self.hintNames + otherKeys
            let hint = Suggestions.closest(to: key, among: candidates, limit: 1).first.map { "did you mean '\($0)'? " } ?? ""
            diagnostics.append(.warning("unknown annotation '\(key)' (\(hint)known: \(candidates.joined(separator: ", ")))",
                                        at: JSONPointer.appending(key, to: pointer)))
        }
        return hints
    }

    /// Read-only and destructive at once cannot both hold; the call is treated as destructive.
    private mutating func checkContradictions(_ annotations: ToolAnnotations) {
        // An operation is checked only where its own hints take part (else the tool's warning says it).
        let own = annotations.operations.filter { $0.value.readOnlyHint != nil || $0.value.destructiveHint != nil }
        let scopes = [(nil as String?, "/annotations")] + own.keys.sorted().map { ($0, JSONPointer.appending($0, to: "/annotations/operations")) }
        for (operation, pointer) in scopes {
            let hints = annotations.hints(for: operation)
            if hints.readOnlyHint == true, hints.destructiveHint == true {
                let subject = operation.map { "operation '\($0)'" } ?? "the tool"
                diagnostics.append(.warning("\(subject) is marked both readOnlyHint and destructiveHint; it is treated as destructive",
                                            at: pointer))
            }
        }
    }
}
