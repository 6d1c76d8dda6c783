/// A random RFC 4122 version 4 UUID, for ids the caller did not give (executions, profiles,
/// sessions). Written byte by byte: it runs once per recorded `toolhost run`, where every
/// fraction of a millisecond shows.
enum RandomUUID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &bytes) { raw -> String in
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
            let digits: StaticString = "0123456789abcdef"
            var text = [UInt8]()
            text.reserveCapacity(36)
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
                text.append(digits.utf8Start[Int(raw[index] >> 4)])
                text.append(digits.utf8Start[Int(raw[index] & 0x0F)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// `text` in the canonical lower-case 8-4-4-4-12 form, or nil when it is not a UUID
    /// (PostgreSQL would refuse it in a uuid column with a less helpful message).
    static func canonical(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte) else { return nil }
            }
        }
        return text.lowercased()
    }
}
