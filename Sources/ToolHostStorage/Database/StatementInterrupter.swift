import Synchronization
import ToolHostCore

/// Stops, from another thread, what one use of a connection runs: a call that is cancelled
/// while it works in the database (an MCP `notifications/cancelled`, a handed-off `toolhost run`
/// stopped with Ctrl-C) has its statement interrupted and every later one refused before it
/// starts, so its transaction is rolled back rather than committed after the caller gave up.
///
/// One use at a time (a pooled connection lent to one call): `beginUse` hands out an interrupt
/// for that use only, and one that comes after `endUse` does nothing, so a connection lent on
/// to another call is never stopped by the first call's cancellation.
public final class StatementInterrupter: Sendable {
    private struct State {
        var use = 0
        var interrupted = false
    }

    private let state = Mutex(State())
    /// Stops the statement running now (`sqlite3_interrupt`, `PQcancel`); safe from any thread.
    private let stopStatement: @Sendable () -> Void

    init(stopStatement: @escaping @Sendable () -> Void) {
        self.stopStatement = stopStatement
    }

    /// Whether the current use was interrupted: checked before each statement starts, and by
    /// SQLite's progress handler while one runs.
    var isInterrupted: Bool { state.withLock { $0.interrupted } }

    /// Starts a use; the closure interrupts this use only.
    public func beginUse() -> @Sendable () -> Void {
        let use = state.withLock { state in
            state.use += 1
            state.interrupted = false
            return state.use
        }
        return { [self] in interrupt(use) }
    }

    public func endUse() {
        state.withLock { state in
            state.use += 1
            state.interrupted = false
        }
    }

    /// Under the lock, so that `endUse` (and the next use) waits until the statement is stopped.
    private func interrupt(_ use: Int) {
        state.withLock { state in
            guard state.use == use, !state.interrupted else { return }
            state.interrupted = true
            stopStatement()
        }
    }

    /// What a statement of an interrupted use fails with.
    static var interruptedError: DatabaseError {
        DatabaseError(.interrupted, "The statement was stopped because its call was cancelled")
    }
}

extension DatabaseConnection {
    /// Runs `body` with this connection's statements stopped if `cancellation` fires before it
    /// ends (nil: nothing can stop them).
    public func stopping<T, E: Error>(when cancellation: CallCancellation?, _ body: () throws(E) -> T) throws(E) -> T {
        guard let cancellation else { return try body() }
        let interrupt = interrupter.beginUse()
        defer { interrupter.endUse() }
        return try cancellation.whileRunning(cancelling: interrupt, body)
    }
}
