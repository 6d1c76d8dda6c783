/// What a tool says about its own behaviour, in MCP's vocabulary (`ToolAnnotations` of the MCP
/// specification): whether it only reads, whether its writes can destroy, whether repeating a
/// call is harmless, whether it reaches beyond the host. Declared in the tool's YAML, for the
/// whole tool and per operation of a multi-operation tool:
///
/// ```yaml
/// annotations:
///   openWorldHint: false                 # the whole tool
///   operations:                          # per value of the input's `operation`
///     find_similar: {readOnlyHint: true}
///     store_artifact: {destructiveHint: false, idempotentHint: true}
///     delete_artifact: {destructiveHint: true}
/// ```
///
/// An operation's hints override the tool's, key by key. They are hints about the tool, written
/// by whoever wrote its YAML: the operator's `policy:` turns them into decisions (`ToolNature`),
/// and pinning covers them, so an edit that makes a tool look harmless is noticed.
public struct ToolAnnotations: Sendable, Equatable {
    /// One set of MCP hints; nil where the YAML says nothing.
    public struct Hints: Sendable, Equatable {
        public var readOnlyHint: Bool?
        public var destructiveHint: Bool?
        public var idempotentHint: Bool?
        public var openWorldHint: Bool?

        public init(readOnlyHint: Bool? = nil, destructiveHint: Bool? = nil, idempotentHint: Bool? = nil, openWorldHint: Bool? = nil) {
            self.readOnlyHint = readOnlyHint
            self.destructiveHint = destructiveHint
            self.idempotentHint = idempotentHint
            self.openWorldHint = openWorldHint
        }

        /// The YAML/MCP key of each hint, in the specification's order.
        public static var keys: [(name: String, path: WritableKeyPath<Hints, Bool?>)] {
            [("readOnlyHint", \.readOnlyHint), ("destructiveHint", \.destructiveHint),
             ("idempotentHint", \.idempotentHint), ("openWorldHint", \.openWorldHint)]
        }

        public var isEmpty: Bool { self == Hints() }

        /// These hints, with `base`'s filling the ones these leave out.
        public func over(_ base: Hints) -> Hints {
            var merged = base
            for (_, path) in Self.keys where self[keyPath: path] != nil { merged[keyPath: path] = self[keyPath: path] }
            return merged
        }

        /// The hints given, as MCP writes them (`{"readOnlyHint": true}`).
        public var json: JSONValue {
            .object(JSONObject(Self.keys.compactMap { key, path in self[keyPath: path].map { (key, JSONValue.bool($0)) } }))
        }
    }

    /// The hints of the whole tool.
    public var tool: Hints
    /// The hints of each operation (a value of the input's `operation`), over the tool's.
    public var operations: [String: Hints]

    public init(tool: Hints = Hints(), operations: [String: Hints] = [:]) {
        self.tool = tool
        self.operations = operations
    }

    public var isEmpty: Bool { tool.isEmpty && operations.values.allSatisfy(\.isEmpty) }

    /// The hints that hold for a call of `operation` (nil: a call that names none).
    public func hints(for operation: String?) -> Hints {
        guard let operation, let own = operations[operation] else { return tool }
        return own.over(tool)
    }

    /// As the YAML declares them: the tool's hints, and `operations` when there are any.
    public var json: JSONValue {
        guard case .object(var object) = tool.json else { return tool.json }
        if !operations.isEmpty {
            object["operations"] = .object(JSONObject(operations.keys.sorted().map { ($0, operations[$0]?.json ?? [:]) }))
        }
        return .object(object)
    }
}
