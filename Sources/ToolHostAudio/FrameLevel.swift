#if canImport(Glibc)
import Glibc
#endif

/// The level of a run of samples in dBFS: 10·log10 of their mean square, full scale 1, so a
/// full-scale sine is −3.01 dBFS (as sox reports it). Digital silence is −120, not −∞.
enum FrameLevel {
    static let floorDBFS: Float = -120

    static func dbfs(meanSquare: Double) -> Double {
        meanSquare > 0 ? max(Double(floorDBFS), 10 * log10(meanSquare)) : Double(floorDBFS)
    }

    static func dbfs(_ samples: UnsafeBufferPointer<Float>) -> Float {
        guard let base = samples.baseAddress, !samples.isEmpty else { return floorDBFS }
        return Float(dbfs(meanSquare: Double(SampleMath.dot(base, base, count: samples.count)) / Double(samples.count)))
    }
}
