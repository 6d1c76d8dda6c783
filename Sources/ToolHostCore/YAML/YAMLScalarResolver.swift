/// Gives plain (unquoted) YAML scalars their types exactly as PyYAML's `safe_load` does
/// (YAML 1.1), so that a file means the same to ToolHost as to code-evolver's Python loader:
/// `yes`/`on` are booleans, `~` is null, `0x1F`, `0755` and `1:30` (base 60) are integers,
/// `1.5` and `1.5e+3` are floats — while `1e3`, `1.5e3` and `0o17` stay strings, as in PyYAML.
///
/// Hand-written rather than regular expressions: it runs on every scalar of every catalogue
/// file, and regex resolvers dominated catalogue load time when measured.
enum YAMLScalarResolver {
    static func resolve(plain text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || isDigit(first) else { return .string(text) }
        if let integer = integer(bytes) { return .integer(integer) }
        if let double = float(bytes) { return .double(double) }
        return .string(text)
    }

    // MARK: Integers: 0b1010, 0x1F, 0755 (octal), 1_000, 1:30 (base 60)

    private static func integer(_ bytes: [UInt8]) -> Int64? {
        let (negative, body) = sign(bytes)
        guard let first = body.first else { return nil }
        let magnitude: Int64?
        if body.starts(with: Array("0b".utf8)) {
            magnitude = digits(body.dropFirst(2), radix: 2)
        } else if body.starts(with: Array("0x".utf8)) {
            magnitude = digits(body.dropFirst(2), radix: 16)
        } else if body == [UInt8(ascii: "0")] {
            magnitude = 0
        } else if first == UInt8(ascii: "0") {
            magnitude = digits(body.dropFirst(), radix: 8)
        } else if isDigit(first), body.contains(UInt8(ascii: ":")) {
            magnitude = sexagesimal(body)
        } else if isDigit(first) {
            magnitude = digits(body, radix: 10)
        } else {
            magnitude = nil
        }
        return magnitude.map { negative ? -$0 : $0 }
    }

    /// Digits of `radix` with `_` separators allowed (at least one character, not all `_`).
    private static func digits(_ text: ArraySlice<UInt8>, radix: Int) -> Int64? {
        guard !text.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in text where byte != UInt8(ascii: "_") {
            guard let digit = digitValue(byte), digit < radix else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: Int64(radix))
            guard !overflow else { return nil }
            value = shifted + Int64(digit)
        }
        return value
    }

    /// `[1-9][0-9_]*(:[0-5]?[0-9])+`: 1:30 is 90.
    private static func sexagesimal(_ text: ArraySlice<UInt8>) -> Int64? {
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard let head = parts.first, head.first != UInt8(ascii: "0"), var value = digits(head, radix: 10) else { return nil }
        for part in parts.dropFirst() {
            guard let minutes = baseSixtyDigit(part) else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 60)
            guard !overflow else { return nil }
            value = shifted + minutes
        }
        return value
    }

    private static func baseSixtyDigit(_ part: ArraySlice<UInt8>) -> Int64? {
        guard (1...2).contains(part.count), part.allSatisfy(isDigit) else { return nil }
        if part.count == 2, let tens = part.first, tens > UInt8(ascii: "5") { return nil }
        return digits(part, radix: 10)
    }

    // MARK: Floats: 1.5, -2., 1.5e+3, .5, 1:30.5

    private static func float(_ bytes: [UInt8]) -> Double? {
        let (negative, body) = sign(bytes)
        guard let dot = body.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let whole = body[body.startIndex..<dot]
        var fraction = body[(dot + 1)...]
        var exponent: ArraySlice<UInt8> = []
        if let e = fraction.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = fraction[(e + 1)...]
            fraction = fraction[..<e]
            // PyYAML's exponent needs an explicit sign and at least one digit.
            guard let signByte = exponent.first, signByte == UInt8(ascii: "+") || signByte == UInt8(ascii: "-"),
                  exponent.count > 1, exponent.dropFirst().allSatisfy(isDigit) else { return nil }
        }
        guard fraction.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "_") }) else { return nil }
        let wholeText: String
        if whole.isEmpty {
            // ".5" has no sign in PyYAML's grammar and needs a digit after the dot.
            guard bytes.first == UInt8(ascii: "."), fraction.contains(where: isDigit) else { return nil }
            wholeText = "0"
        } else if whole.contains(UInt8(ascii: ":")) {
            guard exponent.isEmpty, let base60 = sexagesimal(whole) else { return nil }
            wholeText = String(base60)
        } else {
            guard let first = whole.first, isDigit(first), whole.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "_") }) else { return nil }
            wholeText = String(decoding: whole.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        }
        let fractionText = String(decoding: fraction.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        let text = "\(wholeText).\(fractionText.isEmpty ? "0" : fractionText)"
            + (exponent.isEmpty ? "" : "e" + String(decoding: exponent, as: UTF8.self))
        guard let value = Double(text) else { return nil }
        return negative ? -value : value
    }

    // MARK: Bytes

    private static func sign(_ bytes: [UInt8]) -> (negative: Bool, body: ArraySlice<UInt8>) {
        guard let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") else { return (false, bytes[...]) }
        return (first == UInt8(ascii: "-"), bytes.dropFirst())
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
