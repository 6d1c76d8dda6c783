/// Gives plain (unquoted) YAML scalars their types the way PyYAML does (YAML 1.1), so that a
/// file means the same to ToolHost as to code-evolver's Python loader: `yes`/`on` are booleans,
/// `~` is null, `0x1F` and `0755` are integers, `1.5`, `.inf` are floats.
///
/// Hand-written instead of Yams's regex resolver: it runs on every scalar of every catalogue
/// file, and the regexes dominated load time (see NOTES.md).
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
        guard let first = text.utf8.first,
              first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return .string(text) }
        if let integer = integer(text) { return .integer(integer) }
        if let double = float(text) { return .double(double) }
        return .string(text)
    }

    private static func integer(_ text: String) -> Int64? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, !digits.hasPrefix("_") else { return nil }
        let radix: Int
        if digits.hasPrefix("0x") {
            radix = 16; digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0b") {
            radix = 2; digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0o") {
            radix = 8; digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8; digits = digits.dropFirst()
        } else {
            radix = 10
        }
        let cleaned = digits.filter { $0 != "_" }
        guard !cleaned.isEmpty, let magnitude = Int64(cleaned, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static func float(_ text: String) -> Double? {
        let cleaned = text.filter { $0 != "_" }
        // A float needs a digit and either a decimal point or an exponent; "1.2.3" is a string.
        guard cleaned.contains(where: \.isNumber),
              cleaned.contains(".") || cleaned.contains("e") || cleaned.contains("E"),
              cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) })
        else { return nil }
        return Double(cleaned)
    }
}
