#if canImport(Glibc)
import Glibc
#endif

/// A minimal Redis client: RESP2 over TCP (or a unix socket), one command at a time, with
/// connect and reply timeouts. Just what the live stream needs: AUTH, SELECT, PING, XADD,
/// XREAD and XRANGE.
public final class RedisConnection: @unchecked Sendable {
    public struct Endpoint: Sendable, Equatable {
        public var host = "127.0.0.1"
        public var port = 6379
        /// A unix socket path instead of host and port.
        public var socketPath: String?
        public var database = 0
        /// An ACL user (Redis 6+); nil authenticates as `default`.
        public var user: String?
        public var password: String?

        /// Reads `redis://[:password@]host[:port][/db]` or `unix:///path/to.sock[?db=N]`.
        public init?(url: String) {
            if url.hasPrefix("unix://") {
                var rest = String(url.dropFirst("unix://".count))
                if let question = rest.firstIndex(of: "?") {
                    let query = rest[rest.index(after: question)...]
                    rest = String(rest[..<question])
                    for pair in query.split(separator: "&") where pair.hasPrefix("db=") {
                        database = Int(pair.dropFirst(3)) ?? 0
                    }
                }
                guard !rest.isEmpty else { return nil }
                socketPath = rest
                return
            }
            guard url.hasPrefix("redis://") else { return nil }
            var rest = Substring(url.dropFirst("redis://".count))
            if let at = rest.lastIndex(of: "@") {
                let credentials = rest[..<at]
                if let colon = credentials.firstIndex(of: ":") {
                    user = String(credentials[..<colon])
                    password = String(credentials[credentials.index(after: colon)...])
                } else {
                    password = String(credentials)  // redis://secret@host: a password alone
                }
                if user?.isEmpty == true { user = nil }
                if password?.isEmpty == true { password = nil }
                rest = rest[rest.index(after: at)...]
            }
            if let slash = rest.firstIndex(of: "/") {
                let number = rest[rest.index(after: slash)...]
                if !number.isEmpty {
                    guard let db = Int(number) else { return nil }
                    database = db
                }
                rest = rest[..<slash]
            }
            if let colon = rest.lastIndex(of: ":") {
                guard let value = Int(rest[rest.index(after: colon)...]) else { return nil }
                port = value
                rest = rest[..<colon]
            }
            if !rest.isEmpty { host = String(rest) }
        }

        public var displayName: String { socketPath ?? "\(host):\(port)" }
    }

    private let descriptor: Int32
    private var parser = RESPParser()
    public let endpoint: Endpoint

    /// Connects, authenticates and selects the database, within `timeoutSeconds`. A write
    /// that cannot proceed for `commandTimeoutSeconds` (a stalled server) fails rather than
    /// blocking.
    public init(endpoint: Endpoint, timeoutSeconds: Double = 1, commandTimeoutSeconds: Double = 5) throws(RedisError) {
        self.endpoint = endpoint
        descriptor = try Self.connect(endpoint, timeoutSeconds: timeoutSeconds)
        var sendTimeout = timeval(tv_sec: Int(commandTimeoutSeconds), tv_usec: Int((commandTimeoutSeconds.truncatingRemainder(dividingBy: 1)) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        do {
            if let password = endpoint.password {
                _ = try command(endpoint.user.map { ["AUTH", $0, password] } ?? ["AUTH", password], timeoutSeconds: timeoutSeconds)
            }
            if endpoint.database != 0 { _ = try command(["SELECT", String(endpoint.database)], timeoutSeconds: timeoutSeconds) }
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends one command and waits for its reply; an error reply throws `.server`.
    @discardableResult
    public func command(_ arguments: [String], timeoutSeconds: Double = 5) throws(RedisError) -> RESPValue {
        try command(arguments.map { Array($0.utf8) }, timeoutSeconds: timeoutSeconds)
    }

    @discardableResult
    public func command(_ arguments: [[UInt8]], timeoutSeconds: Double = 5) throws(RedisError) -> RESPValue {
        try send(RESPParser.encode(arguments))
        let reply = try readReply(timeoutSeconds: timeoutSeconds)
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    private func send(_ bytes: [UInt8]) throws(RedisError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .unavailable("Redis at \(endpoint.displayName) is not accepting data (stalled?)") }
                throw .unavailable("Redis at \(endpoint.displayName): write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// A timeout of 0 or less waits for ever (XREAD BLOCK 0).
    private func readReply(timeoutSeconds: Double) throws(RedisError) -> RESPValue {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let reply = try parser.next() { return reply }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, timeoutSeconds > 0 ? Int32(timeoutSeconds * 1000) : -1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { throw .unavailable("Redis at \(endpoint.displayName) did not answer within \(timeoutSeconds) s") }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw .unavailable("Redis at \(endpoint.displayName) closed the connection") }
            parser.append(chunk[0..<count])
        }
    }

    private static func connect(_ endpoint: Endpoint, timeoutSeconds: Double) throws(RedisError) -> Int32 {
        let target = endpoint.displayName
        if let path = endpoint.socketPath {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .unavailable("Cannot open a socket for Redis at \(target)") }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
                close(fd)
                throw .unavailable("The Redis socket path \(path) is too long")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in bytes.enumerated() { buffer[index] = byte }
            }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard result == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw .unavailable("Cannot connect to Redis at \(target): \(reason)")
            }
            return fd
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(endpoint.host, String(endpoint.port), &hints, &results) == 0, let first = results else {
            throw .unavailable("Cannot resolve the Redis host \(endpoint.host)")
        }
        defer { freeaddrinfo(results) }
        var lastError = "no address"
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
                if poll(&poller, 1, Int32(max(timeoutSeconds, 0.001) * 1000)) == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    result = error == 0 ? 0 : -1
                    errno = error
                } else {
                    errno = ETIMEDOUT
                }
            }
            if result == 0 {
                _ = fcntl(fd, F_SETFL, flags)
                var noDelay: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastError = String(cString: strerror(errno))
            close(fd)
        }
        throw .unavailable("Cannot connect to Redis at \(target): \(lastError)")
    }
}
