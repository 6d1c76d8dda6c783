/// The vectors of one collection and embedder, as one search reads them: float32 rows for
/// exact scores, int8 codes with a scale per row for the quantized scan, each row's artifact id
/// and filter attributes. One block of bytes laid out by `VectorMatrixLayout`: either memory of
/// its own (just built from the database) or a mapped vector file (`VectorMatrixFile`), so a
/// new process searches a collection without reading its vectors from the database.
final class VectorMatrix: Sendable {
    let header: VectorMatrixHeader
    let layout: VectorMatrixLayout
    /// Rows whose vector was read from the database to make this matrix: all of them for a
    /// full read, the changed ones for a refresh, none for a mapped file.
    let rowsRead: Int
    private let bytes: VectorMatrixBytes

    init(header: VectorMatrixHeader, bytes: VectorMatrixBytes, rowsRead: Int) {
        self.header = header
        self.layout = header.layout
        self.bytes = bytes
        self.rowsRead = rowsRead
    }

    /// The collection's write counter (`memory_generations`) these vectors are of.
    var generation: Int64 { header.generation }
    var dimension: Int { header.dimension }
    var count: Int { header.rows }
    var base: UnsafeRawPointer { bytes.base }
    /// Whether this matrix is a mapped vector file rather than read from the database.
    var isMapped: Bool { bytes.isMapped }

    var floats: UnsafePointer<Float> { (base + layout.floats.lowerBound).assumingMemoryBound(to: Float.self) }
    var codes: UnsafePointer<Int8> { (base + layout.codes.lowerBound).assumingMemoryBound(to: Int8.self) }
    var scales: UnsafePointer<Float> { (base + layout.scales.lowerBound).assumingMemoryBound(to: Float.self) }

    /// The artifact id of a row.
    func id(_ row: Int) -> String {
        let start = Int(offset(in: layout.idOffsets, row)), end = Int(offset(in: layout.idOffsets, row + 1))
        return String(decoding: UnsafeRawBufferPointer(start: base + layout.ids.lowerBound + start, count: end - start), as: UTF8.self)
    }

    /// Rows the query admits, or nil when it admits every row (no filter).
    func candidates(for query: VectorQuery) -> [Int]? {
        let admitted = admittedAttributes(for: query), valid = validRows(for: query)
        guard admitted != nil || valid != nil else { return nil }
        return (0..<count).filter { row in (admitted?[attributeCode(row)] ?? true) && (valid?[row] ?? true) }
    }

    /// For each row, whether it is valid at the instant the query searches; nil when every row
    /// is (the header's bounds say so without a look at any row).
    func validRows(for query: VectorQuery) -> [Bool]? {
        let instant = query.validity.instant
        guard let instant, !header.validity.admitsEveryRow(at: instant) else { return nil }
        return (0..<count).map { row in validFrom(row) <= instant && instant < validTo(row) }
    }

    /// The microseconds the row's fact starts (`Int64.min`: always) and ends, excluded
    /// (`Int64.max`: never; cut where an entry superseding it starts).
    func validFrom(_ row: Int) -> Int64 {
        Int64(littleEndian: base.loadUnaligned(fromByteOffset: layout.validity.lowerBound + row * 16, as: Int64.self))
    }

    func validTo(_ row: Int) -> Int64 {
        Int64(littleEndian: base.loadUnaligned(fromByteOffset: layout.validity.lowerBound + row * 16 + 8, as: Int64.self))
    }

    /// For each distinct attribute value, whether the query admits its rows; nil when the query
    /// filters nothing. Decided once per distinct value, not once per row.
    func admittedAttributes(for query: VectorQuery) -> [Bool]? {
        guard query.filtersRows else { return nil }
        return (0..<header.attributeCount).map { code in distinctAttributes(code).map(query.admits) ?? false }
    }

    /// What the row's vector and attributes were made from (`VectorRowFingerprint`): an
    /// unchanged fingerprint lets a refresh keep the row without reading its vector again.
    func fingerprint(_ row: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: layout.fingerprints.lowerBound + row * 8, as: UInt64.self))
    }

    /// The row's filter attributes.
    func attributes(_ row: Int) -> VectorRowAttributes? { distinctAttributes(attributeCode(row)) }

    @inline(__always)
    func attributeCode(_ row: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: layout.attributeCodes.lowerBound + row * 4, as: UInt32.self)))
    }

    private func distinctAttributes(_ code: Int) -> VectorRowAttributes? {
        let start = Int(offset(in: layout.attributeOffsets, code)), end = Int(offset(in: layout.attributeOffsets, code + 1))
        return VectorRowAttributes(json: UnsafeRawBufferPointer(start: base + layout.attributes.lowerBound + start, count: end - start))
    }

    private func offset(in part: Range<Int>, _ index: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: part.lowerBound + index * 8, as: UInt64.self))
    }
}

/// The bytes of a matrix and how they are given back: unmapped, or freed.
final class VectorMatrixBytes: @unchecked Sendable {
    // Immutable after init, read by any thread: the bytes never change once built or mapped.
    let base: UnsafeRawPointer
    let count: Int
    /// Whether the bytes are a mapped vector file (else memory built from the database).
    let isMapped: Bool
    private let release: @Sendable (UnsafeRawPointer, Int) -> Void

    init(base: UnsafeRawPointer, count: Int, isMapped: Bool, release: @escaping @Sendable (UnsafeRawPointer, Int) -> Void) {
        self.base = base
        self.count = count
        self.isMapped = isMapped
        self.release = release
    }

    deinit { release(base, count) }
}
