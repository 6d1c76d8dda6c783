import Synchronization

/// A consumer's counts and the per-item outcomes kept for its answer.
final class StreamTally: Sendable {
    private struct State {
        var read = 0
        var filteredOut = 0
        var succeeded = 0
        var failed = 0
        var results: [JSONValue] = []
    }

    private let state = Mutex(State())
    private let keptResults: Int

    init(keptResults: Int) { self.keptResults = keptResults }

    var read: Int { state.withLock { $0.read } }

    func countRead() { state.withLock { $0.read += 1 } }

    func countFilteredOut() { state.withLock { $0.filteredOut += 1 } }

    func record(_ result: JSONValue, succeeded: Bool) {
        state.withLock { state in
            if succeeded { state.succeeded += 1 } else { state.failed += 1 }
            if state.results.count < keptResults { state.results.append(result) }
        }
    }

    /// `read`, `filtered_out`, `succeeded`, `failed`, `results` (and `results_dropped`).
    var answer: JSONObject {
        state.withLock { state in
            var answer: JSONObject = ["read": .int(state.read), "filtered_out": .int(state.filteredOut), "succeeded": .int(state.succeeded),
                                      "failed": .int(state.failed), "results": .array(state.results)]
            let processed = state.succeeded + state.failed
            if processed > state.results.count { answer["results_dropped"] = .int(processed - state.results.count) }
            return answer
        }
    }
}
