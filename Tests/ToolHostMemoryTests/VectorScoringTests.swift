import CVectorKernels
import Testing
import ToolHostTestSupport
@testable import ToolHostMemory

@Suite struct VectorScoringTests {
    /// The SIMD top-k agrees with a plain loop, on the serial and the parallel path, with and
    /// without a candidate list and a minimum.
    @Test(arguments: [(200, 37), (6000, 384)])
    func topKAgreesWithBruteForce(rows: Int, dimension: Int) {
        var generator = SplitMix64(seed: UInt64(rows))
        func unit() -> [Float] {
            var vector = (0..<dimension).map { _ in Float(generator.next() % 2001) / 1000 - 1 }
            vector.normalize()
            return vector
        }
        let matrix = (0..<rows).flatMap { _ in unit() }
        let query = unit()
        let candidates = Array(stride(from: 0, to: rows, by: 3))
        for (subset, minimum) in [(nil, Float(-1)), (candidates, Float(0.05))] as [([Int]?, Float)] {
            let got = VectorScoring.topK(query: query, matrix: matrix, dimension: dimension, rowCount: rows, candidates: subset,
                                         limit: 10, minimum: minimum)
            let expected = (subset ?? Array(0..<rows)).map { row in
                (row, (0..<dimension).reduce(Float(0)) { $0 + query[$1] * matrix[row * dimension + $1] })
            }.filter { $0.1 >= minimum }.sorted { $0.1 > $1.1 }.prefix(10)
            #expect(got.map(\.row) == expected.map(\.0))
            for (a, b) in zip(got, expected) { #expect(abs(a.score - b.1) < 1e-4) }
        }
        // The small case stays on one thread and the large one takes the parallel path.
        #expect((rows * dimension >= VectorScoring.parallelThreshold) == (rows == 6000))
    }

    @Test func emptyAndMismatchedInputsGiveNothing() {
        #expect(VectorScoring.topK(query: [1, 0], matrix: [], dimension: 2, rowCount: 0, candidates: nil, limit: 5, minimum: -1).isEmpty)
        #expect(VectorScoring.topK(query: [1, 0, 0], matrix: [1, 0], dimension: 2, rowCount: 1, candidates: nil, limit: 5, minimum: -1).isEmpty)
        #expect(VectorScoring.topK(query: [1, 0], matrix: [1, 0], dimension: 2, rowCount: 1, candidates: [], limit: 5, minimum: -1).isEmpty)
    }

    /// The int8 kernel this CPU runs (VNNI, AVX2 or portable) agrees with a plain loop, at
    /// dimensions that fill its registers exactly and ones that leave a tail.
    @Test(arguments: [1, 31, 64, 100, 384, 385])
    func int8ScoresAgreeWithAPlainLoop(dimension: Int) {
        var generator = SplitMix64(seed: UInt64(dimension))
        let rows = 50
        let codes = (0..<rows * dimension).map { _ in Int8(generator.below(255) - 127) }
        let query = (0..<dimension).map { _ in Int8(generator.below(255) - 127) }
        var scores = [Int32](repeating: 0, count: rows)
        toolhost_int8_scores(codes, rows, dimension, query, &scores)
        let expected = (0..<rows).map { row in (0..<dimension).reduce(Int32(0)) { $0 + Int32(query[$1]) * Int32(codes[row * dimension + $1]) } }
        #expect(scores == expected)
        let kernel = String(cString: toolhost_int8_kernel())
        #expect(["avx512vnni", "avx2", "portable"].contains(kernel))
    }
}
