import Yams

/// Prints JSON values as block-style YAML for people (`describe --format yaml`). Strings that
/// would read back as another type (`"true"`, `"42"`) are quoted.
public enum YAMLWriter {
    public static func string(_ value: JSONValue) -> String {
        (try? Yams.serialize(node: node(value), indent: 2, width: 100, allowUnicode: true)) ?? JSONWriter.string(value, style: .pretty)
    }

    private static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .integer(let integer): return Node(String(integer), Tag(.int))
        case .double: return Node(value.description, Tag(.float))
        case .string(let text):
            let plainReading = YAMLScalarResolver.resolve(plain: text)
            let style: Node.Scalar.Style = text.contains("\n") ? .literal : (plainReading.stringValue == text ? .any : .doubleQuoted)
            return Node(text, Tag(.str), style)
        case .array(let elements): return Node(elements.map(node))
        case .object(let object): return Node(object.map { (Node($0.key), node($0.value)) })
        }
    }
}
