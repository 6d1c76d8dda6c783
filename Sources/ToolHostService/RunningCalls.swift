import Synchronization
import ToolHostCore

/// The calls a host has accepted and not yet finished, each with its cancellation, so that a
/// server told to stop can stop them all at once, whichever front end they came from.
///
/// Once `close` has run, no call is added; once `cancelAll` has run, a call still queued for a
/// worker is answered `cancelled` instead of starting during the shutdown.
final class RunningCalls: Sendable {
    private struct State: ~Copyable {
        var next = 0
        var calls: [Int: CallCancellation] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Registers a call; the token to `remove` it with once it has finished, or nil once
    /// closed (the call must not run).
    func add(_ cancellation: CallCancellation) -> Int? {
        state.withLock { state in
            guard !state.closed else { return nil }
            state.next += 1
            state.calls[state.next] = cancellation
            return state.next
        }
    }

    /// Takes no more calls; those added go on.
    func close() {
        state.withLock { $0.closed = true }
    }

    func remove(_ token: Int) {
        _ = state.withLock { $0.calls.removeValue(forKey: token) }
    }

    /// Takes no more calls, and cancels every registered one (a plugin's whole process group
    /// is stopped); how many were registered.
    @discardableResult
    func cancelAll() -> Int {
        let calls = state.withLock { state in
            state.closed = true
            return Array(state.calls.values)
        }
        for call in calls { call.cancel() }
        return calls.count
    }

    /// Calls accepted and not finished (queued or running).
    var count: Int { state.withLock { $0.calls.count } }
}
