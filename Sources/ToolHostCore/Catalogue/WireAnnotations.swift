/// The four MCP hints of a tool, and of each of its operations, as they go out in `tools/list`
/// (`annotations`, and `_meta["toolhost/operations"]`) and show in `describe`: every hint
/// always given, so no client has to know MCP's defaults.
///
/// Where each hint comes from, first that says wins:
/// 1. the YAML's `annotations:` (the operation's own, then the tool's): what the author declared;
/// 2. the handler's own knowledge (`ToolHandler.derivedAnnotations`): a built-in store's read
///    operations are read-only, its delete/retention operations destructive, the network types
///    (`llm`, `openapi`, `mcp`) open-world;
/// 3. MCP's defaults, the safe ones: not read-only, destructive, not idempotent, open-world.
///    A plugin that says nothing is never guessed harmless.
///
/// A declared hint that contradicts the handler still wins here (the author may know better),
/// but `toolhost validate` warns about it (`AnnotationsLint`). Hints saying both read-only and
/// destructive go out as not read-only (the policy reads them as destructive too).
///
/// A multi-operation tool's own hints are the safe combination over its operations: read-only
/// only if every operation is, destructive if any is, idempotent only if all are, open-world if
/// any is. So a client that reads only the tool's hints never auto-approves a write.
public struct WireAnnotations: Sendable, Equatable {
    /// The four hints, each decided.
    public struct Hints: Sendable, Equatable {
        public var readOnlyHint: Bool
        public var destructiveHint: Bool
        public var idempotentHint: Bool
        public var openWorldHint: Bool

        public init(readOnlyHint: Bool, destructiveHint: Bool, idempotentHint: Bool, openWorldHint: Bool) {
            self.readOnlyHint = readOnlyHint
            self.destructiveHint = destructiveHint
            self.idempotentHint = idempotentHint
            self.openWorldHint = openWorldHint
        }

        /// `hints` with MCP's default for each one left out. `destructiveHint` defaults to
        /// true only for what is not read-only (MCP gives it meaning only then).
        public init(filling hints: ToolAnnotations.Hints) {
            let destructive = hints.destructiveHint ?? (hints.readOnlyHint != true)
            self.init(readOnlyHint: hints.readOnlyHint == true && !destructive, destructiveHint: destructive,
                      idempotentHint: hints.idempotentHint ?? false, openWorldHint: hints.openWorldHint ?? true)
        }

        /// The safe combination of several operations' hints (see the type's comment).
        public init(combining all: [Hints]) {
            self.init(readOnlyHint: all.allSatisfy(\.readOnlyHint), destructiveHint: all.contains(where: \.destructiveHint),
                      idempotentHint: all.allSatisfy(\.idempotentHint), openWorldHint: all.contains(where: \.openWorldHint))
        }

        /// As MCP writes them, in the specification's order.
        public var json: JSONValue {
            ["readOnlyHint": .bool(readOnlyHint), "destructiveHint": .bool(destructiveHint),
             "idempotentHint": .bool(idempotentHint), "openWorldHint": .bool(openWorldHint)]
        }
    }

    /// The tool's hints (for a multi-operation tool, the combination over its operations).
    public let tool: Hints
    /// Each operation's hints, in the order of the input's `operation` enum.
    public let operations: [(name: String, hints: Hints)]

    /// The `_meta` key under which each operation's hints go out in `tools/list`.
    public static let metaKey = "toolhost/operations"

    /// The hints of `declared` (the YAML's) over `derived` (the handler's) over MCP's defaults,
    /// for `operationNames` (the input's `operation` enum; nil or empty: a single-operation tool).
    public init(declared: ToolAnnotations, derived: ToolAnnotations, operationNames: [String]?) {
        var names = operationNames ?? []
        for extra in Set(declared.operations.keys).union(derived.operations.keys).sorted() where !names.contains(extra) {
            names.append(extra)
        }
        let operations = names.map { name in
            (name: name, hints: Hints(filling: declared.hints(for: name).over(derived.hints(for: name))))
        }
        self.operations = operations
        tool = operations.isEmpty ? Hints(filling: declared.tool.over(derived.tool)) : Hints(combining: operations.map(\.hints))
    }

    /// The hints of `tool` as this host sends them (`handlers` nil: from its YAML alone).
    public init(of tool: ToolDefinition, handlers: HandlerRegistry?) {
        self.init(declared: tool.annotations, derived: handlers?.derivedAnnotations(of: tool) ?? ToolAnnotations(),
                  operationNames: tool.operationNames)
    }

    /// `{"toolhost/operations": {operation: hints}}`, or nil for a single-operation tool.
    public var meta: JSONValue? {
        guard !operations.isEmpty else { return nil }
        return [Self.metaKey: .object(JSONObject(operations.map { ($0.name, $0.hints.json) }))]
    }

    /// The tool's hints plus `operations` (each operation's), as `describe` shows them.
    public var json: JSONValue {
        guard case .object(var object) = tool.json else { return tool.json }
        if !operations.isEmpty { object["operations"] = .object(JSONObject(operations.map { ($0.name, $0.hints.json) })) }
        return .object(object)
    }

    public static func == (lhs: WireAnnotations, rhs: WireAnnotations) -> Bool {
        lhs.tool == rhs.tool && lhs.operations.elementsEqual(rhs.operations) { $0.name == $1.name && $0.hints == $1.hints }
    }
}

extension ToolAnnotations.Hints {
    /// The hints a handler's knowledge of an operation's nature implies: a read changes
    /// nothing (so repeating it is harmless too), a write adds or updates in place, a
    /// destructive operation can lose what was stored. Nothing about the open world: the
    /// handler says that for the whole tool.
    public init(derivedFrom nature: ToolNature) {
        switch nature {
        case .readOnly: self.init(readOnlyHint: true, destructiveHint: false, idempotentHint: true)
        case .write: self.init(readOnlyHint: false, destructiveHint: false)
        case .destructive: self.init(readOnlyHint: false, destructiveHint: true)
        }
    }
}
