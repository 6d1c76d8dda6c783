/// SHA-1 (FIPS 180-4), where a stable name is derived from bytes: content-derived artifact ids,
/// training example ids and the UUIDv5 point ids a Qdrant collection expects. Not used for
/// security; a few dozen lines here spare a cryptography dependency and its build time.
public struct SHA1: BlockHash {
    private var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    public var buffer = BlockHashBuffer()

    public init() {}

    public var stateBytes: [UInt8] { state.bigEndianBytes }

    public mutating func compress(_ block: ArraySlice<UInt8>) {
        var words = block.bigEndianWords + [UInt32](repeating: 0, count: 64)
        for index in 16..<80 {
            let mixed = words[index - 3] ^ words[index - 8] ^ words[index - 14] ^ words[index - 16]
            words[index] = mixed << 1 | mixed >> 31
        }
        var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
        for index in 0..<80 {
            let (f, k): (UInt32, UInt32)
            switch index {
            case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
            case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
            case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
            default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
            }
            let next = (a << 5 | a >> 27) &+ f &+ e &+ k &+ words[index]
            e = d
            d = c
            c = b << 30 | b >> 2
            b = a
            a = next
        }
        for (i, value) in [a, b, c, d, e].enumerated() { state[i] = state[i] &+ value }
    }
}
