import Foundation
import ToolHostCore
import ToolHostNetwork

/// A private `redis-server` for one test: unix socket only, no persistence, stopped when the
/// value is released. `stop()` and `start()` take it down and bring it back on the same
/// socket, to test what happens while Redis is away. Without the `redis-server` binary
/// (Debian package redis-server, which scripts/test.sh installs) the test fails; it never skips.
public final class TestRedis: @unchecked Sendable {
    public let directory = TemporaryDirectory()
    private var process: Process?

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public var socketPath: String { directory.url("redis.sock") }
    /// The server's pid (to SIGSTOP it, say); 0 while stopped.
    public var processIdentifier: Int32 { process?.processIdentifier ?? 0 }
    public var url: String { "unix://\(socketPath)" }

    public init() throws {
        try start()
    }

    deinit { stop() }

    /// The server binary: TOOLHOST_TEST_REDIS_SERVER, else redis-server on PATH.
    static var serverBinary: String? {
        if let path = ProcessInfo.processInfo.environment["TOOLHOST_TEST_REDIS_SERVER"], !path.isEmpty { return path }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin", "/usr/sbin"]
        return directories.map { "\($0)/redis-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public func start() throws {
        guard process == nil else { return }
        guard let binary = Self.serverBinary else {
            throw Unavailable(description: "redis-server is not installed: run the tests with scripts/test.sh, which installs it")
        }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
                            "--dir", directory.path, "--logfile", directory.url("redis.log")]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        process = server
        // Ready when it answers PING.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let endpoint = RedisConnection.Endpoint(url: url), let redis = try? RedisConnection(endpoint: endpoint),
               (try? redis.command(["PING"]))?.text == "PONG" {
                return
            }
            usleep(10_000)
        }
        stop()
        throw Unavailable(description: "redis-server did not start within 10 s: \(directory.read("redis.log") ?? "no log")")
    }

    /// Stops the server (its data goes with it: it persists nothing). SIGKILL, because a child
    /// started from a test thread inherits that thread's blocked signals, SIGTERM included.
    public func stop() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// A new client connection.
    public func connect() throws -> RedisConnection {
        guard let endpoint = RedisConnection.Endpoint(url: url) else { throw Unavailable(description: "bad URL \(url)") }
        return try RedisConnection(endpoint: endpoint)
    }

    /// Every entry of a stream, oldest first: (id, fields).
    public func entries(_ key: String) throws -> [(id: String, fields: [String: String])] {
        let reply = try connect().command(["XRANGE", key, "-", "+"])
        return (reply.elements ?? []).compactMap { item in
            guard let pair = item.elements, pair.count == 2, let id = pair[0].text else { return nil }
            let flat = pair[1].elements?.map { $0.text ?? "" } ?? []
            var fields: [String: String] = [:]
            for index in stride(from: 0, to: flat.count - 1, by: 2) { fields[flat[index]] = flat[index + 1] }
            return (id, fields)
        }
    }
}
