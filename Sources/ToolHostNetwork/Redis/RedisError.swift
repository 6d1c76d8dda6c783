import ToolHostCore

/// A failure talking to Redis.
public enum RedisError: Error, Sendable, CustomStringConvertible {
    /// Cannot connect, or the connection broke.
    case unavailable(String)
    /// Redis answered with an error reply.
    case server(String)
    /// The bytes were not RESP.
    case protocolError(String)

    public var description: String {
        switch self {
        case .unavailable(let message): message
        case .server(let message): "Redis: \(message)"
        case .protocolError(let message): "Redis protocol error: \(message)"
        }
    }
}

extension ErrorCode {
    /// The live stream (Redis) cannot be reached or refused a command.
    public static let streamUnavailable = ErrorCode("stream_unavailable")
}
