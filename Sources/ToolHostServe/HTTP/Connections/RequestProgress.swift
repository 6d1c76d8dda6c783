import NIOCore
import NIOHTTP1

/// Tells a connection's `ConnectionGuard` how its requests progress: a request's head and end
/// read, a response's head and end written. It sits just after NIO's HTTP/1.1 decoder, where
/// these are the parts of NIO's codec (the guard itself only sees bytes).
final class RequestProgress: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: ConnectionGuard

    init(_ connection: ConnectionGuard) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: connection.headReceived()
        case .body: break
        case .end: connection.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: connection.responseBegan()  // not 100 Continue
        case .end: connection.responseEnded()
        default: break
        }
        context.write(data, promise: promise)
    }
}
