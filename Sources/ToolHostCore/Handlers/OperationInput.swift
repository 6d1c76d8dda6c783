/// Typed access to an operation's input fields, turning a missing or mistyped field into an
/// `invalid_input` error with the field's JSON path.
///
/// The schema validator has checked each operation's fields (types, required, bounds) and
/// filled in defaults before an operation runs, so these accessors are typed access, and their
/// errors the last guard for a handler called without a schema (tests, other hosts).
public struct OperationInput: Sendable {
    public let fields: JSONObject
    private let toolID: String

    public init(_ fields: JSONObject, tool: String) {
        self.fields = fields
        self.toolID = tool
    }

    public subscript(key: String) -> JSONValue? { fields[key].flatMap { $0.isNull ? nil : $0 } }

    public func string(_ key: String) throws(ToolHostError) -> String {
        guard let value = try optionalString(key) else { throw missing(key, "a string") }
        return value
    }

    public func optionalString(_ key: String) throws(ToolHostError) -> String? {
        guard let value = self[key] else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string", value) }
        return text
    }

    /// An integer the schema requires or defaults (`limit`, `depth`).
    public func int(_ key: String) throws(ToolHostError) -> Int {
        guard let value = try optionalInt(key) else { throw missing(key, "an integer") }
        return value
    }

    public func optionalInt(_ key: String) throws(ToolHostError) -> Int? {
        guard let value = self[key] else { return nil }
        guard let integer = value.integerValue else {
            if value.typeName == "integer" { throw invalid(key, Violation.integerTooLarge) }
            throw wrongType(key, "an integer", value)
        }
        return integer
    }

    public func optionalBool(_ key: String) throws(ToolHostError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(key, "true or false", value) }
        return flag
    }

    public func object(_ key: String) throws(ToolHostError) -> JSONObject {
        guard let value = try optionalObject(key) else { throw missing(key, "an object") }
        return value
    }

    public func optionalObject(_ key: String) throws(ToolHostError) -> JSONObject? {
        guard let value = self[key] else { return nil }
        guard case .object(let object) = value else { throw wrongType(key, "an object", value) }
        return object
    }

    public func array(_ key: String) throws(ToolHostError) -> [JSONValue] {
        guard let value = try optionalArray(key) else { throw missing(key, "an array") }
        return value
    }

    public func optionalArray(_ key: String) throws(ToolHostError) -> [JSONValue]? {
        guard let value = self[key] else { return nil }
        guard case .array(let elements) = value else { throw wrongType(key, "an array", value) }
        return elements
    }

    public func number(_ key: String) throws(ToolHostError) -> Double {
        guard let value = try optionalNumber(key) else { throw missing(key, "a number") }
        return value
    }

    public func optionalNumber(_ key: String) throws(ToolHostError) -> Double? {
        guard let value = self[key] else { return nil }
        guard let number = value.numberValue else { throw wrongType(key, "a number", value) }
        return number
    }

    /// An error for `key` with any message, as every accessor reports it.
    public func invalid(_ key: String, _ message: String) -> ToolHostError {
        .invalidInput([Violation(path: "/\(key)", message: message)], tool: toolID)
    }

    private func missing(_ key: String, _ expected: String) -> ToolHostError {
        .invalidInput([Violation(path: "/\(key)", message: "is required (\(expected))")], tool: toolID)
    }

    private func wrongType(_ key: String, _ expected: String, _ value: JSONValue) -> ToolHostError {
        .invalidInput([Violation(path: "/\(key)", message: "must be \(expected), not \(value.typeName)")], tool: toolID)
    }
}
