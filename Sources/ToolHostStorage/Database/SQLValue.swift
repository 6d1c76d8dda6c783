import ToolHostCore

/// A value bound to a statement parameter. Every value reaches the database as a bound
/// parameter, never spliced into SQL text.
public enum SQLValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
    /// Stored as JSON text (jsonb on PostgreSQL, TEXT holding JSON on SQLite).
    case json(JSONValue)

    /// The natural SQL value of a JSON input value: objects and arrays become JSON.
    public init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let integer): self = .integer(integer)
        case .double(let double): self = .double(double)
        case .string(let text): self = .text(text)
        case .array, .object: self = .json(value)
        }
    }

    /// `.json(value)`, or null when the value is absent or JSON null.
    public static func jsonOrNull(_ value: JSONValue?) -> SQLValue {
        guard let value, !value.isNull else { return .null }
        return .json(value)
    }

    public static func textOrNull(_ value: String?) -> SQLValue {
        value.map { .text($0) } ?? .null
    }
}
