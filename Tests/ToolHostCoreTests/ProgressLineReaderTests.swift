import Synchronization
import Testing
@testable import ToolHostCore

/// The stderr line protocol plugins report progress by (`toolhost:progress DONE[/TOTAL] [MESSAGE]`)
/// and the throttle between a call and its caller.
@Suite("Progress lines and the progress reporter")
struct ProgressLineReaderTests {
    private func read(_ chunks: [String]) -> (reports: [CallProgress], unreadable: [String]) {
        var reader = ProgressLineReader()
        var reports: [CallProgress] = []
        var unreadable: [String] = []
        for chunk in chunks {
            let result = reader.read(Array(chunk.utf8)[...])
            reports += result.reports
            unreadable += result.unreadable
        }
        return (reports, unreadable)
    }

    @Test func linesWithAndWithoutTotalOrMessageAreRead() {
        let result = read(["toolhost:progress 3/10 copying b.txt\ntoolhost:progress 4\ntoolhost:progress 0.5/1\r\n"])
        let expected = [CallProgress(done: 3, total: 10, message: "copying b.txt"), CallProgress(done: 4),
                        CallProgress(done: 0.5, total: 1)]
        #expect(result.reports == expected)
        #expect(result.unreadable.isEmpty)
    }

    @Test func aLineSplitAcrossChunksAnywhereIsReadOnce() {
        let line = "plain words\ntoolhost:progress 7/9 halfway there\nmore\n"
        for cut in 1..<line.utf8.count {
            let bytes = Array(line.utf8)
            let result = read([String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)])
            let expected = [CallProgress(done: 7, total: 9, message: "halfway there")]
            #expect(result.reports == expected, "cut at \(cut)")
        }
    }

    @Test func otherLinesAndAnUnfinishedLineAreNotProgress() {
        let result = read(["progress 1/2\n  toolhost:progress 1/2\nToolhost:progress 1/2\ntoolhost:progress 1/2"])
        #expect(result.reports.isEmpty)
        #expect(result.unreadable.isEmpty)
    }

    @Test func numbersThatAreNotNumbersAreUnreadableNotGuessed() {
        let result = read(["toolhost:progress three/10\ntoolhost:progress 1/2/3\ntoolhost:progress -1\ntoolhost:progress \ntoolhost:progress nan\n"])
        #expect(result.reports.isEmpty)
        let count = result.unreadable.count
        #expect(count == 5, "\(result.unreadable)")
    }

    @Test func aVeryLongLineCostsNoMoreThanItsStart() {
        let long = "toolhost:progress 2/4 " + String(repeating: "x", count: 100_000) + "\n"
        let result = read([long, String(repeating: "y", count: 100_000) + "\ntoolhost:progress 3/4\n"])
        let messages = result.reports.map { $0.message?.count ?? 0 }
        #expect(result.reports.map(\.done) == [2, 3])
        #expect(messages[0] < ProgressLineReader.maxLineBytes)
    }

    @Test func theReporterPassesTheFirstAndTheLastAndThrottlesBetween() {
        let seen = Mutex<[Double]>([])
        let reporter = ProgressReporter(minimumInterval: 3600) { progress in seen.withLock { $0.append(progress.done) } }
        for done in 1...1000 { reporter.report(done: done, total: 1000) }
        let values = seen.withLock { $0 }
        #expect(values == [1, 1000])
    }

    @Test func withoutAThrottleEveryReportPasses() {
        let seen = Mutex<[Double]>([])
        let reporter = ProgressReporter(minimumInterval: 0) { progress in seen.withLock { $0.append(progress.done) } }
        for done in 1...5 { reporter.report(done: done) }
        let values = seen.withLock { $0 }
        #expect(values == [1, 2, 3, 4, 5])
    }
}
