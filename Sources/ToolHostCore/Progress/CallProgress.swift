import Synchronization

/// How far a running call has come, as the call itself knows it: `done` of `total` units
/// (rows stored, conversations exported, files a plugin copied), and what it is doing now.
public struct CallProgress: Sendable, Equatable {
    public var done: Double
    /// Nil when the call does not know how much there is.
    public var total: Double?
    public var message: String?

    public init(done: Double, total: Double? = nil, message: String? = nil) {
        self.done = done
        self.total = total
        self.message = message
    }
}

/// Passes a call's progress to the caller that asked for it (MCP's `progressToken`), at most
/// `minimumInterval` apart: a handler may report every row of a million-row batch, and
/// the caller still gets a few reports a second. The last unit (`done == total`) always
/// goes through, so a caller sees the end. Thread-safe: handlers report from worker threads.
public final class ProgressReporter: Sendable {
    /// Gets each report that passed the throttle.
    private let deliver: @Sendable (CallProgress) -> Void
    private let minimumInterval: Double
    private let lastSent = Mutex<Double>(-Double.infinity)

    public init(minimumInterval: Double = 0.1, deliver: @escaping @Sendable (CallProgress) -> Void) {
        self.minimumInterval = minimumInterval
        self.deliver = deliver
    }

    public func report(_ progress: CallProgress) {
        let isLast = progress.total.map { progress.done >= $0 } ?? false
        let now = MonotonicClock.now()
        let due = lastSent.withLock { last in
            guard isLast || now - last >= minimumInterval else { return false }
            last = now
            return true
        }
        if due { deliver(progress) }
    }

    public func report(done: Int, total: Int? = nil, message: String? = nil) {
        report(CallProgress(done: Double(done), total: total.map(Double.init), message: message))
    }
}
