/// U+0000 inside JSON strings: valid JSON, but a value that C string interfaces and
/// PostgreSQL's text and jsonb cannot carry (see ToolHostStorage's `NULCharacters`).
extension JSONValue {
    /// Whether a string or key anywhere in the value holds U+0000.
    public var holdsNULCharacter: Bool {
        switch self {
        case .string(let text): text.utf8.contains(0)
        case .array(let items): items.contains { $0.holdsNULCharacter }
        case .object(let object): object.contains { $0.key.utf8.contains(0) || $0.value.holdsNULCharacter }
        default: false
        }
    }

    /// The value with every U+0000 in its strings and keys replaced by U+FFFD (the replacement
    /// character): for copies kept as a record, which must be storable on every engine.
    public func replacingNULCharacters() -> JSONValue {
        guard holdsNULCharacter else { return self }
        switch self {
        case .string(let text): return .string(Self.replacingNUL(in: text))
        case .array(let items): return .array(items.map { $0.replacingNULCharacters() })
        case .object(let object):
            return .object(JSONObject(object.map { (Self.replacingNUL(in: $0.key), $0.value.replacingNULCharacters()) }))
        default: return self
        }
    }

    private static func replacingNUL(in text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 }))
    }
}
