import Dispatch
import Synchronization
import ToolHostCore

/// Records calls off the calling thread, in batches: the calls that finish while one batch is
/// being written go into the next, in one transaction.
///
/// One process per call commits once per call; a server answering thousands of calls a
/// second would spend half its time committing recordings (measured: 145 µs of a 285 µs
/// `store_log` call on SQLite). Answers never wait for recording in either case. `flush()`
/// writes what is queued, for a server about to exit; at most `capacity` records wait, after
/// which callers wait for the writer (a slow store slows calls rather than piling up). A batch
/// the store refuses is stored row by row (`TrainingRecorder`); rows that still fail, or a
/// database that cannot be reached, cost a warning each batch, as in `toolhost run`.
public final class BatchingRecorder: InvocationRecorder {
    private let store: any InvocationRecorder
    private let warn: @Sendable (String) -> Void
    private let queue = Mutex<[InvocationRecord]>([])
    private let queued = DispatchSemaphore(value: 0)
    private let room: DispatchSemaphore
    private let pending = DispatchGroup()
    /// Largest batch written in one transaction.
    static let maxBatch = 500

    public init(store: any InvocationRecorder, capacity: Int = 10_000, warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.warn = warn
        room = DispatchSemaphore(value: capacity)
        WorkerThreads.startThread { [self] in writeForever() }
    }

    /// Queues `record`; problems are reported through `warn` when its batch is written.
    public func record(_ record: InvocationRecord) -> String? {
        room.wait()
        pending.enter()
        queue.withLock { $0.append(record) }
        queued.signal()
        return nil
    }

    /// Returns once every record queued so far is written.
    public func flush() {
        pending.wait()
    }

    private func writeForever() {
        while true {
            queued.wait()
            let batch = queue.withLock { queue in
                let batch = Array(queue.prefix(Self.maxBatch))
                queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { continue }
            // The semaphore counted each record: take the extra counts of this batch.
            for _ in 1..<batch.count { queued.wait() }
            if let warning = store.record(batch) { warn(warning) }
            for _ in batch {
                room.signal()
                pending.leave()
            }
        }
    }
}
