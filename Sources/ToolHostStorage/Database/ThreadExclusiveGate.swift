#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Lets one thread at a time through, and lets that thread in again (nested use).
///
/// SQLite has one writer at a time. Threads of one process that each hold a connection meet in
/// SQLite's busy handler instead: measured with eight workers storing logs, 20,000 store_log
/// calls took 5.4–5.8 s that way (with a 0.1–2 ms retry handler; SQLite's own sleeps 1–100 ms
/// and was slower still) and 3.8–3.9 s taking turns here. Other processes still meet in the
/// busy handler.
///
/// The price: a call that holds its connection for long (a whole export, an embedder's network
/// round trip inside a transaction) makes the process's other SQLite calls wait. PostgreSQL
/// has no such gate.
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
