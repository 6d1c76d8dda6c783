import Synchronization
import ToolHostCore

/// The vectors of one collection and embedder, read from the database once and kept in memory
/// for the searches that follow in the same process (a long-lived host answers most searches
/// without reading a vector again). `generation` is the collection's write counter when they
/// were read: any write since makes the copy stale.
final class ResidentVectors: Sendable {
    let generation: Int64
    let dimension: Int
    let ids: [String]
    let types: [String]
    let tags: [[String]]
    let validity: RowValidity
    /// Row after row, `dimension` floats each.
    let matrix: [Float]

    init(generation: Int64, dimension: Int, ids: [String], types: [String], tags: [[String]], validity: RowValidity, matrix: [Float]) {
        self.generation = generation
        self.dimension = dimension
        self.ids = ids
        self.types = types
        self.tags = tags
        self.validity = validity
        self.matrix = matrix
    }

    var count: Int { ids.count }

    /// Rows whose type, tags and validity the query admits, or nil when it admits every row.
    func candidates(for query: VectorQuery) -> [Int]? {
        let instant = query.validity.instant
        let checkValidity = !validity.everyRowValid(at: instant)
        guard !query.types.isEmpty || !query.tags.isEmpty || checkValidity else { return nil }
        return ids.indices.filter { row in
            query.admits(type: types[row], tags: tags[row]) && (!checkValidity || validity.admits(row, at: instant ?? 0))
        }
    }

    /// Copies held by this process, by database, collection and embedder. One copy per key:
    /// a newer generation replaces the older.
    private static let held = Mutex<[String: ResidentVectors]>([:])

    static func cached(_ key: String, generation: Int64) -> ResidentVectors? {
        held.withLock { $0[key] }.flatMap { $0.generation == generation ? $0 : nil }
    }

    static func keep(_ vectors: ResidentVectors, as key: String) {
        held.withLock { $0[key] = vectors }
    }

    /// Forgets every copy (tests and benchmarks measuring a cold search).
    static func forgetAll() {
        held.withLock { $0.removeAll() }
    }
}

/// Little-endian float32, the layout vectors are stored in (every platform Swift on Linux
/// targets is little-endian).
enum VectorBytes {
    static func encode(_ vector: [Float]) -> [UInt8] {
        vector.withUnsafeBytes { Array($0) }
    }

    /// Appends the floats in `bytes` to `matrix`; false when the length is not `dimension` floats.
    static func append(_ bytes: UnsafeRawBufferPointer, dimension: Int, to matrix: inout [Float]) -> Bool {
        guard bytes.count == dimension * 4 else { return false }
        guard let source = bytes.baseAddress else { return true }  // zero floats
        if Int(bitPattern: source) % MemoryLayout<Float>.alignment == 0 {
            matrix.append(contentsOf: UnsafeBufferPointer(start: source.assumingMemoryBound(to: Float.self), count: dimension))
        } else {  // a blob that happens to sit at an odd address: copied float by float
            for index in 0..<dimension { matrix.append(bytes.loadUnaligned(fromByteOffset: index * 4, as: Float.self)) }
        }
        return true
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        var vector: [Float] = []
        _ = append(bytes, dimension: bytes.count / 4, to: &vector)
        return vector
    }
}
