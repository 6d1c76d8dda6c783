import Dispatch
import ToolHostCore

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
        guard matrix.count >= rowCount * dimension else { return [] }
        return matrix.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            return topK(query: query, rows: base, dimension: dimension, rowCount: rowCount, candidates: candidates, limit: limit, minimum: minimum)
        }
    }

    /// `topK` over `rowCount` rows of `dimension` floats at `rows` (a vector matrix's floats).
    static func topK(query: [Float], rows: UnsafePointer<Float>, dimension: Int, rowCount: Int, candidates: [Int]?,
                     limit: Int, minimum: Float) -> [(row: Int, score: Float)] {
        let total = candidates?.count ?? rowCount
        guard limit > 0, total > 0, query.count == dimension else { return [] }
        let partials = split(total * dimension) { worker, workers -> [(row: Int, score: Float)] in
            query.withUnsafeBufferPointer { queryBuffer in
                guard let queryBase = queryBuffer.baseAddress else { return [] }
                var best = TopK(limit: limit, minimum: minimum)
                for position in (total * worker / workers)..<(total * (worker + 1) / workers) {
                    let row = candidates?[position] ?? position
                    best.offer(row: row, score: dot(queryBase, rows + row * dimension, count: dimension))
                }
                return best.sorted
            }
        }
        return TopK.merging(partials, limit: limit, minimum: minimum)
    }

    /// Runs `work(worker, workers)` on the calling thread for small jobs (below
    /// `parallelThreshold` units), else once per core at the same time; answers in worker order.
    static func split<Part>(_ units: Int, _ work: (Int, Int) -> Part) -> [Part] {
        let workers = units >= parallelThreshold ? min(Processors.online, 8) : 1
        if workers == 1 { return [work(0, 1)] }
        var parts = [Part?](repeating: nil, count: workers)
        parts.withUnsafeMutableBufferPointer { slots in
            withoutActuallyEscaping(work) { work in
                let slots = UncheckedSendable(slots), work = UncheckedSendable(work)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in slots.value[worker] = work.value(worker, workers) }
            }
        }
        return parts.compactMap { $0 }
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

    /// Whether `offer` would keep this score now (a cheap test before work to offer it).
    @inline(__always)
    func admits(_ score: Float) -> Bool {
        score >= minimum && (sorted.count < limit || score > (sorted.last?.score ?? -.infinity))
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

    /// The best `limit` of several partial answers.
    static func merging(_ partials: [[(row: Int, score: Float)]], limit: Int, minimum: Float) -> [(row: Int, score: Float)] {
        var merged = TopK(limit: limit, minimum: minimum)
        for partial in partials { for entry in partial { merged.offer(row: entry.row, score: entry.score) } }
        return merged.sorted
    }
}
