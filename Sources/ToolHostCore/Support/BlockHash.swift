/// What SHA-1 and SHA-256 share (FIPS 180-4 §5.1.1, §5.2.1): bytes gathered into 64-byte
/// blocks, and the message padded with 0x80, zeros and its length in bits (big-endian) to a
/// whole block. A hash supplies only its compression of one block and its state as bytes.
///
/// ```swift
/// SHA256.hex("abc")  // "ba7816bf…f20015ad"
/// SHA1.hex("abc")    // "a9993e36…9cd0d89d"
/// ```
public protocol BlockHash {
    init()
    /// The bytes not yet compressed (less than a block) and the message length so far.
    var buffer: BlockHashBuffer { get set }
    /// Mixes one 64-byte block into the state.
    mutating func compress(_ block: ArraySlice<UInt8>)
    /// The state as the digest's bytes.
    var stateBytes: [UInt8] { get }
}

public struct BlockHashBuffer: Sendable {
    var pending: [UInt8] = []
    var length: UInt64 = 0

    public init() { pending.reserveCapacity(64) }
}

extension BlockHash {
    public static func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = Self()
        hasher.update(bytes)
        return hasher.finish()
    }

    /// The digest of the text's UTF-8 as lowercase hexadecimal digits.
    public static func hex(_ text: String) -> String { hex(bytes: text.utf8) }

    public static func hex(bytes: some Sequence<UInt8>) -> String { hexDigits(of: digest(bytes)) }

    /// A finished digest as lowercase hexadecimal digits.
    public static func hexDigits(of digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            buffer.pending.append(byte)
            buffer.length &+= 1
            if buffer.pending.count == 64 {
                compress(buffer.pending[...])
                buffer.pending.removeAll(keepingCapacity: true)
            }
        }
    }

    public mutating func finish() -> [UInt8] {
        let bits = buffer.length &* 8
        var tail = buffer.pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        for start in stride(from: 0, to: tail.count, by: 64) { compress(tail[start..<start + 64]) }
        buffer = BlockHashBuffer()
        return stateBytes
    }
}

extension Array where Element == UInt32 {
    /// The words as big-endian bytes (a digest).
    var bigEndianBytes: [UInt8] {
        flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
    }
}

extension ArraySlice where Element == UInt8 {
    /// The block's first 16 big-endian words.
    var bigEndianWords: [UInt32] {
        (0..<16).map { i in
            let at = startIndex + i * 4
            return UInt32(self[at]) << 24 | UInt32(self[at + 1]) << 16 | UInt32(self[at + 2]) << 8 | UInt32(self[at + 3])
        }
    }
}
