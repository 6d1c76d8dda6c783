import NIOCore

/// Where one HTTP connection is in its requests, and so which deadline applies to it now:
/// the head's (`header`), the body's, the wait for the next request (`idle`), the client's
/// reading of bytes written to it (`write`), or none while the server is working on an answer
/// (a tool call runs as long as its own timeout allows).
///
/// A pure state machine, fed by `ConnectionGuard` (bytes arrived, bytes written and taken by
/// the socket) and `RequestProgress` (a request's head and end read, a response's head and end
/// written).
struct RequestClock {
    /// What happens when the deadline passes.
    enum Expiry: Equatable {
        /// The head did not arrive in time; `partial` when some of it did (it can be answered
        /// 408), not when the connection sent nothing at all (it is closed without a word).
        case header(partial: Bool)
        /// The body did not arrive in time; `answerable` when no answer has begun on the
        /// connection, so that a 408 can still be written.
        case body(answerable: Bool)
        /// A kept-alive connection stayed unused: closed without a word.
        case idle
        /// Bytes written to the client waited too long for it to read any: closed, since no
        /// answer can reach a client that does not read.
        case write
    }

    let limits: ConnectionLimits
    /// Between a request's head and its end.
    private var inBody = false
    private var bodySince = NIODeadline.uptimeNanoseconds(0)
    /// Requests whose head arrived and whose response has not ended.
    private var unanswered = 0
    private var responseBegun = false
    /// Since when the connection waits for a request with nothing unanswered.
    private var waitingSince: NIODeadline
    /// Since when the next request's head is due: the connection's start, or the first byte
    /// of the next request once the previous one has been answered.
    private var headSince: NIODeadline?
    /// Bytes arrived that are not yet a whole head.
    private var partialHead = false
    /// Writes handed to the socket and not yet taken by it.
    private var pendingWrites = 0
    /// Since when the oldest of them has waited with no progress.
    private var writeStalledSince = NIODeadline.uptimeNanoseconds(0)

    /// A new connection: its first request's head is due from now.
    init(limits: ConnectionLimits, now: NIODeadline) {
        self.limits = limits
        waitingSince = now
        headSince = now
    }

    /// Bytes of a request read from the socket. (Bytes of the next request that arrive in the
    /// same read as the end of a body are not told apart: that head gets the idle deadline.)
    mutating func bytesArrived(now: NIODeadline) {
        guard !inBody else { return }
        partialHead = true
        if unanswered == 0, headSince == nil { headSince = now }
    }

    mutating func headReceived(now: NIODeadline) {
        inBody = true
        bodySince = now
        unanswered += 1
        partialHead = false
        headSince = nil
    }

    mutating func requestEnded() {
        inBody = false
    }

    mutating func responseBegan() {
        responseBegun = true
    }

    mutating func responseEnded(now: NIODeadline) {
        responseBegun = false
        unanswered = max(unanswered - 1, 0)
        guard unanswered == 0 else { return }
        waitingSince = now
        headSince = partialHead ? now : nil
    }

    /// Bytes handed to the socket: the write deadline runs from now if nothing else waited.
    mutating func writeQueued(now: NIODeadline) {
        if pendingWrites == 0 { writeStalledSince = now }
        pendingWrites += 1
    }

    /// A write was taken by the socket (or failed): progress, so the write deadline restarts.
    mutating func writeFinished(now: NIODeadline) {
        pendingWrites = max(pendingWrites - 1, 0)
        writeStalledSince = now
    }

    /// The deadline that applies now; nil while the server is working on an answer.
    var deadline: (at: NIODeadline, expiry: Expiry)? {
        // First: an unread answer blocks everything else on the connection.
        if pendingWrites > 0 { return (writeStalledSince + limits.write, .write) }
        if inBody { return (bodySince + limits.body, .body(answerable: unanswered == 1 && !responseBegun)) }
        if unanswered > 0 { return nil }
        if let headSince { return (headSince + limits.header, .header(partial: partialHead)) }
        return (waitingSince + limits.idle, .idle)
    }
}
