/// A handler whose work is split into named operations, chosen by the input's `operation`
/// field (`{"operation": "list", ...}`): the one mechanism every built-in tool uses, so an
/// operation is a few lines of intent that return an `OperationAnswer`.
///
/// ```swift
/// struct Greeter: OperationHandler {
///     let name = "greeter"
///     var operations: [Operation] { [Operation("hello") { input, _ in .fields(["message": .string("hello \(try input.string("who"))")]) }] }
/// }
/// ```
/// The tool's YAML declares each operation's fields (`operations:`), so the schema validator
/// has checked the input, defaults filled in, before an operation runs; `BuiltinOperationsTests`
/// pins the YAML's operations to the Swift ones.
public protocol OperationHandler: ToolHandler {
    var operations: [Operation] { get }
}

/// One named operation of an `OperationHandler`: what it does with its input, as an answer.
///
/// ```swift
/// Operation("count_words") { input, _ in .affected(try input.string("text").split(separator: " ").count) }
/// ```
/// The body may throw any layer's error (a `DatabaseError`, a `ToolHostError`...): the
/// mechanism converts it once, at `run` (`ToolHostErrorConvertible`). Database tools build
/// their operations with `Operation.read` / `Operation.write`, which open the connection or
/// the transaction too.
public struct Operation: Sendable {
    public typealias Body = @Sendable (OperationInput, HandlerContext) throws -> OperationAnswer

    public let name: String
    /// What the operation does to the world, as the handler that runs it knows it (read only,
    /// write, destroy); nil when the handler does not say. It is where the MCP hints of a
    /// built-in operation are derived from (`derivedAnnotations`), and what `toolhost validate`
    /// holds a YAML's declared hints against.
    public let nature: ToolNature?
    private let body: Body

    public init(_ name: String, nature: ToolNature? = nil, body: @escaping Body) {
        self.name = name
        self.nature = nature
        self.body = body
    }

    /// This operation, said to be of `nature` (for one built by a helper that cannot know).
    public func nature(_ nature: ToolNature) -> Operation {
        Operation(name, nature: nature, body: body)
    }

    /// Runs the operation: its answer, or its failure as a `ToolHostError`.
    public func run(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> OperationAnswer {
        try ToolHostError.converting { try body(input, context) }
    }
}

extension OperationHandler {
    /// Each operation's hints, from the nature its handler gives it (`Operation.nature`).
    public func derivedAnnotations(of tool: ToolDefinition) -> ToolAnnotations {
        var annotations = ToolAnnotations()
        for operation in operations {
            if let nature = operation.nature { annotations.operations[operation.name] = ToolAnnotations.Hints(derivedFrom: nature) }
        }
        return annotations
    }

    public func handle(_ input: JSONObject, context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let available = operations
        guard case .string(let requested)? = input["operation"] else {
            throw ToolHostError.invalidInput(
                [Violation(path: "/operation", message: "is required: one of \(available.map(\.name).joined(separator: ", "))")],
                tool: context.tool.id)
        }
        guard let operation = available.first(where: { $0.name == requested }) else {
            let suggestions = Suggestions.closest(to: requested, among: available.map(\.name))
            let hint = suggestions.first.map { " Did you mean '\($0)'?" } ?? ""
            throw ToolHostError(
                .unknownOperation,
                "Tool '\(context.tool.id)' has no operation '\(requested)'.\(hint) Operations: \(available.map(\.name).joined(separator: ", ")).",
                details: ["operations": .array(available.map { .string($0.name) })])
        }
        return try operation.run(OperationInput(input, tool: context.tool.id), context).json
    }
}
