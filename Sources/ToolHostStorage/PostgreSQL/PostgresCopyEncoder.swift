import ToolHostCore

/// Encodes rows in COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
struct PostgresCopyEncoder {
    var buffer: [UInt8] = []
    /// Rows appended so far, to name the one a value of which is refused.
    private(set) var rowsEncoded = 0

    init() { buffer.reserveCapacity(1 << 18) }

    /// Refuses text and JSON holding U+0000 (`NULCharacters`), which COPY would refuse too,
    /// only later and with a less helpful message.
    mutating func append(_ row: [SQLValue], columns: [String]) throws(DatabaseError) {
        rowsEncoded += 1
        for (index, value) in row.enumerated() {
            try NULCharacters.checkPostgresValue(value, what: "Column \"\(columns[index])\" of row \(rowsEncoded)")
            if index > 0 { buffer.append(0x09) }
            switch value {
            case .null: buffer += [0x5C, 0x4E]  // \N
            case .bool(let flag): buffer.append(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            case .integer(let integer): buffer += String(integer).utf8
            case .double(let double):
                buffer += (double.isNaN ? "NaN" : double.isInfinite ? (double > 0 ? "Infinity" : "-Infinity") : "\(double)").utf8
            case .text(let text): appendEscaped(text.utf8)
            case .json(let json): appendEscaped(JSONWriter.bytes(json))
            case .blob(let bytes):
                buffer += [0x5C, 0x5C, UInt8(ascii: "x")]  // \\x: bytea hex after COPY's own unescaping
                for byte in bytes {
                    buffer.append(Self.hexDigits[Int(byte >> 4)])
                    buffer.append(Self.hexDigits[Int(byte & 0xF)])
                }
            }
        }
        buffer.append(0x0A)
    }

    private mutating func appendEscaped(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            switch byte {
            case 0x5C: buffer += [0x5C, 0x5C]
            case 0x0A: buffer += [0x5C, UInt8(ascii: "n")]
            case 0x0D: buffer += [0x5C, UInt8(ascii: "r")]
            case 0x09: buffer += [0x5C, UInt8(ascii: "t")]
            default: buffer.append(byte)
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
