import Synchronization
import ToolHostCore

/// The vector matrices this process holds, by database, collection and embedder, for the
/// searches that follow in the same process (a long-lived host answers most searches without
/// reading a vector again, from the database or a file). One matrix per key: a newer
/// generation replaces the older.
enum ResidentVectors {
    private static let held = Mutex<[String: VectorMatrix]>([:])

    static func cached(_ key: String, generation: Int64) -> VectorMatrix? {
        held.withLock { $0[key] }.flatMap { $0.generation == generation ? $0 : nil }
    }

    /// The matrix held for `key`, whatever its generation.
    static func held(_ key: String) -> VectorMatrix? {
        held.withLock { $0[key] }
    }

    static func keep(_ matrix: VectorMatrix, as key: String) {
        held.withLock { $0[key] = matrix }
    }

    /// Forgets the matrices of one database (`scope`), as a new process would start: tests
    /// running side by side each forget only their own.
    static func forget(scope: String) {
        held.withLock { matrices in matrices = matrices.filter { !$0.key.hasPrefix(scope + "\u{1}") } }
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
