/// Expands `${VAR}` references in configuration values, with the POSIX shell meanings:
///
/// | form            | result                                                     |
/// |-----------------|------------------------------------------------------------|
/// | `${VAR}`        | the value of VAR, empty when unset (and a warning)         |
/// | `${VAR:-word}`  | `word` when VAR is unset or empty                          |
/// | `${VAR-word}`   | `word` when VAR is unset                                   |
/// | `${VAR:?msg}`   | an error saying `msg` when VAR is unset or empty           |
/// | `${VAR?msg}`    | an error saying `msg` when VAR is unset                    |
/// | `$$`            | a literal `$`                                              |
///
/// `word` may itself contain references (`${A:-${B}}`). A `$` not followed by `{` or `$` is
/// kept as written, so passwords with a dollar sign survive.
public struct EnvironmentExpansion {
    public let environment: [String: String]
    /// Variables referenced without a default that were not set.
    public private(set) var unsetVariables: [String] = []

    public init(environment: [String: String]) { self.environment = environment }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public mutating func expand(_ text: String) throws(Failure) -> String {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            if next < text.endIndex, text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
            } else if next < text.endIndex, text[next] == "{" {
                guard let close = matchingBrace(in: text, openingAt: next) else {
                    throw Failure(message: "unterminated '${' in \"\(text)\"")
                }
                output += try expandReference(String(text[text.index(after: next)..<close]))
                index = text.index(after: close)
            } else {
                output.append("$")
                index = next
            }
        }
        return output
    }

    private mutating func expandReference(_ body: String) throws(Failure) -> String {
        let nameEnd = body.firstIndex(where: { !($0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber))) }) ?? body.endIndex
        let name = String(body[..<nameEnd])
        guard !name.isEmpty else { throw Failure(message: "'${\(body)}' does not start with a variable name") }
        let value = environment[name]
        var operation = body[nameEnd...]
        guard !operation.isEmpty else {
            if value == nil { unsetVariables.append(name) }
            return value ?? ""
        }
        let treatsEmptyAsUnset = operation.first == ":"
        if treatsEmptyAsUnset { operation = operation.dropFirst() }
        guard let operatorCharacter = operation.first, operatorCharacter == "-" || operatorCharacter == "?" else {
            throw Failure(message: "'${\(body)}' uses an unsupported form; use ${\(name)}, ${\(name):-default} or ${\(name):?message}")
        }
        let word = String(operation.dropFirst())
        if let value, !(treatsEmptyAsUnset && value.isEmpty) { return value }
        let fallback = try expand(word)
        if operatorCharacter == "-" { return fallback }
        throw Failure(message: "\(name) is required: \(fallback.isEmpty ? "it is not set" : fallback)")
    }

    private func matchingBrace(in text: String, openingAt open: String.Index) -> String.Index? {
        var depth = 0
        var index = open
        while index < text.endIndex {
            switch text[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }
}
