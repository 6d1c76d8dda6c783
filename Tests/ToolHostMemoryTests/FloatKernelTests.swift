import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostMemory

/// Every float kernel variant this CPU runs (AVX-512, AVX2 with FMA, portable) against plain
/// loops in double precision: the encoder's matrix product (whole tiles and the rows left over),
/// GELU, the residual layer norm and one head's attention. The machine that builds the release
/// runs all three, so the portable fallback is checked there too, not only where it is chosen.
@Suite struct FloatKernelTests {
    static let variants = FloatKernels.runnable.map(\.variant)

    static func kernels(_ variant: String) throws -> FloatKernels {
        try #require(FloatKernels.runnable.first { $0.variant == variant })
    }

    /// Values in -1...1 in steps of 1/1000, the same for a seed on every machine.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(generator.below(2001) - 1000) / 1000 }
    }

    /// The largest |a - b| relative to max(1, |b|); infinite where a is NaN (a value never
    /// written: the outputs start as NaN).
    static func largestError(_ actual: [Float], _ expected: [Double]) -> Double {
        zip(actual, expected).reduce(0) { largest, pair in
            let error = abs(Double(pair.0) - pair.1) / max(1, abs(pair.1))
            return error.isNaN ? .infinity : max(largest, error)
        }
    }

    @Test func theChosenVariantIsTheBestThisCPURunsAndPortableIsAlwaysThere() {
        let variants = Self.variants
        #expect(variants.first == FloatKernels.best.variant)
        #expect(variants.last == "portable")
        #expect(Set(variants).isSubset(of: ["avx512", "avx2", "portable"]))
    }

    /// Row counts below, at and around the six-row tile; two 32-column panels; scaled weights.
    @Test(arguments: FloatKernelTests.variants)
    func packedMatrixProductAgreesWithAPlainLoop(variant: String) throws {
        let kernels = try Self.kernels(variant)
        let inputs = 45, outputs = 64, scale: Float = 0.5
        let weight = Self.values(outputs * inputs, seed: 1), bias = Self.values(outputs, seed: 2)
        let linear = weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in PackedLinear(weight: weight, bias: bias, inputs: inputs, outputs: outputs, scale: scale) }
        }
        for rows in [1, 2, 5, 6, 7, 12, 17] {
            let x = Self.values(rows * inputs, seed: UInt64(rows))
            var y = [Float](repeating: .nan, count: rows * outputs)
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    guard let x = x.baseAddress, let y = y.baseAddress else { return }
                    linear.apply(x, to: y, rows: 0..<rows, kernels: kernels)
                }
            }
            let expected = (0..<rows * outputs).map { index in
                let row = index / outputs, column = index % outputs
                return Double(scale) * (0..<inputs).reduce(Double(bias[column])) { $0 + Double(x[row * inputs + $1]) * Double(weight[column * inputs + $1]) }
            }
            let error = Self.largestError(y, expected)
            #expect(error < 1e-5, "\(rows) rows: error \(error)")
        }
    }

    /// Layers packed side by side give each layer's outputs side by side (the encoder's
    /// query-key-value product).
    @Test func concatenatedLayersGiveEachLayersOutputs() {
        let inputs = 20
        func layer(_ seed: UInt64) -> PackedLinear {
            let weight = Self.values(32 * inputs, seed: seed), bias = Self.values(32, seed: seed + 100)
            return weight.withUnsafeBufferPointer { weight in
                bias.withUnsafeBufferPointer { bias in PackedLinear(weight: weight, bias: bias, inputs: inputs, outputs: 32) }
            }
        }
        let first = layer(3), second = layer(4)
        let both = PackedLinear(concatenating: [first, second])
        let x = Self.values(3 * inputs, seed: 5)
        func apply(_ linear: PackedLinear) -> [Float] {
            var y = [Float](repeating: .nan, count: 3 * linear.outputs)
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    guard let x = x.baseAddress, let y = y.baseAddress else { return }
                    linear.apply(x, to: y, rows: 0..<3, kernels: .best)
                }
            }
            return y
        }
        let firstAlone = apply(first), secondAlone = apply(second), together = apply(both)
        var sideBySide: [Float] = []
        for row in 0..<3 {
            sideBySide += firstAlone[row * 32..<(row + 1) * 32]
            sideBySide += secondAlone[row * 32..<(row + 1) * 32]
        }
        #expect(together == sideBySide)
    }

    /// The exact (erf) GELU, x·Φ(x), from -10 to 10: both branches of Φ, and the tails where
    /// it goes to 0 and to x.
    @Test(arguments: FloatKernelTests.variants)
    func geluAgreesWithTheErfFormula(variant: String) throws {
        let kernels = try Self.kernels(variant)
        let count = 320
        var values = (0..<count).map { Float($0 - count / 2) / 16 }
        let inputs = values.map(Double.init)
        kernels.gelu(&values, count)
        let expected = inputs.map { $0 * 0.5 * erfc(-$0 / 2.0.squareRoot()) }
        let error = Self.largestError(values, expected)
        #expect(error < 1e-6, "error \(error)")
    }

    @Test(arguments: FloatKernelTests.variants)
    func residualLayerNormAgreesWithTwoPasses(variant: String) throws {
        let kernels = try Self.kernels(variant)
        let count = 384, epsilon: Float = 1e-12
        var row = Self.values(count, seed: 6).map { $0 * 3 + 0.5 }
        let addend = Self.values(count, seed: 7), weight = Self.values(count, seed: 8), bias = Self.values(count, seed: 9)
        let sums = zip(row, addend).map { Double($0) + Double($1) }
        let mean = sums.reduce(0, +) / Double(count)
        let variance = sums.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
        let expected = sums.indices.map { ($0, (sums[$0] - mean) / (variance + Double(epsilon)).squareRoot()) }
            .map { $0.1 * Double(weight[$0.0]) + Double(bias[$0.0]) }
        kernels.add_layer_norm(&row, addend, count, weight, bias, epsilon)
        let error = Self.largestError(row, expected)
        #expect(error < 1e-5, "error \(error)")
    }

    /// One head over sequences of 1 token (softmax of one score), a few, and more than a
    /// vector's worth (the vector and the scalar exponentials); rows strided as in the encoder.
    @Test(arguments: FloatKernelTests.variants)
    func attentionAgreesWithSoftmaxOverDotProducts(variant: String) throws {
        let kernels = try Self.kernels(variant)
        let size = 64, stride = 3 * size + 16, contextStride = size + 16
        for count in [1, 3, 16, 35] {
            let rows = Self.values(count * stride, seed: UInt64(count)).map { $0 * 2 }
            var context = [Float](repeating: .nan, count: count * contextStride)
            var scores = [Float](repeating: 0, count: count)
            rows.withUnsafeBufferPointer { rows in
                guard let queries = rows.baseAddress else { return }
                kernels.attention(queries, queries + size, queries + 2 * size, stride, count, size, &context, contextStride, &scores)
            }
            var largest = 0.0
            for query in 0..<count {
                let dots = (0..<count).map { key in (0..<size).reduce(0.0) { $0 + Double(rows[query * stride + $1]) * Double(rows[key * stride + size + $1]) } }
                let maximum = dots.max() ?? 0
                let exponentials = dots.map { exp($0 - maximum) }
                let total = exponentials.reduce(0, +)
                let expected = (0..<size).map { column in
                    (0..<count).reduce(0.0) { $0 + exponentials[$1] / total * Double(rows[$1 * stride + 2 * size + column]) }
                }
                largest = max(largest, Self.largestError(Array(context[query * contextStride..<query * contextStride + size]), expected))
            }
            #expect(largest < 1e-5, "\(count) tokens: error \(largest)")
        }
    }
}
