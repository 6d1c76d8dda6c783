#if canImport(Glibc)
import Glibc
#endif

/// Low-pass filtering and keeping every `factor`-th sample: a windowed-sinc FIR (Hamming,
/// 16 taps per unit of factor) with its cut-off at 90% of the new Nyquist frequency, centred so
/// that output sample i lines up with input sample i × factor.
struct Decimator: Sendable {
    let factor: Int
    private let taps: [Float]

    init(factor: Int) {
        self.factor = factor
        guard factor > 1 else { taps = [1]; return }
        let count = 16 * factor + 1
        let middle = Double(count / 2)
        let cutoff = 0.45 / Double(factor)  // of the input rate
        var taps = (0..<count).map { index -> Double in
            let t = Double(index) - middle
            let sinc = t == 0 ? 2 * cutoff : sin(2 * .pi * cutoff * t) / (.pi * t)
            return sinc * (0.54 - 0.46 * cos(2 * .pi * Double(index) / Double(count - 1)))
        }
        let sum = taps.reduce(0, +)
        taps = taps.map { $0 / sum }
        self.taps = taps.map(Float.init)
    }

    func apply(_ input: UnsafeBufferPointer<Float>) -> [Float] {
        guard factor > 1 else { return Array(input) }
        let count = input.count / factor
        let half = taps.count / 2
        return taps.withUnsafeBufferPointer { taps in
            (0..<count).map { index in
                let center = index * factor
                let first = max(0, half - center)
                let last = min(taps.count, input.count - center + half)
                var sum: Float = 0
                for tap in first..<last { sum += taps[tap] * input[center - half + tap] }
                return sum
            }
        }
    }
}
