import MCP
import ToolHostCore

/// Sends a stream tool's items, as the call produces them, as `notifications/progress` for the
/// `progressToken` the client put in the call's `_meta`: `progress` counts the items, `message`
/// is the item as JSON text.
///
/// The call runs on a worker thread, which only queues the items (`observer`); one task sends
/// them in order. `finish` waits until every one is sent, so that they all reach the client
/// before the call's result.
final class MCPProgress: Sendable {
    private let continuation: AsyncStream<JSONValue>.Continuation
    private let sender: Task<Void, Never>

    init(token: ProgressToken, server: Server) {
        let (items, continuation) = AsyncStream<JSONValue>.makeStream()
        self.continuation = continuation
        sender = Task {
            var count = 0
            for await item in items {
                count += 1
                let parameters = ProgressNotification.Parameters(progressToken: token, progress: Double(count), message: JSONWriter.string(item))
                try? await server.notify(ProgressNotification.message(parameters))
            }
        }
    }

    /// A call that never ran (cancelled while a person was asked) ends the sender too.
    deinit { continuation.finish() }

    /// For `CallRequest.itemObserver`.
    var observer: @Sendable (JSONValue) -> Void {
        { [continuation] item in continuation.yield(item) }
    }

    /// Waits until every item queued is sent.
    func finish() async {
        continuation.finish()
        await sender.value
    }
}
