import ToolHostCore

/// The live stream of stored training rows (Redis Streams), fed through a database outbox.
public struct StreamingSettings: Sendable, Equatable {
    public enum Backend: String, Sendable, Equatable {
        case none, redis
    }

    public var backend = Backend.none
    public var url = "redis://127.0.0.1:6379/0"
    /// Stream keys are `<prefix>:<data_type>`.
    public var streamPrefix = "toolhost"
    /// Approximate length each stream is trimmed to (XADD MAXLEN ~).
    public var maxLength = 1_000_000
    public var connectTimeoutSeconds: Double = 0.5

    public init() {}

    public var isEnabled: Bool { backend != .none }
}

/// The training stream reads its own settings (`ConfigSection`): Core knows no Redis field.
extension StreamingSettings: ConfigSection {
    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        self.init()
        switch reader.string("streaming.backend", env: "TOOLHOST_STREAMING_BACKEND")?.lowercased() {
        case nil, "none", "": backend = .none
        case "redis": backend = .redis
        case let other?: reader.report("streaming.backend must be none or redis, not \(ConfigReader.shown(.string(other)))")
        }
        url = reader.string("streaming.url", env: "TOOLHOST_REDIS_URL") ?? url
        streamPrefix = reader.string("streaming.stream_prefix") ?? streamPrefix
        maxLength = reader.integer("streaming.maxlen", default: maxLength)
        connectTimeoutSeconds = reader.number("streaming.connect_timeout_seconds", default: connectTimeoutSeconds)
    }
}

extension HostConfig {
    /// The training stream's settings (`streaming:`), as loaded.
    public var streaming: StreamingSettings {
        get { self[section: StreamingSettings.self] }
        set { self[section: StreamingSettings.self] = newValue }
    }
}
