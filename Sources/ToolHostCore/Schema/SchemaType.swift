/// The JSON Schema type names and the spellings real tool catalogues use for them.
///
/// Hand-written YAML says `int`, `float`, `dict`, `list`, `bool`, `str`, `any`, even `path` or
/// `url`; each maps onto one JSON Schema type (or none, for `any`) so that validation and
/// MCP/OpenAI export see standard names.
public enum SchemaType {
    public static let standard: Set<String> = ["string", "integer", "number", "boolean", "object", "array", "null"]

    /// The result of reading a type name: a standard type, "no constraint", or not understood.
    public enum Reading: Equatable, Sendable {
        case type(String)
        case any
        case unknown
    }

    public static func read(_ name: String) -> Reading {
        let lowered = name.lowercased()
        if standard.contains(lowered) { return .type(lowered) }
        switch lowered {
        case "str", "text", "path", "file", "filepath", "file_path", "filename", "directory", "dir",
             "url", "uri", "email", "date", "datetime", "date-time", "time", "uuid", "code", "yaml":
            return .type("string")
        case "int", "long", "int32", "int64": return .type("integer")
        case "float", "double", "decimal", "numeric", "real": return .type("number")
        case "bool": return .type("boolean")
        case "dict", "map", "mapping", "hash", "json", "record": return .type("object")
        case "list", "tuple", "sequence", "seq", "set": return .type("array")
        case "none", "nil": return .type("null")
        case "any", "mixed", "*": return .any
        default: return .unknown
        }
    }

    /// Whether `value` is an instance of the standard type `name` (`1.0` counts as an integer).
    public static func matches(_ value: JSONValue, _ name: String) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object):
            return true
        case ("integer", .integer), ("number", .integer), ("number", .double):
            return true
        case ("integer", .double(let double)):
            return double.isFinite && double.rounded() == double
        default:
            return false
        }
    }
}
