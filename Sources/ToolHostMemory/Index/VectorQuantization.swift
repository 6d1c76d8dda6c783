import CVectorKernels

/// int8 scalar quantization with one scale per row: a row x is kept as codes c = round(x / s),
/// s = max|x| / 127, so x ≈ s·c. A search scans the codes (a quarter of the floats' bytes: the
/// scan is bound by memory bandwidth) for the `rescoreFactor` × limit best approximate scores,
/// then scores those candidates exactly on the floats: answers carry exact cosines.
///
/// Chosen by measurement on all-MiniLM-L6-v2 vectors (Benchmarks/vector_bench.py, 36,804 PyPI
/// summaries, 60 held-out queries): a scale per row recalls as well as a scale per dimension
/// (recall@10 of the int8 order alone 0.993 against 0.995; 1.000 for both with a shortlist of 2×
/// or more), and lets a row be added or replaced without touching the others.
enum VectorQuantization {
    /// Candidates scored exactly per result asked for: 2× already recalled every exact top ten
    /// on 36,804 rows; 8× keeps a margin for larger collections with more near-ties, at a cost
    /// of 80 rows' floats per search.
    static let rescoreFactor = 8

    /// Codes and scales of `rows` rows of `dimension` floats.
    static func quantize(rows: Int, dimension: Int, floats: UnsafePointer<Float>, codes: UnsafeMutablePointer<Int8>,
                         scales: UnsafeMutablePointer<Float>) {
        for row in 0..<rows {
            scales[row] = quantize(floats + row * dimension, count: dimension, into: codes + row * dimension)
        }
    }

    /// Writes the codes of one vector and answers its scale (0 for a zero vector).
    @discardableResult
    static func quantize(_ vector: UnsafePointer<Float>, count: Int, into codes: UnsafeMutablePointer<Int8>) -> Float {
        var largest: Float = 0
        for index in 0..<count where vector[index].isFinite { largest = max(largest, abs(vector[index])) }
        guard largest > 0 else {
            codes.initialize(repeating: 0, count: count)
            return 0
        }
        let inverse = 127 / largest
        for index in 0..<count {
            let value = vector[index].isFinite ? (vector[index] * inverse).rounded() : 0
            codes[index] = Int8(max(-127, min(127, value)))
        }
        return largest / 127
    }

    /// The `limit` best rows by exact cosine, found by scanning the int8 codes for the
    /// `rescoreFactor` × limit best approximate scores among admitted rows (`admitted` by
    /// attribute code, `valid` by row; nil admits all), then rescoring those on the floats.
    static func topK(query: [Float], matrix: VectorMatrix, admitted: [Bool]?, valid: [Bool]? = nil, limit: Int,
                     minimum: Float) -> [(row: Int, score: Float)] {
        let dimension = matrix.dimension, rows = matrix.count
        guard limit > 0, rows > 0, query.count == dimension else { return [] }
        var queryCodes = [Int8](repeating: 0, count: dimension)
        query.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            queryCodes.withUnsafeMutableBufferPointer { codes in
                guard let target = codes.baseAddress else { return }
                quantize(base, count: dimension, into: target)
            }
        }
        let shortlist = limit * rescoreFactor
        let partials = VectorScoring.split(rows * dimension / 4) { worker, workers in
            scan(queryCodes, matrix: matrix, rows: (rows * worker / workers)..<(rows * (worker + 1) / workers), admitted: admitted, valid: valid, keep: shortlist)
        }
        // Approximate scores only pick the shortlist; every answered score is exact.
        var best = TopK(limit: limit, minimum: minimum)
        query.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for partial in partials {
                for candidate in partial {
                    best.offer(row: candidate.row, score: VectorScoring.dot(base, matrix.floats + candidate.row * dimension, count: dimension))
                }
            }
        }
        return best.sorted
    }

    /// Rows scored in one call of the kernel: their int32 scores stay in the first-level cache.
    private static let block = 2048

    /// The `keep` best rows of `range` by approximate score (scale × integer dot product).
    private static func scan(_ queryCodes: [Int8], matrix: VectorMatrix, rows range: Range<Int>, admitted: [Bool]?, valid: [Bool]?,
                             keep: Int) -> [(row: Int, score: Float)] {
        let dimension = matrix.dimension, codes = matrix.codes, scales = matrix.scales
        var best = TopK(limit: keep, minimum: -.infinity)
        var scores = [Int32](repeating: 0, count: block)
        queryCodes.withUnsafeBufferPointer { query in
            scores.withUnsafeMutableBufferPointer { scores in
                guard let queryBase = query.baseAddress, let scoreBase = scores.baseAddress else { return }
                var start = range.lowerBound
                while start < range.upperBound {
                    let count = min(block, range.upperBound - start)
                    toolhost_int8_scores(codes + start * dimension, count, dimension, queryBase, scoreBase)
                    for index in 0..<count {
                        let row = start + index
                        let score = scales[row] * Float(scoreBase[index])
                        guard best.admits(score), admitted.map({ $0[matrix.attributeCode(row)] }) ?? true, valid?[row] ?? true else { continue }
                        best.offer(row: row, score: score)
                    }
                    start += count
                }
            }
        }
        return best.sorted
    }
}
