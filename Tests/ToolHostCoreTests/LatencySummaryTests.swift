import Testing
import ToolHostCore

/// `toolhost bench`'s statistics: nearest-rank percentiles of unsorted samples, rounded to
/// the microsecond.
@Suite("latency summary")
struct LatencySummaryTests {
    @Test func percentilesAreNearestRanksOfTheSortedSamples() throws {
        let samples = (1...100).map(Double.init).reversed()
        let summary = try #require(LatencySummary(milliseconds: Array(samples)))
        let figures = [summary.p50, summary.p95, summary.p99, summary.mean, summary.min, summary.max]
        #expect(figures == [50, 95, 99, 50.5, 1, 100])
    }

    @Test func aSmallSetRoundsUpToAMeasuredSample() throws {
        let summary = try #require(LatencySummary(milliseconds: [4.2, 1.0, 2.5]))
        let figures = [summary.p50, summary.p95, summary.p99]
        #expect(figures == [2.5, 4.2, 4.2])
    }

    @Test func figuresAreRoundedToTheMicrosecond() throws {
        let summary = try #require(LatencySummary(milliseconds: [0.0123456]))
        let json = summary.json
        #expect(json["max_ms"] == .double(0.012))
        #expect(json["p50_ms"] == .double(0.012))
    }

    @Test func noSamplesNoSummary() {
        let summary = LatencySummary(milliseconds: [])
        #expect(summary == nil)
    }
}
