/// Builds a `VectorMatrix` in memory from rows read from the database: copies the floats,
/// quantizes each row to int8 (`VectorQuantization`), and lays out ids and attributes.
struct VectorMatrixBuilder {
    let dimension: Int
    private(set) var floats: [Float] = []
    private(set) var ids: [String] = []
    private var attributeCodes: [UInt32] = []
    private var fingerprints: [UInt64] = []
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
    }

    var count: Int { ids.count }

    /// Adds a row read from the database, whose vector is `vector` (float32, little-endian);
    /// false when it is not `dimension` floats long.
    mutating func append(id: String, attributes: VectorRowAttributes, fingerprint: UInt64, vector: UnsafeRawBufferPointer) -> Bool {
        guard VectorBytes.append(vector, dimension: dimension, to: &floats) else { return false }
        rowsRead += 1
        appendDetails(id: id, attributes: attributes, fingerprint: fingerprint)
        return true
    }

    /// Adds a row of an older matrix as it was (same dimension).
    mutating func append(row: Int, of matrix: VectorMatrix, attributes: VectorRowAttributes) {
        floats.append(contentsOf: UnsafeBufferPointer(start: matrix.floats + row * dimension, count: dimension))
        appendDetails(id: matrix.id(row), attributes: attributes, fingerprint: matrix.fingerprint(row))
    }

    private mutating func appendDetails(id: String, attributes: VectorRowAttributes, fingerprint: UInt64) {
        ids.append(id)
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

    /// The matrix, labelled with the generation and identity it was read under.
    func build(generation: Int64, identity: UInt64) -> VectorMatrix {
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
        for row in 0..<count {
            memory.storeBytes(of: attributeCodes[row].littleEndian, toByteOffset: layout.attributeCodes.lowerBound + row * 4, as: UInt32.self)
            memory.storeBytes(of: fingerprints[row].littleEndian, toByteOffset: layout.fingerprints.lowerBound + row * 8, as: UInt64.self)
        }
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
