/// RFC 6901 JSON Pointer helpers: the paths in violation reports ("/config/retries") and in
/// the line maps of YAML documents.
public enum JSONPointer {
    /// Escapes one reference token: `~` → `~0`, `/` → `~1`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var escaped = ""
        for character in token {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    public static func appending(_ token: String, to pointer: String) -> String {
        "\(pointer)/\(escape(token))"
    }

    public static func appending(_ index: Int, to pointer: String) -> String {
        "\(pointer)/\(index)"
    }
}
