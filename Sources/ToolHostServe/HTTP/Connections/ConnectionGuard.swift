import NIOCore
import ToolHostCore

/// The first handler of every HTTP connection, on its raw bytes: it counts the connection
/// against `service.http.max_connections`, and closes it when the deadline of its
/// `RequestClock` passes. It sees the bytes written too, to close a connection whose client
/// stopped reading (`service.http.write_timeout_seconds`). Hummingbird 2.28's own idle timeout does not cover a connection in
/// the middle of a request (a head sent a byte at a time, a body shorter than its
/// Content-Length), which held connections for ever.
///
/// A connection over the limit, or a request that came too slowly, is answered (503, 408) with
/// bytes written here, below the HTTP codec, then closed gently: the output is shut (the client
/// reads the answer, then the end), what the client still sends is read and dropped for at
/// most `lingerTime`, and then the connection is closed. Closing at once, with unread bytes,
/// would send a reset that can destroy the answer before the client reads it.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long a closing connection waits for the client to read the answer and close.
    static let lingerTime = TimeAmount.seconds(2)

    private let limits: ConnectionLimits
    private let open: OpenConnections
    private var clock: RequestClock
    private var context: ChannelHandlerContext?
    private var counted = false
    /// Once closing, nothing read is passed on.
    private var closing = false
    private var timer: (task: Scheduled<Void>, at: NIODeadline)?

    init(limits: ConnectionLimits, open: OpenConnections) {
        self.limits = limits
        self.open = open
        clock = RequestClock(limits: limits, now: .now())
    }

    // MARK: Told by RequestProgress

    func headReceived() { update { $0.headReceived(now: .now()) } }
    func requestEnded() { update { $0.requestEnded() } }
    func responseBegan() { update { $0.responseBegan() } }
    func responseEnded() { update { $0.responseEnded(now: .now()) } }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { begin(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.task.cancel()
        timer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        begin(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.task.cancel()
        timer = nil
        if counted {
            counted = false
            open.closed()
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }  // dropped: the connection is closing
        update { $0.bytesArrived(now: .now()) }
        context.fireChannelRead(data)
    }

    /// Each write's promise tells when the socket took its bytes: until then the client has
    /// not read enough to make room, and the write deadline runs.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else { return context.write(data, promise: promise) }
        let taken = promise ?? context.eventLoop.makePromise(of: Void.self)
        update { $0.writeQueued(now: .now()) }
        taken.futureResult.assumeIsolated().whenComplete { [self] _ in update { $0.writeFinished(now: .now()) } }
        context.write(data, promise: taken)
    }

    // MARK: Counting, deadlines, closing

    private func begin(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        clock = RequestClock(limits: limits, now: .now())
        if open.opened() > limits.maxConnections {
            close(context, answering: ClosingResponse.tooManyConnections(limit: limits.maxConnections))
        } else {
            armTimer()
        }
    }

    private func update(_ change: (inout RequestClock) -> Void) {
        change(&clock)
        armTimer()
    }

    /// Makes sure a timer fires no later than the current deadline. A timer due earlier is
    /// kept (it checks again when it fires), so most changes cost nothing; with no deadline
    /// (an answer is being written), the next change sets one.
    private func armTimer() {
        guard !closing, let context, let deadline = clock.deadline else { return }
        if let timer, timer.at <= deadline.at { return }
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline.at) { [self] in
            timer = nil
            expireIfDue()
        }
        timer = (task, deadline.at)
    }

    private func expireIfDue() {
        guard !closing, let context, let deadline = clock.deadline else { return }
        guard NIODeadline.now() >= deadline.at else { return armTimer() }
        switch deadline.expiry {
        case .header(partial: true):
            close(context, answering: ClosingResponse.requestTimeout(
                "The request's head (request line and headers) did not arrive within \(Self.seconds(limits.header)) s (service.http.header_timeout_seconds); the connection is closed."))
        case .body(answerable: true):
            close(context, answering: ClosingResponse.requestTimeout(
                "The request's body did not arrive within \(Self.seconds(limits.body)) s of its head (service.http.body_timeout_seconds); the connection is closed."))
        case .header(partial: false), .body(answerable: false), .idle, .write:
            closing = true
            context.close(promise: nil)
        }
    }

    /// Writes `answer`, shuts the output once it is written, and closes the connection when
    /// the client has closed its end or after `lingerTime`.
    private func close(_ context: ChannelHandlerContext, answering answer: ByteBuffer) {
        closing = true
        timer?.task.cancel()
        timer = nil
        context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
        let shut = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: shut)  // after the pending write (NIO defers it)
        shut.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }
        context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingerTime) {
            context.close(promise: nil)
        }
    }

    private static func seconds(_ amount: TimeAmount) -> String {
        (Double(amount.nanoseconds) / 1e9).compactText
    }
}
