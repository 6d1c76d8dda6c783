/// Where stream items go and come from outside the process: Redis Streams, which Core cannot
/// reach (it has no network client). ToolHostNetwork's `RedisItemStreams` implements it and
/// `BuiltinHandlers.registry` sets it on the `HandlerRegistry`, so every front end has it.
public protocol StreamBroker: Sendable {
    /// A publisher for the items of producer `toolID` (`<prefix>:stream:<tool id>`), or nil when
    /// the host publishes no stream (`streaming.backend: none`). Throws when streaming is on but
    /// Redis cannot be reached: the caller warns and runs on without publishing.
    func publisher(toolID: String, config: HostConfig) throws(ToolHostError) -> (any StreamItemPublisher)?

    /// Reads the stream `key` from `position` on (at `streaming.url`, even with publishing off).
    func subscribe(key: String, from position: StreamPosition, config: HostConfig) throws(ToolHostError) -> any StreamItemSubscription

    /// The stream key a producer publishes to: `<streaming.stream_prefix>:stream:<tool id>`.
    func key(forProducer toolID: String, config: HostConfig) -> String
}

/// Publishes one producer run's items, in order, over one connection.
public protocol StreamItemPublisher: AnyObject, Sendable {
    func publish(_ item: JSONValue) throws(ToolHostError)
}

/// Reads a stream's new entries, remembering where it is.
public protocol StreamItemSubscription: AnyObject, Sendable {
    /// The items that arrived, waiting up to `waitSeconds` for the first; empty when none came.
    func next(waitSeconds: Double) throws(ToolHostError) -> [JSONValue]
}

/// Where a consumer starts reading a Redis stream: only what is published from now on (`$`),
/// or everything the stream still holds (`0`).
public enum StreamPosition: String, Sendable {
    case newOnly = "$"
    case beginning = "0"
}
