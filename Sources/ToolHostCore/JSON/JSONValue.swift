/// A JSON value as ToolHost passes it between callers, validators, handlers and plugins.
///
/// Integers and floating-point numbers are kept apart so that `42` round-trips as `42`, and
/// objects keep their key order so that answers print the way handlers wrote them.
///
/// ```swift
/// let input: JSONValue = ["operation": "list", "limit": 10]
/// input["operation"]?.stringValue  // "list"
/// ```
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    public var isNull: Bool { if case .null = self { true } else { false } }

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }

    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }

    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }

    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }

    /// The value as a Double when it is any JSON number.
    public var numberValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The value as an Int when it is a JSON number with no fractional part that fits.
    public var integerValue: Int? {
        switch self {
        case .integer(let value): Int(exactly: value)
        case .double(let value): value.isFinite && value.rounded() == value ? Int(exactly: value) : nil
        default: nil
        }
    }

    /// Member lookup on objects; `nil` for other values and absent keys.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The kind of value with its article, for sentences: "an array", "a string", "null".
    public var kindPhrase: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Element lookup on arrays; `nil` for other values and out-of-range indices.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The JSON type name used in schema messages: "null", "boolean", "integer", "number", ...
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .double(let value): value.isFinite && value.rounded() == value ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

// Numbers compare by value (`1 == 1.0`), as JSON Schema's `enum`, `const` and `uniqueItems` require.
extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.integer(a), .integer(b)): a == b
        case let (.string(a), .string(b)): a == b
        // Element by element rather than Array's ==: Swift 6.3's optimizer crashes
        // ("Found ownership error") specialising Array<JSONValue>.== in release builds.
        case let (.array(a), .array(b)): a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        case let (.object(a), .object(b)): a == b
        case (.integer, .double), (.double, .integer), (.double, .double):
            lhs.numberValue == rhs.numberValue
        default: false
        }
    }
}

extension JSONValue: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .integer(let value): hasher.combine(Double(value))
        case .double(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .object(let value): hasher.combine(value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

extension JSONValue {
    /// Wraps an `Int` (the common case in handler code) as a JSON integer.
    public static func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }
}
