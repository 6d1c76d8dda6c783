import Testing
import ToolHostCore
@testable import ToolHostServe

/// MCP requires every `notifications/progress` of a request to carry a larger `progress` than
/// the one before: the ticker keeps that whatever the call reports, and heartbeats never pass
/// the next real value.
@Suite("Progress notification values")
struct ProgressTickerTests {
    @Test func itemsCountOneEach() {
        var ticker = ProgressTicker()
        let values = (0..<3).map { _ in ticker.item(["n": 1]).progress }
        #expect(values == [1, 2, 3])
    }

    @Test func reportsPassTheirValuesAndTotals() {
        var ticker = ProgressTicker()
        let first = ticker.report(CallProgress(done: 256, total: 1000, message: "storing logs"))
        let last = ticker.report(CallProgress(done: 1000, total: 1000))
        #expect(first == ProgressTicker.Notification(progress: 256, total: 1000, message: "storing logs"))
        #expect(last == ProgressTicker.Notification(progress: 1000, total: 1000, message: nil))
    }

    @Test func heartbeatsStayBetweenRealValuesAndEverythingIncreases() {
        var ticker = ProgressTicker()
        var values: [Double] = []
        values.append(ticker.heartbeat(elapsedSeconds: 5).progress)
        values.append(ticker.heartbeat(elapsedSeconds: 10).progress)
        values.append(ticker.report(CallProgress(done: 1, total: 3)).progress)
        let beat = ticker.heartbeat(elapsedSeconds: 15)
        values.append(beat.progress)
        values.append(ticker.report(CallProgress(done: 2, total: 3)).progress)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "\(values)")
        #expect(values[2] == 1)
        #expect(values[4] == 2)
        #expect(beat.total == 3)
        #expect(beat.message == "still running after 15 s")
    }

    @Test func aRepeatedOrFallingReportStillIncreases() {
        var ticker = ProgressTicker()
        let values = [5.0, 5, 4, 6].map { ticker.report(CallProgress(done: $0, message: "m")).progress }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "\(values)")
        #expect(values.last == 6)
    }

    @Test func aHeartbeatAfterALargeValueStillIncreases() {
        var ticker = ProgressTicker()
        let big = ticker.report(CallProgress(done: 4e12)).progress
        let beat = ticker.heartbeat(elapsedSeconds: 5).progress
        #expect(beat > big)
    }

    @Test func aTotalTheValuesOutgrewIsDropped() {
        var ticker = ProgressTicker()
        _ = ticker.report(CallProgress(done: 2, total: 3))
        let over = ticker.report(CallProgress(done: 5))
        #expect(over.total == nil)
    }
}
