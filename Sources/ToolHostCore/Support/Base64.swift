/// Standard base64 (RFC 4648, with padding): how binary columns appear in JSON answers, how
/// audio arrives in tool inputs, and HTTP basic credentials.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Each byte's 6-bit value; 64 for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 64, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output += [alphabet[Int(chunk >> 18 & 63)], alphabet[Int(chunk >> 12 & 63)],
                       alphabet[Int(chunk >> 6 & 63)], alphabet[Int(chunk & 63)]]
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let chunk = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
            output += [alphabet[Int(chunk >> 18 & 63)], alphabet[Int(chunk >> 12 & 63)],
                       rest == 2 ? alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "="), UInt8(ascii: "=")]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base64; padding is optional and line breaks and spaces (MIME's 76-column lines)
    /// are skipped. Nil when the text holds anything else, padding before the end included.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count / 4 * 3)
        var chunk: UInt32 = 0
        var held = 0
        var padded = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "="): padded = true; continue
            default: break
            }
            let value = values[Int(byte)]
            guard value < 64, !padded else { return nil }
            chunk = chunk << 6 | UInt32(value)
            held += 1
            if held == 4 {
                output += [UInt8(chunk >> 16 & 255), UInt8(chunk >> 8 & 255), UInt8(chunk & 255)]
                chunk = 0
                held = 0
            }
        }
        switch held {
        case 2: output.append(UInt8(chunk >> 4 & 255))
        case 3: output += [UInt8(chunk >> 10 & 255), UInt8(chunk >> 2 & 255)]
        default: break
        }
        return output
    }
}
