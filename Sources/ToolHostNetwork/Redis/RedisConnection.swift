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

    private let socket: SocketStream
    private var parser = RESPParser()
    public let endpoint: Endpoint

    /// Connects, authenticates and selects the database, within `timeoutSeconds`. A write
    /// that cannot proceed for `commandTimeoutSeconds` (a stalled server) fails rather than
    /// blocking.
    public init(endpoint: Endpoint, timeoutSeconds: Double = 1, commandTimeoutSeconds: Double = 5) throws(RedisError) {
        self.endpoint = endpoint
        let address: SocketStream.Address = endpoint.socketPath.map { .unix(path: $0) } ?? .tcp(host: endpoint.host, port: endpoint.port)
        do {
            socket = try SocketStream(address, timeoutSeconds: timeoutSeconds, sendTimeoutSeconds: commandTimeoutSeconds)
        } catch {
            throw .unavailable("Cannot reach Redis: \(error.message)")
        }
        if let password = endpoint.password {
            _ = try command(endpoint.user.map { ["AUTH", $0, password] } ?? ["AUTH", password], timeoutSeconds: timeoutSeconds)
        }
        if endpoint.database != 0 { _ = try command(["SELECT", String(endpoint.database)], timeoutSeconds: timeoutSeconds) }
    }

    /// Sends one command and waits for its reply; an error reply throws `.server`.
    @discardableResult
    public func command(_ arguments: [String], timeoutSeconds: Double = 5) throws(RedisError) -> RESPValue {
        try command(arguments.map { Array($0.utf8) }, timeoutSeconds: timeoutSeconds)
    }

    @discardableResult
    public func command(_ arguments: [[UInt8]], timeoutSeconds: Double = 5) throws(RedisError) -> RESPValue {
        do {
            try socket.send(RESPParser.encode(arguments))
        } catch {
            throw .unavailable("Redis at \(error.message)")
        }
        let reply = try readReply(timeoutSeconds: timeoutSeconds)
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// A timeout of 0 or less waits for ever (XREAD BLOCK 0).
    private func readReply(timeoutSeconds: Double) throws(RedisError) -> RESPValue {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let reply = try parser.next() { return reply }
            let received: ArraySlice<UInt8>
            do {
                received = try socket.receive(into: &chunk, timeoutSeconds: timeoutSeconds)
            } catch {
                throw .unavailable("Redis at \(error.message)")
            }
            guard !received.isEmpty else { throw .unavailable("Redis at \(endpoint.displayName) closed the connection") }
            parser.append(received)
        }
    }
}
