/// Which items a consumer passes on: a mapping of fields to values, or a small expression.
///
/// - `{kind: trade, level: [warning, error]}`: every named field (a dotted path, `a.b.0`)
///   equals its value, or one of the values of a list.
/// - `"price > 10 and kind == 'trade'"`: comparisons (`==`, `!=`, `>`, `>=`, `<`, `<=`,
///   `contains`) of a path with a literal (a number, a quoted string, true, false, null, or a
///   bare word as text), a path alone (Python's truthiness), `not`, `and`, `or` (`and` first).
///
/// A path the item lacks never matches a comparison (and is falsy): a filter never fails a run.
public struct StreamFilter: Sendable {
    /// Why a filter cannot be read.
    public struct Invalid: Error, Sendable {
        public let reason: String
    }

    fileprivate indirect enum Node: Sendable {
        case truthy(path: [String])
        case compare(path: [String], op: String, literal: JSONValue)
        case not(Node)
        case all([Node])
        case any([Node])
    }

    private let root: Node

    /// Every item passes.
    public static let all = StreamFilter(root: .all([]))

    private init(root: Node) { self.root = root }

    public init(_ value: JSONValue) throws(Invalid) {
        switch value {
        case .object(let fields):
            root = .all(fields.map { member in
                let expected = member.value
                let path = member.key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                if case .array(let choices) = expected { return .any(choices.map { .compare(path: path, op: "==", literal: $0) }) }
                return .compare(path: path, op: "==", literal: expected)
            })
        case .string(let text):
            var parser = ExpressionParser(tokens: try Self.tokens(of: text))
            root = try parser.parse()
        default:
            throw Invalid(reason: "must be a mapping of fields to values or an expression such as \"price > 10\", not \(value.typeName)")
        }
    }

    public func matches(_ item: JSONValue) -> Bool { Self.evaluate(root, on: item) }

    private static func evaluate(_ node: Node, on item: JSONValue) -> Bool {
        switch node {
        case .truthy(let path): return value(at: path, in: item)?.isTruthy ?? false
        case .not(let inner): return !evaluate(inner, on: item)
        case .all(let nodes): return nodes.allSatisfy { evaluate($0, on: item) }
        case .any(let nodes): return nodes.contains { evaluate($0, on: item) }
        case .compare(let path, let op, let literal):
            guard let found = value(at: path, in: item) else { return false }
            return compare(found, op, literal)
        }
    }

    private static func compare(_ found: JSONValue, _ op: String, _ literal: JSONValue) -> Bool {
        switch op {
        case "==": return found == literal
        case "!=": return found != literal
        case "contains":
            switch found {
            case .string(let text): return literal.stringValue.map { text.contains($0) } ?? false
            case .array(let elements): return elements.contains(literal)
            case .object(let object): return literal.stringValue.map { object[$0] != nil } ?? false
            default: return false
            }
        default:
            let order: Int?
            if let a = found.numberValue, let b = literal.numberValue {
                order = a < b ? -1 : a > b ? 1 : 0
            } else if let a = found.stringValue, let b = literal.stringValue {
                order = a < b ? -1 : a > b ? 1 : 0
            } else {
                order = nil
            }
            guard let order else { return false }
            switch op {
            case ">": return order > 0
            case ">=": return order >= 0
            case "<": return order < 0
            default: return order <= 0
            }
        }
    }

    private static func value(at path: [String], in item: JSONValue) -> JSONValue? {
        var current = item
        for segment in path {
            switch current {
            case .object(let object):
                guard let next = object[segment] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(segment), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    // MARK: Expressions

    fileprivate enum Token: Equatable {
        case word(String)
        case quoted(String)
        case symbol(String)
    }

    private static func tokens(of text: String) throws(Invalid) -> [Token] {
        var tokens: [Token] = []
        var characters = Substring(text)
        while let first = characters.first {
            if first == " " || first == "\t" || first == "\n" {
                characters = characters.dropFirst()
            } else if first == "'" || first == "\"" {
                let body = characters.dropFirst()
                guard let close = body.firstIndex(of: first) else { throw Invalid(reason: "has a quote \(first) that is never closed") }
                tokens.append(.quoted(String(body[..<close])))
                characters = body[body.index(after: close)...]
            } else if "=!<>".contains(first) {
                let two = String(characters.prefix(2))
                let symbol = ["==", "!=", ">=", "<="].contains(two) ? two : String(first)
                guard symbol != "=", symbol != "!" else { throw Invalid(reason: "uses '\(symbol)': compare with == or !=") }
                tokens.append(.symbol(symbol))
                characters = characters.dropFirst(symbol.count)
            } else {
                let end = characters.firstIndex { " \t\n'\"=!<>".contains($0) } ?? characters.endIndex
                tokens.append(.word(String(characters[..<end])))
                characters = characters[end...]
            }
        }
        guard !tokens.isEmpty else { throw Invalid(reason: "is empty") }
        return tokens
    }

    /// expression := conjunction ("or" conjunction)*; conjunction := clause ("and" clause)*;
    /// clause := "not" clause | path [operator literal].
    private struct ExpressionParser {
        let tokens: [Token]
        var index = 0

        mutating func parse() throws(Invalid) -> Node {
            let node = try disjunction()
            guard index == tokens.count else { throw Invalid(reason: "has something unexpected at \(describe(tokens[index]))") }
            return node
        }

        private mutating func disjunction() throws(Invalid) -> Node {
            var nodes = [try conjunction()]
            while accept(.word("or")) { nodes.append(try conjunction()) }
            return nodes.count == 1 ? nodes[0] : .any(nodes)
        }

        private mutating func conjunction() throws(Invalid) -> Node {
            var nodes = [try clause()]
            while accept(.word("and")) { nodes.append(try clause()) }
            return nodes.count == 1 ? nodes[0] : .all(nodes)
        }

        private mutating func clause() throws(Invalid) -> Node {
            if accept(.word("not")) { return .not(try clause()) }
            guard index < tokens.count, case .word(let name) = tokens[index], !["and", "or"].contains(name) else {
                throw Invalid(reason: index < tokens.count ? "expects a field name at \(describe(tokens[index]))" : "ends where a field name should be")
            }
            index += 1
            let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard index < tokens.count else { return .truthy(path: path) }
            let op: String
            switch tokens[index] {
            case .symbol(let symbol): op = symbol
            case .word("contains"): op = "contains"
            default: return .truthy(path: path)
            }
            index += 1
            guard index < tokens.count else { throw Invalid(reason: "ends after '\(op)', where a value should be") }
            let literal: JSONValue = switch tokens[index] {
            case .quoted(let text): .string(text)
            case .word(let word): Self.literal(word)
            case .symbol(let symbol): throw Invalid(reason: "has '\(symbol)' where a value should be")
            }
            index += 1
            return .compare(path: path, op: op, literal: literal)
        }

        private static func literal(_ word: String) -> JSONValue {
            switch word {
            case "true", "True": return true
            case "false", "False": return false
            case "null", "None": return .null
            default:
                if let integer = Int64(word) { return .integer(integer) }
                if let number = Double(word), number.isFinite { return .double(number) }
                return .string(word)
            }
        }

        private mutating func accept(_ token: Token) -> Bool {
            guard index < tokens.count, tokens[index] == token else { return false }
            index += 1
            return true
        }

        private func describe(_ token: Token) -> String {
            switch token {
            case .word(let word): "'\(word)'"
            case .quoted(let text): "'\"\(text)\"'"
            case .symbol(let symbol): "'\(symbol)'"
            }
        }
    }
}
