/// The statistics `toolhost bench` reports of its samples: nearest-rank percentiles, mean and
/// extremes, in milliseconds rounded to the microsecond.
///
/// ```swift
/// let summary = LatencySummary(milliseconds: [4.2, 1.0, 2.5])  // p50 2.5, max 4.2
/// ```
///
/// Nearest rank rather than interpolation: every figure is a latency that was measured.
public struct LatencySummary: Equatable, Sendable {
    public let p50: Double
    public let p95: Double
    public let p99: Double
    public let mean: Double
    public let min: Double
    public let max: Double

    /// Nil without samples (nothing to summarise).
    public init?(milliseconds samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        func rank(_ fraction: Double) -> Double {
            sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))]
        }
        p50 = Self.microseconds(rank(0.50))
        p95 = Self.microseconds(rank(0.95))
        p99 = Self.microseconds(rank(0.99))
        mean = Self.microseconds(sorted.reduce(0, +) / Double(sorted.count))
        min = Self.microseconds(sorted[0])
        max = Self.microseconds(sorted[sorted.count - 1])
    }

    /// The members of bench's report: `p50_ms` ... `max_ms`.
    public var json: JSONObject {
        ["p50_ms": .double(p50), "p95_ms": .double(p95), "p99_ms": .double(p99),
         "mean_ms": .double(mean), "min_ms": .double(min), "max_ms": .double(max)]
    }

    private static func microseconds(_ milliseconds: Double) -> Double { (milliseconds * 1000).rounded() / 1000 }
}
