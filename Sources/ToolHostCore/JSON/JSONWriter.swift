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

    /// Appends `value` to `buffer` without an intermediate array (exports write row after
    /// row into one buffer).
    public static func append(_ value: JSONValue, to buffer: inout [UInt8], style: Style = .compact) {
        var writer = JSONWriter(style: style)
        swap(&writer.output, &buffer)
        writer.write(value, indent: 0)
        swap(&writer.output, &buffer)
    }

    /// At most about `limit` bytes of the compact text of `value`, and whether that is all of
    /// it: the work stops soon after the limit, however large the value (the invocation
    /// recorder keeps a preview of a 200 MB input without writing it all out first).
    public static func prefix(_ value: JSONValue, limit: Int) -> (bytes: [UInt8], complete: Bool) {
        var writer = JSONWriter(style: .compact)
        writer.limit = limit
        writer.write(value, indent: 0)
        return (writer.output, writer.output.count <= limit)
    }

    /// The first `limit` bytes of the value's compact JSON as text, cut back to a character
    /// boundary, and whether that is all of it (a preview of a large value).
    public static func prefixText(_ value: JSONValue, limit: Int) -> (text: String, complete: Bool) {
        let (bytes, complete) = prefix(value, limit: limit)
        var end = min(max(limit, 0), bytes.count)
        while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a UTF-8 sequence
        return (String(decoding: bytes[..<end], as: UTF8.self), complete)
    }

    /// Appends `text`, which must be valid UTF-8, as a JSON string without making a `String`
    /// of it first (an export writes each text cell of millions of rows).
    public static func appendString(utf8 text: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var writer = JSONWriter(style: .compact)
        swap(&writer.output, &buffer)
        writer.writeString(utf8: text)
        swap(&writer.output, &buffer)
    }

    public static func string(_ value: JSONValue, style: Style = .compact) -> String {
        String(decoding: bytes(value, style: style), as: UTF8.self)
    }

    private let style: Style
    private var output: [UInt8] = []
    /// Past this many bytes the writer stops adding (see `prefix`).
    private var limit = Int.max

    private init(style: Style) { self.style = style }

    private mutating func write(_ value: JSONValue, indent: Int) {
        guard output.count <= limit else { return }
        switch value {
        case .null: appendLiteral("null")
        case .bool(let flag): appendLiteral(flag ? "true" : "false")
        case .integer(let integer): writeInteger(integer)
        case .double(let double): writeDouble(double)
        case .string(let text): writeString(text)
        case .array(let elements):
            guard !elements.isEmpty else { return appendLiteral("[]") }
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if output.count > limit { return }
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else { return appendLiteral("{}") }
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in object {
                if output.count > limit { return }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1)
                writeString(key)
                appendLiteral(style == .pretty ? ": " : ":")
                write(member, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeDouble(_ double: Double) {
        guard double.isFinite else { return appendLiteral("null") }
        if double.rounded() == double, abs(double) < 1e15 {
            // Integral values print without exponent or ".0" noise but stay recognisably real.
            writeInteger(Int64(double))
            appendLiteral(".0")
        } else {
            append(double.description)
        }
    }

    private mutating func writeString(_ text: String) {
        var text = text
        text.withUTF8 { writeString(utf8: $0) }
    }

    /// Copies runs of bytes that need no escape in one go: most strings are one run, and
    /// exports write millions of them.
    private mutating func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            writeEscape(byte)
            runStart = index + 1
        }
        if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        output.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): appendLiteral("\\\"")
        case UInt8(ascii: "\\"): appendLiteral("\\\\")
        case 0x0A: appendLiteral("\\n")
        case 0x0D: appendLiteral("\\r")
        case 0x09: appendLiteral("\\t")
        case 0x08: appendLiteral("\\b")
        case 0x0C: appendLiteral("\\f")
        default:
            appendLiteral("\\u00")
            output.append(hexDigit(byte >> 4))
            output.append(hexDigit(byte & 0xF))
        }
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

    /// Literal punctuation and keywords, copied from their static bytes.
    private mutating func appendLiteral(_ text: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Decimal digits straight into the output, no intermediate String.
    private mutating func writeInteger(_ integer: Int64) {
        if integer < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = integer.magnitude
        guard magnitude >= 10 else { return output.append(UInt8(ascii: "0") + UInt8(magnitude)) }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            while magnitude > 0 {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON spelling of the value.
    public var description: String { JSONWriter.string(self) }
}
