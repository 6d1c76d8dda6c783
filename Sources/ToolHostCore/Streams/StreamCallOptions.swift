/// What the caller of a stream tool adds to its call: who sees each item as it comes, and
/// bounds tighter than the tool's own.
///
/// `toolhost run` prints each item (`onItem`) and may run a stream until it ends or Ctrl-C
/// (`mayRunUnbounded`); the servers answer once, so they need a bound; MCP sends each item as a
/// progress notification; a consumer reading a producer passes its own `maxItems` and
/// `durationSeconds` down.
public struct StreamCallOptions: Sendable {
    /// Called with each item (a producer's) or each item's outcome (a consumer's), in order,
    /// on the calling thread, as soon as it exists.
    public var onItem: (@Sendable (JSONValue) -> Void)?
    /// Whether a stream may run with neither `max_items` nor a duration (until it ends, or the
    /// caller cancels): only a caller that shows the items as they come and can stop it.
    public var mayRunUnbounded = false
    /// At most this many items, whatever the tool or the input say.
    public var maxItems: Int?
    /// At most this long (seconds), whatever the tool or the input say.
    public var durationSeconds: Double?

    public init(onItem: (@Sendable (JSONValue) -> Void)? = nil, mayRunUnbounded: Bool = false,
                maxItems: Int? = nil, durationSeconds: Double? = nil) {
        self.onItem = onItem
        self.mayRunUnbounded = mayRunUnbounded
        self.maxItems = maxItems
        self.durationSeconds = durationSeconds
    }
}
