import ToolHostCore

/// Turns SQL with parameters as callers write them into the dialect's native form.
///
/// code-evolver sends psycopg2 style: `%(name)s` with an object of values, `%s` with an
/// array; `%%` is a literal `%`. Native placeholders work too: `$1` (and, on SQLite, `?` and
/// `?1`; on PostgreSQL `?` is the JSON key operator, and a `?` with values is refused) with an array. Placeholders inside quoted strings, quoted identifiers, dollar-quoted
/// bodies and comments are left alone, as is a lone `%` (`LIKE 'a%'`, `a % b`). Without
/// params the SQL is passed through untouched, as psycopg2 does.
///
/// ```swift
/// let prepared = try SQLParameters.prepare("SELECT * FROM t WHERE a = %(a)s", params: ["a": 1], dialect: .postgres)
/// // prepared.sql == "SELECT * FROM t WHERE a = $1", prepared.values == [.integer(1)]
/// ```
public enum SQLParameters {
    public struct Prepared: Sendable, Equatable {
        public var sql: String
        public var values: [SQLValue]
    }

    /// Whether `sql` holds several statements (`a; b`), ignoring semicolons in literals and
    /// comments. Such a script runs without parameters, as psycopg2 allows.
    public static func isScript(_ sql: String, dialect: SQLDialect) -> Bool {
        SQLScanner(bytes: Array(sql.utf8), dialect: dialect).holdsSeveralStatements()
    }

    /// The statement's first keyword, upper-cased.
    public static func firstKeyword(_ sql: String, dialect: SQLDialect) -> String {
        SQLScanner(bytes: Array(sql.utf8), dialect: dialect).firstKeyword()
    }

    public static func prepare(_ sql: String, params: JSONValue?, dialect: SQLDialect,
                               path: String = "/params") throws(ToolHostError) -> Prepared {
        let prepared = try rewritten(sql, params: params, dialect: dialect, path: path)
        if dialect == .postgres { try checkNativePlaceholders(prepared, given: params, path: path) }
        return prepared
    }

