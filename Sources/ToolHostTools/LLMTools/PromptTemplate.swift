import ToolHostCore

/// An llm tool's `prompt_template`, with the placeholders of Python's `str.format`, which
/// code-evolver's catalogues are written for: `{name}` is the input field `name`, `{{` and `}}`
/// are literal braces.
///
/// ```swift
/// let template = try PromptTemplate.parse("Review this: {prompt} ({{strict}})")
/// try template.render(["prompt": "x = 1"])   // "Review this: x = 1 ({strict})"
/// ```
/// What `str.format` also allows but a tool's input cannot give, is refused when the template
/// is read, with the field named: positional fields (`{}`, `{0}`), attribute and index access
/// (`{a.b}`, `{a[0]}`), conversions (`{a!r}`) and format specs (`{a:>10}`). A lone `{` or `}`
/// is refused as Python refuses it.
///
/// Values are written as text: a string as it is, any other JSON value as compact JSON
/// (`3`, `true`, `["a","b"]`), so an agent's structured input reaches the model unchanged.
public struct PromptTemplate: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case text(String)
        case field(String)
    }

    let pieces: [Piece]

    /// Why a template cannot be used: a sentence fragment ("has a lone '}' at character 12").
    public struct Malformed: Error, Sendable {
        public let reason: String
    }

    /// A placeholder whose input field was not given.
    public struct Missing: Error, Sendable {
        public let names: [String]
    }

    /// The field names, in order of first use.
    public var fieldNames: [String] {
        var seen: [String] = []
        for case .field(let name) in pieces where !seen.contains(name) { seen.append(name) }
        return seen
    }

    public static func parse(_ text: String) throws(Malformed) -> PromptTemplate {
        var pieces: [Piece] = []
        var literal = ""
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            if character == "{", next == "{" {
                literal.append("{")
                index += 2
            } else if character == "}", next == "}" {
                literal.append("}")
                index += 2
            } else if character == "}" {
                throw Malformed(reason: "has a lone '}' at character \(index + 1) (write '}}' for a literal brace)")
            } else if character == "{" {
                guard let close = characters[(index + 1)...].firstIndex(of: "}") else {
                    throw Malformed(reason: "has a '{' at character \(index + 1) that is never closed (write '{{' for a literal brace)")
                }
                let field = String(characters[(index + 1)..<close])
                try check(field, at: index + 1)
                if !literal.isEmpty { pieces.append(.text(literal)) }
                literal = ""
                pieces.append(.field(field))
                index = close + 1
            } else {
                literal.append(character)
                index += 1
            }
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return PromptTemplate(pieces: pieces)
    }

    /// A field is an identifier, as a keyword argument of `str.format` is.
    private static func check(_ field: String, at position: Int) throws(Malformed) {
        let shown = "{\(field)}"
        if field.isEmpty || field.allSatisfy(\.isNumber) {
            throw Malformed(reason: "has the positional field \(shown) at character \(position); name the input field instead, as in {prompt}")
        }
        if let mark = field.first(where: { ":!.[".contains($0) }) {
            let what = switch mark {
            case ":": "a format spec"
            case "!": "a conversion"
            default: "attribute or index access"
            }
            throw Malformed(reason: "uses \(what) in \(shown) at character \(position), which ToolHost does not support; use a plain {name}")
        }
        let valid = field.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        guard valid, let first = field.unicodeScalars.first, !("0"..."9").contains(first) else {
            throw Malformed(reason: "has the field \(shown) at character \(position), which is not a name (letters, digits and '_')")
        }
    }

    /// The text with every field replaced by `values[name]`; throws with every field that has
    /// no value (a JSON null counts as none).
    public func render(_ values: JSONObject) throws(Missing) -> String {
        let missing = fieldNames.filter { values[$0] == nil || values[$0]?.isNull == true }
        guard missing.isEmpty else { throw Missing(names: missing) }
        var text = ""
        for piece in pieces {
            switch piece {
            case .text(let literal): text += literal
            case .field(let name): text += Self.text(of: values[name] ?? .null)
            }
        }
        return text
    }

    /// A value as the prompt shows it: text as is, a flag as Python writes it (True), anything
    /// else as compact JSON.
    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        // As Python's str() writes them, since templates are written for str.format.
        case .bool(let flag): flag ? "True" : "False"
        default: JSONWriter.string(value)
        }
    }
}
