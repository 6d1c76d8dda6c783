/// `{name}` placeholders in argument templates.
///
/// The built-in names (`{tool_dir}`, `{tools_dir}`...) are `PluginPlacement`'s; any other
/// `{key}` is filled from the input object (strings as they are, other values as compact
/// JSON). Braces that do not enclose an identifier, such as a JSON literal `{"a": 1}`, are
/// left alone.
public enum Placeholders {
    /// The placeholder names in `template`, in order.
    public static func names(in template: String) -> [String] {
        var names: [String] = []
        scan(template) { names.append($0); return nil }
        return names
    }

    /// `template` with every placeholder replaced by `value(name)`; a placeholder whose value is
    /// nil makes the whole substitution fail with that name.
    public static func substitute(_ template: String, value: (String) -> String?) -> Result<String, MissingValue> {
        var missing: String?
        let output = scan(template) { name in
            if let replacement = value(name) { return replacement }
            if missing == nil { missing = name }
            return ""
        }
        if let missing { return .failure(MissingValue(name: missing)) }
        return .success(output)
    }

    public struct MissingValue: Error, Sendable {
        public let name: String
    }

    /// The text a JSON input value contributes to an argument.
    public static func argumentText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .null: ""
        default: value.description
        }
    }

    @discardableResult
    private static func scan(_ template: String, _ replace: (String) -> String?) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}"),
                  isIdentifier(rest[afterOpen..<close]) else {
                output.append("{")
                rest = rest[afterOpen...]
                continue
            }
            let name = String(rest[afterOpen..<close])
            output += replace(name) ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    private static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return text.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
