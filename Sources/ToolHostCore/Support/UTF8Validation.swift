/// Strict UTF-8 checking (no overlong forms, no surrogates, nothing past U+10FFFF), shared by
/// the JSON parser, which reports where text went wrong, and the compactor, which only asks.
public enum UTF8Validation {
    public enum Problem: Sendable, Equatable {
        /// A byte that cannot start a sequence.
        case invalidLead(UInt8)
        case truncatedSequence
        /// Overlong, a surrogate, or past U+10FFFF.
        case invalidSequence
    }

    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { firstProblem(in: bytes) == nil }

    /// The first malformed sequence and its offset, or nil when all of `bytes` is UTF-8.
    public static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>) -> (offset: Int, problem: Problem)? {
        var position = 0
        while position < bytes.count {
            let lead = bytes[position]
            if lead < 0x80 { position += 1; continue }
            let length: Int
            let minimum: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; minimum = 0x80
            case 0xE0...0xEF: length = 3; minimum = 0x800
            case 0xF0...0xF4: length = 4; minimum = 0x10000
            default: return (position, .invalidLead(lead))
            }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for offset in 1..<length {
                guard position + offset < bytes.count, bytes[position + offset] & 0xC0 == 0x80 else {
                    return (position, .truncatedSequence)
                }
                scalar = scalar << 6 | UInt32(bytes[position + offset] & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800..<0xE000).contains(scalar) {
                return (position, .invalidSequence)
            }
            position += length
        }
        return nil
    }
}
