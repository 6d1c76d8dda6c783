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

    /// The message for an integer no 64-bit integer can hold (JSON allows it; SQL and Python's
    /// callers of ToolHost cannot take it).
    public static let integerTooLarge = "is too large: integers must lie between -2^63 and 2^63-1"
}
