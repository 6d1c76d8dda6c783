/// One way an input breaks a schema: where (a JSON Pointer into the input; "" is the input
/// itself) and what is wrong, as a sentence fragment ("is required", "must be an integer").
public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// The path as shown in sentences: "input" for the root.
    public var displayPath: String { path.isEmpty ? "input" : path }

    public var description: String { "\(displayPath) \(message)" }

    public var json: JSONValue { ["path": .string(path), "message": .string(message)] }
}
