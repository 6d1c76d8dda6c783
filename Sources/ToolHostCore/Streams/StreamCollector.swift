import Synchronization

/// Takes a producer's stdout chunk by chunk (the supervisor's stdout observer): cuts it into
/// items, hands each to the caller and the publisher as it comes, keeps the first
/// `keptItems` for the answer, and says when the producer must stop (`maxItems` reached, a
/// line past the cap).
final class StreamCollector: Sendable {
    private struct State: ~Copyable {
        var lines: StreamLines
        var count = 0
        var kept: [JSONValue] = []
        var publisher: (any StreamItemPublisher)?
    }

    private let state: Mutex<State>
    private let maxItems: Int?
    private let keptItems: Int
    private let onItem: (@Sendable (JSONValue) -> Void)?
    private let warn: @Sendable (String) -> Void
    private let toolID: String

    init(lines: StreamLines, maxItems: Int?, keptItems: Int, publisher: (any StreamItemPublisher)?,
         onItem: (@Sendable (JSONValue) -> Void)?, warn: @escaping @Sendable (String) -> Void, toolID: String) {
        state = Mutex(State(lines: lines, publisher: publisher))
        self.maxItems = maxItems
        self.keptItems = keptItems
        self.onItem = onItem
        self.warn = warn
        self.toolID = toolID
    }

    /// For `ProcessRequest.stdoutObserver`: false once the producer must stop.
    func take(_ chunk: ArraySlice<UInt8>) -> Bool {
        let (items, overflowed) = state.withLock { state in (state.lines.feed(chunk), state.lines.overflowed) }
        for item in items where !deliver(item) { return false }
        return !overflowed
    }

    /// The producer's stdout ended: its last line, if it had no newline.
    func finish() {
        if let item = state.withLock({ $0.lines.finish() }) { _ = deliver(item) }
    }

    var count: Int { state.withLock { $0.count } }
    var items: [JSONValue] { state.withLock { $0.kept } }
    var overflowed: Bool { state.withLock { $0.lines.overflowed } }
    var reachedMax: Bool { maxItems.map { count >= $0 } ?? false }

    /// One item out, unless `maxItems` are out already; false once no more are wanted.
    private func deliver(_ item: JSONValue) -> Bool {
        let (accepted, publisher) = state.withLock { state -> (Bool, (any StreamItemPublisher)?) in
            guard maxItems.map({ state.count < $0 }) ?? true else { return (false, nil) }
            state.count += 1
            if state.kept.count < keptItems { state.kept.append(item) }
            return (true, state.publisher)
        }
        guard accepted else { return false }
        onItem?(item)
        if let publisher {
            do {
                try publisher.publish(item)
            } catch {
                // The items still reach the caller; the stream just stops being fed.
                warn("stream producer '\(toolID)': items are no longer published: \(error.message)")
                state.withLock { $0.publisher = nil }
            }
        }
        return !reachedMax
    }
}
