import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 child channel with ToolHost's connection limits in its pipeline: a
/// `ConnectionGuard` first, on the raw bytes, and its `RequestProgress` just after the HTTP
/// decoder. Hummingbird's `additionalChannelHandlers` come after its own codec, too late to see
/// a connection that has not finished sending a head.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http: HTTP1Channel
    let limits: ConnectionLimits
    let open: OpenConnections

    /// The server for `Application(server:)`.
    static func server(limits: ConnectionLimits) -> HTTPServerBuilder {
        let open = OpenConnections()
        return HTTPServerBuilder { responder in
            // Hummingbird's idle timeout stays off: the guard's deadlines cover it.
            GuardedHTTP1Channel(http: HTTP1Channel(responder: responder, configuration: .init()), limits: limits, open: open)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connection = ConnectionGuard(limits: limits, open: open)
        do {
            try channel.pipeline.syncOperations.addHandler(connection, position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(RequestProgress(connection), position: .after(decoder))
            return value
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}
