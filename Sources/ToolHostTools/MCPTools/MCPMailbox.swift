#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore

/// Where the answers of a connection's requests wait for their callers, by JSON-RPC id: the
/// reader thread delivers, each caller waits for its own id (so calls to one server may be
/// in flight together), within its deadline and until its call is cancelled.
final class MCPMailbox: @unchecked Sendable {
    // A pthread mutex and condition (not Synchronization.Mutex): waiters need a timed wait.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var answers: [Int64: JSONObject] = [:]
    private var waiting: Set<Int64> = []
    private var endReason: String?
    private var lastID: Int64 = 0

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// A new id, whose answer will be kept until taken.
    func reserveID() -> Int64 {
        locked {
            lastID += 1
            waiting.insert(lastID)
            return lastID
        }
    }

    func forget(_ id: Int64) {
        locked {
            waiting.remove(id)
            answers[id] = nil
        }
    }

    /// An answer from the server (ignored when nobody waits for its id any more).
    func deliver(_ message: JSONObject, id: Int64) {
        locked {
            guard waiting.contains(id) else { return }
            answers[id] = message
            pthread_cond_broadcast(condition)
        }
    }

    /// The connection ended: every waiter (and every later one) is told why.
    func end(_ reason: String) {
        locked {
            if endReason == nil { endReason = reason }
            pthread_cond_broadcast(condition)
        }
    }

    var hasEnded: Bool { locked { endReason != nil } }

    enum Outcome {
        case answer(JSONObject)
        case ended(String)
        case timedOut
        case cancelled
    }

    /// Waits for the answer to `id` until `deadline` (monotonic seconds), waking every 50 ms
    /// to look at `cancellation`. The id is forgotten whatever happens.
    func wait(for id: Int64, until deadline: Double, cancellation: CallCancellation?) -> Outcome {
        pthread_mutex_lock(mutex)
        defer {
            waiting.remove(id)
            answers[id] = nil
            pthread_mutex_unlock(mutex)
        }
        while true {
            if let answer = answers[id] { return .answer(answer) }
            if let endReason { return .ended(endReason) }
            if cancellation?.isCancelled == true { return .cancelled }
            let remaining = deadline - MonotonicClock.now()
            if remaining <= 0 { return .timedOut }
            var wake = timespec()
            clock_gettime(CLOCK_REALTIME, &wake)
            let nanoseconds = Int(wake.tv_nsec) + Int(min(remaining, 0.05) * 1e9)
            wake.tv_sec += nanoseconds / 1_000_000_000
            wake.tv_nsec = nanoseconds % 1_000_000_000
            pthread_cond_timedwait(condition, mutex, &wake)
        }
    }
}
