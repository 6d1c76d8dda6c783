#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore

/// Follows streams through Redis outages, as `toolhost tail` does: reconnects every
/// `retrySeconds` and goes on from the last id seen, so nothing published meanwhile is missed
/// or shown twice.
///
/// ```swift
/// let tail = StreamTail(keys: ["th:events"], count: 10, connect: outbox.connectRedis, warn: Console.warn)
/// try tail.run { entry in Console.printJSON(entry.json) }
/// ```
public struct StreamTail {
    public var keys: [String]
    /// Begin with the oldest entries the streams keep (else with those published from now on).
    public var fromStart = false
    /// Stop after this many entries (nil: never).
    public var count: Int?
    /// Stop after this many seconds without a new entry, or throw when Redis stayed away as long.
    public var idleTimeout: Double?
    public var retrySeconds = 1.0
    /// A new connection to Redis, at the start and after each failure.
    public let connect: () throws(RedisError) -> RedisConnection
    /// Says once when Redis goes away, and once when it is back.
    public let warn: (String) -> Void

    public init(keys: [String], fromStart: Bool = false, count: Int? = nil, idleTimeout: Double? = nil,
                connect: @escaping () throws(RedisError) -> RedisConnection, warn: @escaping (String) -> Void) {
        self.keys = keys
        self.fromStart = fromStart
        self.count = count
        self.idleTimeout = idleTimeout
        self.connect = connect
        self.warn = warn
    }

    /// Hands each entry to `emit`, in stream order, until `count` entries or `idleTimeout`
    /// seconds without one; rethrows the last Redis failure once Redis stayed unavailable for
    /// `idleTimeout` (without one, it waits for Redis for ever).
    public func run(_ emit: (StreamFollower.Entry) -> Void) throws(RedisError) {
        var emitted = 0
        var follower: StreamFollower?
        var positions: [(key: String, lastID: String)]?  // kept across reconnects
        var inOutage = false
        var idleSince = MonotonicClock.now()
        func idleTooLong() -> Bool { idleTimeout.map { MonotonicClock.now() - idleSince >= $0 } ?? false }
        while count.map({ emitted < $0 }) ?? true {
            do throws(RedisError) {
                if follower == nil {
                    let redis = try connect()
                    follower = if let positions {
                        StreamFollower(redis: redis, resumingFrom: positions)
                    } else {
                        try StreamFollower(redis: redis, keys: keys, fromStart: fromStart)
                    }
                    positions = follower?.positions
                    if inOutage { warn("reconnected to Redis") }
                    inOutage = false
                }
                let wait = idleTimeout.map { max($0 - (MonotonicClock.now() - idleSince), 0.001) } ?? 0
                let entries = try follower?.next(blockSeconds: wait, count: count.map { min($0 - emitted, 100) } ?? 100) ?? []
                positions = follower?.positions
                for entry in entries { emit(entry) }
                emitted += entries.count
                if !entries.isEmpty {
                    idleSince = MonotonicClock.now()
                } else if idleTooLong() {
                    return
                }
            } catch {
                follower = nil
                if !inOutage { warn("\(error.description); retrying every \(Self.seconds(retrySeconds))") }
                inOutage = true
                if idleTooLong() { throw error }
                usleep(useconds_t(retrySeconds * 1_000_000))
            }
        }
    }

    /// "second" for 1, else "0.2 s".
    private static func seconds(_ value: Double) -> String { value == 1 ? "second" : "\(value) s" }
}
