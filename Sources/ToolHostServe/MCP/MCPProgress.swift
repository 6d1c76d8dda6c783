import MCP
import Synchronization
import ToolHostCore

/// A call's `notifications/progress`, for the `progressToken` the client put in the call's
/// `_meta`: each item of a stream tool (`observer`; the message is the item as JSON text),
/// what the call reports of itself (`reporter`: a store's batch, an export, a plugin's
/// progress lines), and a heartbeat every `heartbeatSeconds` in which nothing else was sent.
/// `ProgressTicker` makes the values.
///
/// The call runs on a worker thread, which only queues events; one task sends them in order
/// through `send` (the transport's own notification path). `finish` waits until every one is
/// sent, so that they all reach the client before the call's result.
final class MCPProgress: Sendable {
    private enum Event {
        case item(JSONValue)
        case report(CallProgress)
        case heartbeat(elapsedSeconds: Double)
    }

    private let continuation: AsyncStream<Event>.Continuation
    private let sender: Task<Void, Never>
    private let heartbeats: Task<Void, Never>?
    /// When a notification last went out.
    private let lastSent: SendTime
    /// Heard by the call's handler or plugin (throttled).
    let reporter: ProgressReporter

    /// `heartbeatSeconds` nil or 0: no heartbeats.
    init(token: ProgressToken, heartbeatSeconds: Double?, send: @escaping @Sendable (ProgressNotification.Parameters) async -> Void) {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let started = MonotonicClock.now()
        let lastSent = SendTime(started)
        self.continuation = continuation
        self.lastSent = lastSent
        reporter = ProgressReporter { [continuation] progress in continuation.yield(.report(progress)) }
        sender = Task { [lastSent] in
            var ticker = ProgressTicker()
            for await event in events {
                let note = switch event {
                case .item(let item): ticker.item(item)
                case .report(let progress): ticker.report(progress)
                case .heartbeat(let elapsed): ticker.heartbeat(elapsedSeconds: elapsed)
                }
                lastSent.mark()
                await send(ProgressNotification.Parameters(progressToken: token, progress: note.progress, total: note.total, message: note.message))
            }
        }
        heartbeats = heartbeatSeconds.flatMap { $0 > 0 ? $0 : nil }.map { interval in
            Task { [continuation, lastSent] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(interval))
                    let now = MonotonicClock.now()
                    if !Task.isCancelled, now - lastSent.seconds >= interval * 0.99 {
                        continuation.yield(.heartbeat(elapsedSeconds: now - started))
                    }
                }
            }
        }
    }

    /// A call that never ran (cancelled while a person was asked) ends the sender too.
    deinit {
        heartbeats?.cancel()
        continuation.finish()
    }

    /// For `CallRequest.itemObserver`.
    var observer: @Sendable (JSONValue) -> Void {
        { [continuation] item in continuation.yield(.item(item)) }
    }

    /// Stops the heartbeats and waits until every event queued is sent.
    func finish() async {
        heartbeats?.cancel()
        continuation.finish()
        await sender.value
    }
}

/// When the last notification of a call went out (monotonic seconds), shared by the task that
/// sends and the one that decides whether a heartbeat is due.
private final class SendTime: Sendable {
    private let time: Mutex<Double>

    init(_ start: Double) { time = Mutex(start) }

    var seconds: Double { time.withLock { $0 } }

    func mark() { time.withLock { $0 = MonotonicClock.now() } }
}
