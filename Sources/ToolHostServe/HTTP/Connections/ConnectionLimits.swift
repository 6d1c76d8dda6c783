import NIOCore
import ToolHostCore

/// What an HTTP connection may take of the server: how many may be open at once, and how long
/// each may take over the parts of a request (`service.http.*` in the config).
///
/// Without them a client holds a connection for ever: by sending its headers a byte at a
/// time, by sending less body than its Content-Length, or by opening connections and sending
/// nothing (each one a descriptor and memory of the server's).
struct ConnectionLimits: Sendable {
    var maxConnections: Int
    /// For the request line and headers: from the connection's start, or from the first byte
    /// of a later request on a kept-alive connection.
    var header: TimeAmount
    /// For the body, from the end of the head.
    var body: TimeAmount
    /// Between a response's end and the first byte of the next request.
    var idle: TimeAmount
    /// For the client to take some of the bytes written to it, while any wait.
    var write: TimeAmount

    init(_ settings: ServiceSettings) {
        maxConnections = settings.maxConnections
        header = Self.amount(settings.headerTimeoutSeconds)
        body = Self.amount(settings.bodyTimeoutSeconds)
        idle = Self.amount(settings.idleTimeoutSeconds)
        write = Self.amount(settings.writeTimeoutSeconds)
    }

    private static func amount(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
