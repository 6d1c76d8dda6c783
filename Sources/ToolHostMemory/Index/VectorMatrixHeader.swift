/// The first bytes of a vector matrix (its layout's header part): what the matrix holds, of
/// which database state, and checksums that tell a damaged file from a whole one.
///
/// A file is trusted only when all of these hold: the magic and format version, `identity`
/// (database, collection and embedder), `generation` equal to the collection's generation in
/// the database now, the file's size equal to the layout's total, and both checksums.
struct VectorMatrixHeader: Equatable {
    /// "THVMAT01" read as a little-endian UInt64.
    static let magic: UInt64 = 0x3130_5441_4D56_4854
    /// 2: rows carry their validity (facts that change), and the header its bounds.
    static let formatVersion: UInt32 = 2
    /// Bytes of the header the header checksum covers (the fields before it).
    static let checkedBytes = 88

    var dimension: Int
    var rows: Int
    var generation: Int64
    var identity: UInt64
    var idBytes: Int
    var attributeCount: Int
    var attributeBytes: Int
    var contentChecksum: UInt64
    /// The latest start and the earliest end of any row's validity: a search of an instant
    /// between them admits every row without testing each (the common case: now, nothing
    /// expired or superseded).
    var validity = ValidityBounds.unbounded

    var layout: VectorMatrixLayout {
        VectorMatrixLayout(rows: rows, dimension: dimension, idBytes: idBytes, attributeCount: attributeCount, attributeBytes: attributeBytes)
    }

    func write(to base: UnsafeMutableRawPointer) {
        let fields: [(Int, UInt64)] = [
            (0, Self.magic), (8, UInt64(Self.formatVersion) | UInt64(UInt32(dimension)) << 32), (16, UInt64(rows)),
            (24, UInt64(bitPattern: generation)), (32, identity), (40, UInt64(idBytes)), (48, UInt64(attributeCount)),
            (56, UInt64(attributeBytes)), (64, contentChecksum),
            (72, UInt64(bitPattern: validity.latestStart)), (80, UInt64(bitPattern: validity.earliestEnd)),
        ]
        for (offset, value) in fields { base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self) }
        let checksum = VectorChecksum.of(UnsafeRawBufferPointer(start: base, count: Self.checkedBytes))
        base.storeBytes(of: checksum.littleEndian, toByteOffset: Self.checkedBytes, as: UInt64.self)
    }

    /// The header in `bytes`, nil when they do not start with a whole, undamaged header of
    /// this format.
    init?(reading bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= VectorMatrixLayout.headerSize else { return nil }
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        guard word(0) == Self.magic, UInt32(truncatingIfNeeded: word(8)) == Self.formatVersion,
              word(Self.checkedBytes) == VectorChecksum.of(UnsafeRawBufferPointer(rebasing: bytes[0..<Self.checkedBytes])) else { return nil }
        // Counts beyond any real collection are damage, and would overflow the layout's sums.
        let limit: UInt64 = 1 << 40
        guard word(16) < limit, word(40) < limit, word(48) < limit, word(56) < limit else { return nil }
        self.init(dimension: Int(word(8) >> 32), rows: Int(word(16)), generation: Int64(bitPattern: word(24)), identity: word(32),
                  idBytes: Int(word(40)), attributeCount: Int(word(48)), attributeBytes: Int(word(56)), contentChecksum: word(64))
        validity = ValidityBounds(latestStart: Int64(bitPattern: word(72)), earliestEnd: Int64(bitPattern: word(80)))
    }

    init(dimension: Int, rows: Int, generation: Int64, identity: UInt64, idBytes: Int, attributeCount: Int, attributeBytes: Int, contentChecksum: UInt64) {
        self.dimension = dimension
        self.rows = rows
        self.generation = generation
        self.identity = identity
        self.idBytes = idBytes
        self.attributeCount = attributeCount
        self.attributeBytes = attributeBytes
        self.contentChecksum = contentChecksum
    }
}

/// A fast 64-bit checksum (four multiply-xor lanes over 8-byte words): catches truncation,
/// zeroed pages and flipped bytes, not deliberate forgery. Not a cryptographic hash.
enum VectorChecksum {
    static func of(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
        let prime: UInt64 = 0x100_0000_01B3
        var lanes = SIMD4<UInt64>(seed, seed ^ 1, seed ^ 2, seed ^ 3)
        var offset = 0
        while offset + 32 <= bytes.count {
            lanes = (lanes ^ bytes.loadUnaligned(fromByteOffset: offset, as: SIMD4<UInt64>.self)) &* prime
            lanes ^= lanes &>> 29
            offset += 32
        }
        var hash = (lanes[0] &* 31 &+ lanes[1]) &* 31 &+ (lanes[2] &* 31 &+ lanes[3])
        while offset < bytes.count {
            hash = (hash ^ UInt64(bytes[offset])) &* prime
            offset += 1
        }
        return (hash ^ UInt64(bytes.count)) &* prime
    }

    /// The checksum of a matrix's contents: its checked parts whole, and the first and last
    /// page of its floats and codes (a truncated or zeroed file fails here or on its size).
    static func content(of base: UnsafeRawPointer, layout: VectorMatrixLayout) -> UInt64 {
        var hash: UInt64 = 0
        let page = 4096
        var parts = layout.checkedParts
        for large in [layout.floats, layout.codes] where !large.isEmpty {
            parts.append(large.lowerBound..<min(large.upperBound, large.lowerBound + page))
            parts.append(max(large.lowerBound, large.upperBound - page)..<large.upperBound)
        }
        for part in parts {
            hash = of(UnsafeRawBufferPointer(start: base + part.lowerBound, count: part.count), seed: hash ^ 0x9E37_79B9_7F4A_7C15)
        }
        return hash
    }
}

/// The latest start and earliest end over a matrix's rows (`VectorMatrixHeader.validity`).
struct ValidityBounds: Equatable {
    var latestStart: Int64
    var earliestEnd: Int64

    static let unbounded = ValidityBounds(latestStart: Int64.min, earliestEnd: Int64.max)

    /// Whether every row holds at `instant` (nil: every row is wanted whatever its validity).
    func admitsEveryRow(at instant: Int64?) -> Bool {
        guard let instant else { return true }
        return latestStart <= instant && instant < earliestEnd
    }
}
