/// Serialises `JSONValue` to UTF-8 JSON text.
///
/// Compact output (`{"a":1}`) is what `toolhost run` prints: one object, one line. Pretty output
/// indents by two spaces for people. Non-finite doubles have no JSON spelling and are written as
/// `null`, so every answer ToolHost prints is strict JSON whatever a plugin produced.
public struct JSONWriter {
    public enum Style: Sendable { case compact, pretty }

    public static func bytes(_ value: JSONValue, style: Style = .compact) -> [UInt8] {
        var writer = JSONWriter(style: style)
        writer.output.reserveCapacity(256)
        writer.write(value, indent: 0)
        return writer.output
    }

    public static func string(_ value: JSONValue, style: Style = .compact) -> String {
        String(decoding: bytes(value, style: style), as: UTF8.self)
    }

    private let style: Style
    private var output: [UInt8] = []

    private init(style: Style) { self.style = style }

    private mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let integer): append(String(integer))
        case .double(let double): writeDouble(double)
        case .string(let text): writeString(text)
        case .array(let elements):
            guard !elements.isEmpty else { return append("[]") }
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else { return append("{}") }
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in object {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1)
                writeString(key)
                append(style == .pretty ? ": " : ":")
                write(member, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeDouble(_ double: Double) {
        guard double.isFinite else { return append("null") }
        if double.rounded() == double, abs(double) < 1e15 {
            // Integral values print without exponent or ".0" noise but stay recognisably real.
            append(String(Int64(double)))
            append(".0")
        } else {
            append(double.description)
        }
    }

    private mutating func writeString(_ text: String) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0..<0x20:
                append("\\u00")
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0xF))
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    private mutating func newline(_ indent: Int) {
        guard style == .pretty else { return }
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private mutating func append(_ text: String) { output.append(contentsOf: text.utf8) }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON spelling of the value.
    public var description: String { JSONWriter.string(self) }
}
