import CProcessSupport
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Lets a front end stop a call it no longer wants answered: an MCP client's
/// `notifications/cancelled` (an HTTP client that disconnects does not cancel: Hummingbird
/// 2.28 reports it only by closing every connection after its response).
///
/// A plugin run watches `wakeDescriptor` in its poll loop, so cancelling stops the plugin's
/// whole process group at once (SIGTERM, SIGKILL after the grace period) rather than at its
/// timeout. An in-process handler's database work is stopped by the actions it registers
/// (`whileRunning`: its connection's statements are interrupted, and its transaction undone);
/// what it does besides goes on, and its answer is discarded.
public final class CallCancellation: Sendable {
    private struct State: ~Copyable {
        var cancelled = false
        /// Made on first use by a poll loop (most calls never run a plugin): read end, write end.
        var pipe: (read: Int32, write: Int32)?
        /// What `cancel()` runs, by registration number.
        var actions: [Int: @Sendable () -> Void] = [:]
        var nextAction = 0
    }

    private let state = Mutex(State())

    public init() {}

    deinit {
        state.withLock { state in
            if let pipe = state.pipe {
                close(pipe.read)
                close(pipe.write)
            }
        }
    }

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Marks the call cancelled, wakes whoever polls `wakeDescriptor` and runs the registered
    /// actions; later calls do nothing.
    public func cancel() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.cancelled else { return [] }
            state.cancelled = true
            if let pipe = state.pipe {
                var byte: UInt8 = 1
                _ = write(pipe.write, &byte, 1)
            }
            return Array(state.actions.values)
        }
        for action in actions { action() }
    }

    /// Runs `body` with `action` registered to run (on the cancelling thread) if the call is
    /// cancelled meanwhile, at once if it already is. The action must be safe from any thread.
    public func whileRunning<T, E: Error>(cancelling action: @escaping @Sendable () -> Void, _ body: () throws(E) -> T) throws(E) -> T {
        let registered = state.withLock { state -> Int? in
            guard !state.cancelled else { return nil }
            state.nextAction += 1
            state.actions[state.nextAction] = action
            return state.nextAction
        }
        if registered == nil { action() }
        defer { if let registered { state.withLock { _ = $0.actions.removeValue(forKey: registered) } } }
        return try body()
    }

    /// Readable once `cancel()` ran (already readable if it has); nil when no pipe could be
    /// made (the poll loop then sees the flag when it next wakes). Valid while this object lives.
    public var wakeDescriptor: Int32? {
        state.withLock { state in
            if let pipe = state.pipe { return pipe.read }
            var ends: [Int32] = [-1, -1]
            guard toolhost_cloexec_pipe(&ends) == 0 else { return nil }  // never inherited by a plugin
            for end in ends { _ = toolhost_set_nonblocking(end) }
            state.pipe = (ends[0], ends[1])
            if state.cancelled {
                var byte: UInt8 = 1
                _ = write(ends[1], &byte, 1)
            }
            return ends[0]
        }
    }
}

extension ErrorCode {
    /// The caller cancelled the call before it finished.
    public static let cancelled = ErrorCode("cancelled")
}
