import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Exact cosine top-k over vectors laid out row after row in one buffer. The vectors are
/// L2-normalised, so cosine similarity is the dot product, computed eight lanes at a time.
enum VectorScoring {
    /// Rows below this many floats in all are scored on the calling thread; above it the rows
    /// are split over the cores (each keeps its own top-k, merged at the end).
    static let parallelThreshold = 1 << 20

    /// The `limit` best (row, score) pairs among `candidates` (all rows when nil) scoring at
    /// least `minimum`, best first.
    static func topK(query: [Float], matrix: [Float], dimension: Int, rowCount: Int, candidates: [Int]?,
                     limit: Int, minimum: Float) -> [(row: Int, score: Float)] {
        let total = candidates?.count ?? rowCount
        guard limit > 0, total > 0, query.count == dimension else { return [] }
        let workers = total * dimension >= parallelThreshold ? min(max(activeCores, 1), 8) : 1
        var partials = [[(row: Int, score: Float)]](repeating: [], count: workers)
        query.withUnsafeBufferPointer { queryBuffer in
            matrix.withUnsafeBufferPointer { matrixBuffer in
                guard let queryBase = queryBuffer.baseAddress, let matrixBase = matrixBuffer.baseAddress else { return }
                let score = { (worker: Int) -> [(row: Int, score: Float)] in
                    var best = TopK(limit: limit, minimum: minimum)
                    let start = total * worker / workers, end = total * (worker + 1) / workers
                    for position in start..<end {
                        let row = candidates?[position] ?? position
                        best.offer(row: row, score: dot(queryBase, matrixBase + row * dimension, count: dimension))
                    }
                    return best.sorted
                }
                if workers == 1 {
                    partials[0] = score(0)
                } else {
                    partials.withUnsafeMutableBufferPointer { slots in
                        let slots = UncheckedSendable(slots), work = UncheckedSendable(score)
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in slots.value[worker] = work.value(worker) }
                    }
                }
            }
        }
        var merged = TopK(limit: limit, minimum: minimum)
        for partial in partials { for entry in partial { merged.offer(row: entry.row, score: entry.score) } }
        return merged.sorted
    }

    /// The dot product of two vectors of `count` floats.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var first = SIMD8<Float>(), second = SIMD8<Float>()
        var index = 0
        while index + 16 <= count {
            first += UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
            second += UnsafeRawPointer(a + index + 8).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + index + 8).loadUnaligned(as: SIMD8<Float>.self)
            index += 16
        }
        var sum = (first + second).sum()
        while index < count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }

    private static let activeCores: Int = {
        #if canImport(Glibc)
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        1
        #endif
    }()
}

/// The best `limit` scores offered, kept as a small sorted array (limits are small).
struct TopK {
    let limit: Int
    let minimum: Float
    private(set) var sorted: [(row: Int, score: Float)] = []

    init(limit: Int, minimum: Float) {
        self.limit = limit
        self.minimum = minimum
        sorted.reserveCapacity(limit + 1)
    }

    @inline(__always)
    mutating func offer(row: Int, score: Float) {
        guard score >= minimum, !score.isNaN else { return }
        if sorted.count == limit {
            guard let last = sorted.last, score > last.score else { return }
            sorted.removeLast()
        }
        var position = sorted.count
        while position > 0, sorted[position - 1].score < score { position -= 1 }
        sorted.insert((row, score), at: position)
    }
}
