extension StringProtocol {
    /// The text with each `%XX` (two hex digits) replaced by the byte it spells, as URLs and
    /// OpenTelemetry's `k=v` lists escape; a `%` not followed by two hex digits stays as it is.
    /// Bytes that do not form UTF-8 are repaired.
    public var percentDecoded: String {
        guard utf8.contains(UInt8(ascii: "%")) else { return String(self) }
        var bytes: [UInt8] = []
        var rest = Array(utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), rest.count >= 2, let value = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                rest = rest.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
