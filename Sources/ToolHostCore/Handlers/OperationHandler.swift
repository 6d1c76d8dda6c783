/// A handler whose work is split into named operations, chosen by the input's `operation`
/// field (`{"operation": "list", ...}`): the shared mechanism every built-in tool uses, so an
/// operation is a few lines of intent.
///
/// ```swift
/// struct Greeter: OperationHandler {
///     let name = "greeter"
///     var operations: [Operation] { [Operation("hello", summary: "Says hello", body: hello)] }
///
///     private func hello(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
///         ["success": true, "message": .string("hello \(try input.string("who"))")]
///     }
/// }
/// ```
public protocol OperationHandler: ToolHandler {
    var operations: [Operation] { get }
}

/// One named operation of an `OperationHandler`.
public struct Operation: Sendable {
    public typealias Body = @Sendable (OperationInput, HandlerContext) throws(ToolHostError) -> JSONValue

    public let name: String
    public let summary: String
    public let body: Body

    public init(_ name: String, summary: String, body: @escaping Body) {
        self.name = name
        self.summary = summary
        self.body = body
    }
}

extension OperationHandler {
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
        return try operation.body(OperationInput(input, tool: context.tool.id), context)
    }
}
