import CProcessSupport
import Dispatch
import Synchronization

/// How many HTTP connections are open, across all of the server's event loops: the count
/// `service.http.max_connections` is checked against.
///
/// When the last connection of a burst closes, the memory malloc keeps free is given back to
/// the system: without it, the resident size stayed near its peak (measured: 44 MB at start,
/// 63 MB after 5,000 connection attempts, still 63 MB once all were closed; 52-59 MB with it).
/// Only after a burst (`burstSize` connections or more open at once since the last time), so
/// that a client opening one connection per request does not pay for it each time.
final class OpenConnections: Sendable {
    static let burstSize = 64

    private let count = Atomic<Int>(0)
    /// The most connections open at once since memory was last given back.
    private let peak = Atomic<Int>(0)

    /// Counts a new connection; the count with it.
    func opened() -> Int {
        let now = count.wrappingAdd(1, ordering: .relaxed).newValue
        peak.max(now, ordering: .relaxed)
        return now
    }

    func closed() {
        guard count.wrappingSubtract(1, ordering: .relaxed).newValue == 0,
              peak.load(ordering: .relaxed) >= Self.burstSize else { return }
        peak.store(0, ordering: .relaxed)
        // Off the event loop: trimming a large heap takes milliseconds.
        DispatchQueue.global(qos: .utility).async { _ = toolhost_return_free_memory() }
    }
}
