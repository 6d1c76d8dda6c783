#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Lets one thread at a time through, and lets that thread in again (nested use).
///
/// SQLite has one writer at a time. Threads of one process that each hold a connection would
/// meet in SQLite's busy handler, which sleeps 1 to 100 ms per retry: measured with eight
/// workers storing logs, most of the time went to those sleeps. Taking turns in the process
/// costs a futex instead. Other processes still meet in the busy handler, as before.
final class ThreadExclusiveGate: Sendable {
    private let turn = DispatchSemaphore(value: 1)
    private let holder = Mutex<pthread_t?>(nil)

    func withTurn<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let me = pthread_self()
        if holder.withLock({ $0.map { pthread_equal($0, me) != 0 } ?? false }) {
            return try body()  // this thread already has the turn (a nested connection)
        }
        turn.wait()
        holder.withLock { $0 = me }
        defer {
            holder.withLock { $0 = nil }
            turn.signal()
        }
        return try body()
    }
}
