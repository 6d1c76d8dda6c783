/// Builds a `VectorMatrix` in memory from rows read from the database: copies the floats,
/// quantizes each row to int8 (`VectorQuantization`), and lays out ids and attributes.
struct VectorMatrixBuilder {
    let dimension: Int
    private(set) var floats: [Float] = []
    private(set) var ids: [String] = []
    private var attributeCodes: [UInt32] = []
    private var fingerprints: [UInt64] = []
    /// Each row's `valid_from` and `valid_to` (microseconds; unbounded as `Int64.min`/`max`).
    private var validity: [(from: Int64, to: Int64)] = []
    /// Rows whose vector came from the database (the others were kept from an older matrix).
    private(set) var rowsRead = 0
    private var attributeTable: [VectorRowAttributes: UInt32] = [:]
    private var distinctAttributes: [VectorRowAttributes] = []

    init(dimension: Int, expectedRows: Int) {
        self.dimension = dimension
        // Sized once: growing a matrix of a million rows copies it again and again, and for a
        // while holds it twice.
        floats.reserveCapacity(expectedRows * dimension)
        ids.reserveCapacity(expectedRows)
        attributeCodes.reserveCapacity(expectedRows)
        fingerprints.reserveCapacity(expectedRows)
        validity.reserveCapacity(expectedRows)
    }

    var count: Int { ids.count }

    /// Adds a row read from the database, whose vector is `vector` (float32, little-endian);
    /// false when it is not `dimension` floats long.
    mutating func append(id: String, attributes: VectorRowAttributes, validity: (from: Int64, to: Int64), fingerprint: UInt64,
                         vector: UnsafeRawBufferPointer) -> Bool {
        guard VectorBytes.append(vector, dimension: dimension, to: &floats) else { return false }
        rowsRead += 1
        appendDetails(id: id, attributes: attributes, validity: validity, fingerprint: fingerprint)
        return true
    }

    /// Adds a row of an older matrix with its vector as it was (same dimension); its attributes
    /// and validity as the database has them now.
    mutating func append(row: Int, of matrix: VectorMatrix, attributes: VectorRowAttributes, validity: (from: Int64, to: Int64)) {
        floats.append(contentsOf: UnsafeBufferPointer(start: matrix.floats + row * dimension, count: dimension))
        appendDetails(id: matrix.id(row), attributes: attributes, validity: validity, fingerprint: matrix.fingerprint(row))
    }

    private mutating func appendDetails(id: String, attributes: VectorRowAttributes, validity rowValidity: (from: Int64, to: Int64),
                                        fingerprint: UInt64) {
        ids.append(id)
        validity.append(rowValidity)
        fingerprints.append(fingerprint)
        if let code = attributeTable[attributes] {
            attributeCodes.append(code)
        } else {
            let code = UInt32(distinctAttributes.count)
            attributeTable[attributes] = code
            distinctAttributes.append(attributes)
            attributeCodes.append(code)
        }
    }

    /// The matrix, labelled with the generation and identity it was read under. `supersededAt`
    /// (artifact id → the start of the earliest entry superseding it) cuts rows' validity.
    func build(generation: Int64, identity: UInt64, supersededAt: [String: Int64] = [:]) -> VectorMatrix {
        let idBytes = ids.reduce(0) { $0 + $1.utf8.count }
        let attributeJSON = distinctAttributes.map(\.json)
        var header = VectorMatrixHeader(dimension: dimension, rows: count, generation: generation, identity: identity, idBytes: idBytes,
                                        attributeCount: distinctAttributes.count, attributeBytes: attributeJSON.reduce(0) { $0 + $1.count },
                                        contentChecksum: 0)
        let layout = header.layout
        let memory = UnsafeMutableRawPointer.allocate(byteCount: layout.total, alignment: 4096)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: layout.total)
        floats.withUnsafeBytes { source in
            if let address = source.baseAddress { (memory + layout.floats.lowerBound).copyMemory(from: address, byteCount: source.count) }
        }
        VectorQuantization.quantize(rows: count, dimension: dimension,
                                    floats: UnsafePointer((memory + layout.floats.lowerBound).assumingMemoryBound(to: Float.self)),
                                    codes: (memory + layout.codes.lowerBound).assumingMemoryBound(to: Int8.self),
                                    scales: (memory + layout.scales.lowerBound).assumingMemoryBound(to: Float.self))
        Self.pack(ids.map { Array($0.utf8) }, offsets: memory + layout.idOffsets.lowerBound, bytes: memory + layout.ids.lowerBound)
        Self.pack(attributeJSON, offsets: memory + layout.attributeOffsets.lowerBound, bytes: memory + layout.attributes.lowerBound)
        var bounds = ValidityBounds.unbounded
        for row in 0..<count {
            memory.storeBytes(of: attributeCodes[row].littleEndian, toByteOffset: layout.attributeCodes.lowerBound + row * 4, as: UInt32.self)
            memory.storeBytes(of: fingerprints[row].littleEndian, toByteOffset: layout.fingerprints.lowerBound + row * 8, as: UInt64.self)
            let from = validity[row].from
            let to = min(validity[row].to, supersededAt[ids[row]] ?? Int64.max)
            memory.storeBytes(of: from.littleEndian, toByteOffset: layout.validity.lowerBound + row * 16, as: Int64.self)
            memory.storeBytes(of: to.littleEndian, toByteOffset: layout.validity.lowerBound + row * 16 + 8, as: Int64.self)
            bounds.latestStart = max(bounds.latestStart, from)
            bounds.earliestEnd = min(bounds.earliestEnd, to)
        }
        header.validity = bounds
        header.contentChecksum = VectorChecksum.content(of: memory, layout: layout)
        header.write(to: memory)
        let bytes = VectorMatrixBytes(base: memory, count: layout.total, isMapped: false) { base, _ in UnsafeMutableRawPointer(mutating: base).deallocate() }
        return VectorMatrix(header: header, bytes: bytes, rowsRead: rowsRead)
    }

    /// Writes the items back to back at `bytes` and their start offsets (plus the end) at `offsets`.
    private static func pack(_ items: [[UInt8]], offsets: UnsafeMutableRawPointer, bytes: UnsafeMutableRawPointer) {
        var position = 0
        for (index, item) in items.enumerated() {
            offsets.storeBytes(of: UInt64(position).littleEndian, toByteOffset: index * 8, as: UInt64.self)
            item.withUnsafeBytes { source in
                if let address = source.baseAddress { (bytes + position).copyMemory(from: address, byteCount: source.count) }
            }
            position += item.count
        }
        offsets.storeBytes(of: UInt64(position).littleEndian, toByteOffset: items.count * 8, as: UInt64.self)
    }
}