    /// PostgreSQL's own placeholders, checked before the server sees them: a `$3` with two
    /// values would come back as a protocol error (SQLSTATE 08P01) that reads like a lost
    /// connection, and `?` (SQLite's, and JDBC's) is PostgreSQL's JSON key operator.
    private static func checkNativePlaceholders(_ prepared: Prepared, given params: JSONValue?, path: String) throws(ToolHostError) {
        let bytes = Array(prepared.sql.utf8)
        let scanner = SQLScanner(bytes: bytes, dialect: .postgres)
        let code = scanner.codeRanges()
        var highest = 0
        var questionMarks = 0
        for range in code {
            var position = range.lowerBound
            while position < range.upperBound {
                if bytes[position] == UInt8(ascii: "?") { questionMarks += 1 }
                guard bytes[position] == UInt8(ascii: "$") else { position += 1; continue }
                var end = position + 1
                var number = 0
                while end < range.upperBound, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9"), number < 100_000 {
                    number = number * 10 + Int(bytes[end] - UInt8(ascii: "0"))
                    end += 1
                }
                // `$1` but not `$tag$` or an identifier's `a$1`.
                let startsWord = position == 0 || !(bytes[position - 1].isIdentifierByte)
                if end > position + 1, startsWord { highest = max(highest, number) }
                position = max(end, position + 1)
            }
        }
        if highest > prepared.values.count {
            let given = prepared.values.count
            throw .invalidInput([Violation(path: path, message: "has \(given) value\(given == 1 ? "" : "s") but the SQL uses $\(highest)")])
        }
        // Values given but no placeholder used (a %s would be a $n by now): `?` was meant.
        if highest == 0, questionMarks > 0, let count = params?.arrayValue?.count, count > 0 {
            throw .invalidInput([Violation(path: path, message: "has \(count) value\(count == 1 ? "" : "s") but the SQL has no placeholder PostgreSQL knows: use %s or $1, $2… (? is PostgreSQL's JSON operator)")])
        }
    }

    private static func rewritten(_ sql: String, params: JSONValue?, dialect: SQLDialect, path: String) throws(ToolHostError) -> Prepared {
        switch params {
        case nil, .null?:
            return Prepared(sql: sql, values: [])
        case .object(let named)?:
            return try rewrite(sql, dialect: dialect) { (placeholder, names: inout [String]) throws(ToolHostError) -> Int in
                guard case .named(let name) = placeholder else {
                    throw .invalidInput([Violation(path: path, message: "is an object, so the SQL must use %(name)s placeholders, not %s")])
                }
                if let existing = names.firstIndex(of: name) { return existing + 1 }
                guard named[name] != nil else {
                    throw .invalidInput([Violation(path: "\(path)/\(name)", message: "is required by %(\(name))s in the SQL")])
                }
                names.append(name)
                return names.count
            } values: { names in names.map { bind(named[$0] ?? .null, dialect: dialect) } }
        case .array(let positional)?:
            var count = 0
            let prepared = try rewrite(sql, dialect: dialect) { (placeholder, _: inout [String]) throws(ToolHostError) -> Int in
                guard case .positional = placeholder else {
                    throw .invalidInput([Violation(path: path, message: "is an array, so the SQL must use %s placeholders, not %(name)s")])
                }
                count += 1
                return count
            } values: { _ in positional.map { bind($0, dialect: dialect) } }
            if count > 0, count != positional.count {
                throw .invalidInput([Violation(path: path, message: "has \(positional.count) value\(positional.count == 1 ? "" : "s") but the SQL has \(count) %s placeholder\(count == 1 ? "" : "s")")])
            }
            return prepared
        case let other?:
            throw .invalidInput([Violation(path: path, message: "must be an object (for %(name)s) or an array (for %s, $1, and on SQLite ?), not \(other.kindPhrase)")])
        }
    }

    /// A value as a bound parameter. On PostgreSQL an array of scalars becomes an array value
    /// (for `= ANY(%s)`), as psycopg2 adapts lists; objects (and arrays of objects) are JSON.
    public static func bind(_ value: JSONValue, dialect: SQLDialect) -> SQLValue {
        if dialect == .postgres, case .array(let elements) = value,
           elements.allSatisfy({ $0.arrayValue == nil && $0.objectValue == nil }) {
            return .text(postgresArrayLiteral(elements))
        }
        return SQLValue(value)
    }

    static func postgresArrayLiteral(_ elements: [JSONValue]) -> String {
        let items = elements.map { element -> String in
            switch element {
            case .null: return "NULL"
            case .bool(let flag): return flag ? "t" : "f"
            case .integer, .double: return element.description
            case .string(let text):
                return "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
            default: return "\"" + JSONWriter.string(element).replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
            }
        }
        return "{" + items.joined(separator: ",") + "}"
    }

    enum Placeholder {
        case named(String)
        case positional
    }

    /// Replaces psycopg2 placeholders in code (not in literals or comments) with native ones,
    /// `%%` with `%`, and on SQLite `$n` with `?n`.
    private static func rewrite(
        _ sql: String, dialect: SQLDialect,
        index: (Placeholder, inout [String]) throws(ToolHostError) -> Int,
        values: ([String]) -> [SQLValue]
    ) throws(ToolHostError) -> Prepared {
        let bytes = Array(sql.utf8)
        let code = SQLScanner(bytes: bytes, dialect: dialect).codeRanges()
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var names: [String] = []
        var position = 0
        // Offsets are asked in increasing order: one walk over the ranges, not a search per
        // placeholder (a long SQL text with many literals and placeholders stays linear).
        var rangeIndex = 0
        func isCode(_ offset: Int) -> Bool {
            while rangeIndex < code.count, code[rangeIndex].upperBound <= offset { rangeIndex += 1 }
            return rangeIndex < code.count && code[rangeIndex].contains(offset)
        }
        while position < bytes.count {
            let byte = bytes[position]
            let next = position + 1 < bytes.count ? bytes[position + 1] : 0
            if byte == UInt8(ascii: "%"), next == UInt8(ascii: "%") {
                output.append(UInt8(ascii: "%"))
                position += 2
                continue
            }
            if byte == UInt8(ascii: "%"), isCode(position) {
                if next == UInt8(ascii: "s") {
                    output += native(try index(.positional, &names), dialect)
                    position += 2
                    continue
                }
                if next == UInt8(ascii: "("),
                   let close = bytes[(position + 2)...].firstIndex(of: UInt8(ascii: ")")),
                   close + 1 < bytes.count, bytes[close + 1] == UInt8(ascii: "s") {
                    let name = String(decoding: bytes[(position + 2)..<close], as: UTF8.self)
                    output += native(try index(.named(name), &names), dialect)
                    position = close + 2
                    continue
                }
            }
            if dialect == .sqlite, byte == UInt8(ascii: "$"), next >= UInt8(ascii: "1"), next <= UInt8(ascii: "9"), isCode(position) {
                output.append(UInt8(ascii: "?"))
                position += 1
                continue
            }
            output.append(byte)
            position += 1
        }
        return Prepared(sql: String(decoding: output, as: UTF8.self), values: values(names))
    }

    private static func native(_ index: Int, _ dialect: SQLDialect) -> [UInt8] {
        Array((dialect == .postgres ? "$\(index)" : "?\(index)").utf8)
    }
}

private extension UInt8 {
    /// A byte that continues an SQL identifier (`a$1` is one name on PostgreSQL).
    var isIdentifierByte: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9")) || self == UInt8(ascii: "_") || self >= 0x80
    }
}
