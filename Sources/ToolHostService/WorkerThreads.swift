#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import ToolHostCore

/// A fixed set of threads that run submitted jobs in order of arrival, at most `count` at once.
///
/// Tool calls block (libpq round trips, child processes that run for seconds), so they get
/// threads of their own: Swift's cooperative pool and libdispatch's global queues size
/// themselves to the cores and would run only two plugins at a time on two cores, or starve
/// the async front ends' event loops.
public final class WorkerThreads: Sendable {
    public typealias Job = @Sendable () -> Void

    public let count: Int
    private let queue = Mutex<Queue>(Queue())
    private let available = DispatchSemaphore(value: 0)

    private struct Queue: ~Copyable {
        var jobs: [Job] = []
        var head = 0
        var running = 0
    }

    /// Starts `count` threads.
    public init(count: Int) {
        self.count = max(count, 1)
        for _ in 0..<self.count { Self.startThread { [self] in work() } }
    }

    /// Queues `job`; it runs as soon as a thread is free.
    public func submit(_ job: @escaping Job) {
        queue.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// Jobs queued and not yet started, plus those running.
    public var load: (queued: Int, running: Int) {
        queue.withLock { ($0.jobs.count - $0.head, $0.running) }
    }

    private func work() {
        while true {
            available.wait()
            let job: Job? = queue.withLock { queue in
                guard queue.head < queue.jobs.count else { return nil }
                let job = queue.jobs[queue.head]
                // Not kept until the array is compacted: a job's captures (a call's request, its
                // cancellation pipe) go as soon as it has run.
                queue.jobs[queue.head] = Self.done
                queue.head += 1
                if queue.head > 1024, queue.head * 2 > queue.jobs.count {
                    queue.jobs.removeFirst(queue.head)
                    queue.head = 0
                }
                queue.running += 1
                return job
            }
            guard let job else { continue }
            job()
            queue.withLock { $0.running -= 1 }
        }
    }

    /// What a taken job's slot holds until the array is compacted.
    private static let done: Job = {}

    /// A detached pthread running `body` (threads of a server live as long as the process);
    /// without one, the work runs on a dispatch thread rather than being lost.
    public static func startThread(_ body: @escaping @Sendable () -> Void) {
        if !DetachedThread.start(body) { DispatchQueue.global().async { body() } }
    }
}
