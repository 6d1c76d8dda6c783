import Synchronization

/// Work a handler wants done once its answer has been delivered — publishing stored rows to a
/// live stream, say — so that the caller is not kept waiting for it. The invoker runs the
/// actions in order right after handing over the result; each may return a warning.
public final class AfterAnswer: Sendable {
    public typealias Action = @Sendable () -> String?

    private let actions = Mutex<[Action]>([])

    public init() {}

    public func add(_ action: @escaping Action) {
        actions.withLock { $0.append(action) }
    }

    /// Runs and forgets the queued actions; returns their warnings.
    public func run() -> [String] {
        let queued = actions.withLock { actions in
            defer { actions.removeAll() }
            return actions
        }
        return queued.compactMap { $0() }
    }
}
