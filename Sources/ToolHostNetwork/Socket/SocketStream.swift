#if canImport(Glibc)
import Glibc
#endif

/// A connected stream socket (TCP or a unix socket) with the timeouts a client of a local
/// service needs: connecting, writing to a stalled peer and waiting for a reply all fail
/// within a bound instead of blocking. Shared by the Redis and HTTP clients, which differ
/// only in what they put on the wire.
public final class SocketStream {
    /// Why a socket operation failed, as one sentence naming the peer.
    public struct Failure: Error, Sendable {
        public let message: String
        /// True when the peer did not answer in time (rather than refusing or closing).
        public let timedOut: Bool
    }

    /// Where to connect: a host and port, or a unix socket path.
    public enum Address: Sendable, Equatable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case unix(path: String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unix(let path): path
            }
        }
    }

    public let address: Address
    private let descriptor: Int32

    /// Connects within `timeoutSeconds`; writes that cannot proceed for `sendTimeoutSeconds`
    /// (a peer that stopped reading) fail.
    public init(_ address: Address, timeoutSeconds: Double, sendTimeoutSeconds: Double = 5) throws(Failure) {
        self.address = address
        switch address {
        case .unix(let path): descriptor = try Self.connectUnix(path)
        case .tcp(let host, let port): descriptor = try Self.connectTCP(host: host, port: port, timeoutSeconds: timeoutSeconds)
        }
        Self.setSendTimeout(descriptor, seconds: sendTimeoutSeconds)
    }

    private static func setSendTimeout(_ descriptor: Int32, seconds: Double) {
        var sendTimeout = timeval(tv_sec: Int(seconds), tv_usec: Int(seconds.truncatingRemainder(dividingBy: 1) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A connection a listening socket accepted (`descriptor` now belongs to this stream).
    public init(accepted descriptor: Int32, from address: Address, sendTimeoutSeconds: Double = 5) {
        self.address = address
        self.descriptor = descriptor
        Self.setSendTimeout(descriptor, seconds: sendTimeoutSeconds)
    }

    deinit {
        close(descriptor)
    }

    /// Writes all of `bytes`.
    public func send(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    throw Failure(message: "\(address) is not accepting data (stalled?)", timedOut: true)
                }
                throw Failure(message: "\(address): write failed: \(Self.reason())", timedOut: false)
            }
            offset += written
        }
    }

    /// Reads what is available, waiting at most `timeoutSeconds` (0 or less: for ever) for the
    /// first byte, or until `wake` (a caller's cancellation descriptor) becomes readable.
    /// Returns an empty array when the peer closed the connection.
    public func receive(into chunk: inout [UInt8], timeoutSeconds: Double, wake: Int32? = nil) throws(Failure) -> ArraySlice<UInt8> {
        while true {
            var pollers = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            if let wake { pollers.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
            let milliseconds = timeoutSeconds > 0 ? Int32(min(timeoutSeconds * 1000, Double(Int32.max)).rounded(.up)) : -1
            let ready = poll(&pollers, nfds_t(pollers.count), milliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else {
                throw Failure(message: "\(address) did not answer within \(timeoutSeconds) s", timedOut: true)
            }
            if pollers.count > 1, pollers[1].revents != 0 {
                throw Failure(message: "the wait for \(address) was cancelled", timedOut: false)
            }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "\(address): read failed: \(Self.reason())", timedOut: false)
            }
            return chunk[0..<count]
        }
    }

    /// Says this side will send no more (the peer reads end of file), and goes on reading.
    public func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Blocks until the peer closes its end (true) or `wake` becomes readable (false). Bytes
    /// the peer sends meanwhile are read and dropped: this is for a peer that has said all it
    /// will say and now only waits (a handed-off `toolhost run`).
    public func waitForHangUp(orWake wake: Int32) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            var pollers = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&pollers, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return false
            }
            if pollers[1].revents != 0 { return false }
            let events = Int32(pollers[0].revents)
            if events & (Int32(POLLHUP) | Int32(POLLERR)) != 0 { return true }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 { return true }
            if count < 0, errno != EINTR, errno != EAGAIN { return true }
        }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }

    private static func connectUnix(_ path: String) throws(Failure) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "Cannot open a socket for \(path): \(reason())", timedOut: false) }
        guard let address = UnixSocketAddress(path: path) else {
            close(fd)
            throw Failure(message: "The socket path \(path) is too long", timedOut: false)
        }
        let result = address.withSocketAddress { Glibc.connect(fd, $0, $1) }
        guard result == 0 else {
            let failure = Failure(message: "Cannot connect to \(path): \(reason())", timedOut: false)
            close(fd)
            throw failure
        }
        return fd
    }

    private static func connectTCP(host: String, port: Int, timeoutSeconds: Double) throws(Failure) -> Int32 {
        let target = Address.tcp(host: host, port: port)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw Failure(message: "Cannot resolve the host \(host)", timedOut: false)
        }
        defer { freeaddrinfo(results) }
        var lastError = "no address"
        var timedOut = false
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            // Non-blocking connect, so an unreachable host fails within the timeout.
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var result = Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            if result != 0, errno == EINPROGRESS {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&poller, 1, Int32(min(max(timeoutSeconds, 0.001), 86_400) * 1000)) == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    result = error == 0 ? 0 : -1
                    errno = error
                } else {
                    errno = ETIMEDOUT
                    timedOut = true
                }
            }
            if result == 0 {
                _ = fcntl(fd, F_SETFL, flags)
                var noDelay: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastError = reason()
            close(fd)
        }
        throw Failure(message: "Cannot connect to \(target): \(lastError)", timedOut: timedOut)
    }
}
