import Synchronization

/// What a handler wants kept with the record of its call besides input and output: an `llm`
/// call's rendered prompt, system prompt, model, tokens and latency, which its answer does not
/// carry but fine-tuning wants. The invoker copies the notes into `InvocationRecord.notes`; the
/// training recorder stores them under the tool-execution row's `metadata`. Notes set before a
/// handler throws are kept too: a failed call is recorded with what it tried.
public final class CallNotes: Sendable {
    private let notes = Mutex<JSONObject>([:])

    public init() {}

    /// Sets `key` (a later value replaces an earlier one).
    public func set(_ key: String, _ value: JSONValue) {
        notes.withLock { $0[key] = value }
    }

    public var all: JSONObject { notes.withLock { $0 } }
}
