import Testing
import ToolHostCore
import ToolHostTestSupport
@testable import ToolHostNetwork

/// `toolhost tail`'s loop against a private redis-server: it stops where asked, and bridges a
/// broken connection without losing or repeating an entry.
@Suite("following streams through outages")
struct StreamTailTests {
    /// Warnings, in order.
    final class Warnings {
        var lines: [String] = []
    }

    private func add(_ id: String, to redis: RedisConnection) throws {
        try redis.command(["XADD", "t:events", id, "row_id", "1", "data_type", "events", "row", "{}"])
    }

    @Test func fromStartItStopsAfterCountEntries() throws {
        let redis = try TestRedis()
        let writer = try redis.connect()
        for id in ["1-0", "2-0", "3-0"] { try add(id, to: writer) }
        let tail = StreamTail(keys: ["t:events"], fromStart: true, count: 2, connect: { () throws(RedisError) in try Self.connect(redis) }, warn: { _ in })
        var ids: [String] = []
        try tail.run { ids.append($0.id) }
        #expect(ids == ["1-0", "2-0"])
    }

    @Test func aBrokenConnectionIsBridgedWithoutLosingOrRepeatingAnEntry() throws {
        let redis = try TestRedis()
        let writer = try redis.connect()
        for id in ["1-0", "2-0"] { try add(id, to: writer) }
        let warnings = Warnings()
        var tail = StreamTail(keys: ["t:events"], fromStart: true, count: 3, connect: { () throws(RedisError) in try Self.connect(redis) },
                              warn: { warnings.lines.append($0) })
        tail.retrySeconds = 0.05
        var ids: [String] = []
        try tail.run { entry in
            ids.append(entry.id)
            guard entry.id == "2-0" else { return }
            // Published while the follower's connection is cut under it.
            try? add("3-0", to: writer)
            _ = try? writer.command(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"])
        }
        #expect(ids == ["1-0", "2-0", "3-0"])
        #expect(warnings.lines.count == 2)
        #expect(warnings.lines.last == "reconnected to Redis")
    }

    @Test func withAnIdleTimeoutItGivesUpOnARedisThatStaysAway() throws {
        let warnings = Warnings()
        var tail = StreamTail(keys: ["t:events"], idleTimeout: 0.2, connect: { () throws(RedisError) in throw .unavailable("no Redis here") },
                              warn: { warnings.lines.append($0) })
        tail.retrySeconds = 0.05
        let started = MonotonicClock.now()
        #expect(throws: RedisError.self) { try tail.run { _ in } }
        let elapsed = MonotonicClock.now() - started
        #expect(elapsed < 2)
        #expect(warnings.lines == ["no Redis here; retrying every 0.05 s"])
    }

    private static func connect(_ redis: TestRedis) throws(RedisError) -> RedisConnection {
        do {
            return try redis.connect()
        } catch let error as RedisError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }
}
