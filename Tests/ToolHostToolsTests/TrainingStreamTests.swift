import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore
import ToolHostNetwork
@testable import ToolHostStorage
@testable import ToolHostTools

/// The live stream against a real `redis-server` (started per test), on both databases.
@Suite("training rows streamed to Redis through the outbox")
struct TrainingStreamTests {
    private func harness(_ engine: Engine, redis: TestRedis) throws -> HandlerHarness {
        try HandlerHarness(engine) { config in
            config.streaming.backend = .redis
            config.streaming.url = redis.url
            config.streaming.streamPrefix = "th"
        }
    }

    private func table(_ name: TableName, _ harness: HandlerHarness) -> String {
        SQLStatementBuilder(dialect: harness.database.engine == .postgres ? .postgres : .sqlite).table(name)
    }

    private func outboxCount(_ harness: HandlerHarness) throws -> Int {
        try harness.sql("SELECT count(*) AS n FROM toolhost_outbox").first?["n"]?.integerValue ?? -1
    }

    @Test(arguments: Engine.allCases)
    func storedRowsArePublishedInTheOrderTheyWereStored(engine: Engine) throws {
        let redis = try TestRedis()
        let harness = try harness(engine, redis: redis)
        try harness.succeed("training_data_store", ["operation": "store_agent_events", "events": [
            ["event_type": "first", "payload": ["n": 1]], ["event_type": "second"], ["event_type": "third"]]])
        let eventIDs = try harness.sql("SELECT id FROM \(table(TrainingSchema.events, harness)) ORDER BY id").map { $0["id"]?.description }
        try harness.succeed("training_data_store", ["operation": "store_agent_task", "task_id": "t", "status": "running", "agent_id": "a"])

        let published = try redis.entries("th:events")
        #expect(published.map { $0.fields["row"].flatMap { try? JSONParser.parse($0) }?["event_type"] } == ["first", "second", "third", "task_status"])
        #expect(Array(published.prefix(3)).map { $0.fields["row_id"] } == eventIDs)
        #expect(published.allSatisfy { $0.fields["data_type"] == "events" })
        let task = try #require(try redis.entries("th:tasks").first)
        #expect(task.fields["row"].flatMap { try? JSONParser.parse($0) }?["status"] == "running")
        // Stream ids follow the order of storage across streams: the task row came before its history event.
        let eventID = try #require(published.last?.id.split(separator: "-").first.flatMap { Int($0) })
        let taskID = try #require(task.id.split(separator: "-").first.flatMap { Int($0) })
        #expect(taskID < eventID)
        #expect(try outboxCount(harness) == 0)
    }

    @Test(arguments: Engine.allCases)
    func rowsStoredWhileRedisIsDownArriveOnceEachInOrderWhenItIsBack(engine: Engine) throws {
        let redis = try TestRedis()
        let harness = try harness(engine, redis: redis)
        try harness.succeed("training_data_store", ["operation": "store_agent_event", "event_type": "before", "payload": ["n": 0]])
        redis.stop()
        for batch in 0..<3 {
            try harness.succeed("training_data_store", ["operation": "store_agent_events", "events": .array((0..<4).map { index in
                ["event_type": "while_down", "payload": ["n": .int(1 + batch * 4 + index)]]
            })])
        }
        let stored = try harness.sql("SELECT id FROM \(table(TrainingSchema.events, harness)) WHERE event_type = 'while_down' ORDER BY id")
            .compactMap { $0["id"]?.integerValue }
        #expect(stored.count == 12)
        #expect(try outboxCount(harness) == 12)  // kept, not lost

        try redis.start()  // back, and empty: it persists nothing, so the earlier row is gone from it
        try harness.succeed("training_data_store", ["operation": "store_agent_event", "event_type": "after", "payload": ["n": 13]])
        let entries = try redis.entries("th:events")
        let numbers = entries.compactMap { $0.fields["row"].flatMap { try? JSONParser.parse($0) }?["payload"]?["n"]?.integerValue }
        #expect(numbers == Array(1...13))
        let rowIDs = entries.compactMap { $0.fields["row_id"].flatMap { Int($0) } }
        #expect(Set(rowIDs).count == rowIDs.count)  // each row once
        #expect(Array(rowIDs.prefix(12)) == stored)
        #expect(try outboxCount(harness) == 0)
    }

    @Test(arguments: Engine.allCases)
    func aDrainRepeatedAfterACrashAddsNoDuplicate(engine: Engine) throws {
        let redis = try TestRedis()
        let harness = try harness(engine, redis: redis)
        try harness.succeed("training_data_store", ["operation": "store_agent_event", "event_type": "once"])
        let entry = try #require(try redis.entries("th:events").first)
        let outboxID = try #require(entry.id.split(separator: "-").first.map(String.init))
        // As if the process died after XADD but before deleting its outbox entry.
        let connection = try harness.connection()
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let values = [builder.bind(.integer(Int64(outboxID) ?? 0)), builder.bind(.text("events")),
                      builder.bind(.integer(Int64(entry.fields["row_id"] ?? "") ?? 0)), builder.bind(.json(try JSONParser.parse(entry.fields["row"] ?? "{}"))),
                      builder.bind(builder.timestampValue(Timestamp.now()))]
        try connection.run("INSERT INTO toolhost_outbox (id, data_type, row_id, payload, created_at) VALUES (\(values.joined(separator: ", ")))", builder.values)

        let report = StreamOutbox(settings: harness.invoker.config.streaming).drain(on: connection)
        #expect(report.problem == nil)
        #expect(report.published == 1)
        #expect(try redis.entries("th:events").count == 1)
        #expect(try outboxCount(harness) == 0)
    }

    @Test(arguments: Engine.allCases)
    func aStreamAheadOfTheDatabaseStopsPublishingInsteadOfDroppingRows(engine: Engine) throws {
        let redis = try TestRedis()
        let harness = try harness(engine, redis: redis)
        // The stream already has entries from another (e.g. recreated) database.
        try redis.connect().command(["XADD", "th:events", "1000-0", "row_id", "1", "data_type", "events", "row", "{}"])
        try harness.succeed("training_data_store", ["operation": "store_agent_event", "event_type": "new"])
        #expect(try outboxCount(harness) == 1)
        let report = StreamOutbox(settings: harness.invoker.config.streaming).drain(on: try harness.connection())
        #expect(report.problem?.contains("stream_prefix") == true)
        #expect(report.pending == 1)
    }

    /// Outbox ids are drawn at insert but become visible at commit. A writer whose id is lower
    /// but who commits later must not be passed over by a drain in between: writers commit in
    /// id order (one writer at a time on SQLite, an advisory lock on PostgreSQL).
    @Test(arguments: Engine.allCases)
    func aSlowWriterWithALowerIdIsNeitherLostNorBlocking(engine: Engine) throws {
        let redis = try TestRedis()
        let harness = try harness(engine, redis: redis)
        try harness.succeed("training_data_store", ["operation": "stats"])  // schema in place
        let slow = try harness.connection()
        try slow.begin()
        try StreamOutbox(settings: harness.invoker.config.streaming).enqueue([(["id": 999, "event_type": "slow"], .events)], on: slow)

        let finished = DispatchSemaphore(value: 0)
        let fast = Thread {
            _ = try? harness.call("training_data_store", ["operation": "store_agent_event", "event_type": "fast"])
            finished.signal()
        }
        fast.start()
        // With ordered commits the fast writer waits for the slow one; give it a second to (wrongly) finish first.
        let finishedFirst = finished.wait(timeout: .now() + 1) == .success
        try slow.commit()
        if !finishedFirst { finished.wait() }

        let report = StreamOutbox(settings: harness.invoker.config.streaming).drain(on: try harness.connection())
        #expect(report.problem == nil)
        let rows = try redis.entries("th:events").map { $0.fields["row"].flatMap { try? JSONParser.parse($0) }?["event_type"] }
        #expect(rows == ["slow", "fast"])
        #expect(try outboxCount(harness) == 0)
    }

    /// A Redis that accepts connections but never answers (stopped with SIGSTOP) costs a
    /// store a bounded wait and a warning, never the answer or the stored rows.
    @Test(arguments: Engine.allCases)
    func aStalledRedisDelaysNothingButTheStreamAndLosesNothing(engine: Engine) throws {
        let redis = try TestRedis()
        let harness = try harness(engine, redis: redis)
        let warnings = WarningLog()
        let definition = try harness.invoker.resolve("training_data_store")
        kill(redis.processIdentifier, SIGSTOP)
        defer { kill(redis.processIdentifier, SIGCONT) }
        var answered: JSONValue?
        let started = Date()
        harness.invoker.invoke(definition, input: ["operation": "store_agent_event", "event_type": "while_stalled",
                                                   "payload": ["blob": .string(String(repeating: "x", count: 4 << 20))]],
                               options: ToolInvoker.Options(warn: { warnings.append($0) })) { result in
            answered = InvocationAnswer(result).value
        }
        #expect(answered?["success"] == true)
        #expect(Date().timeIntervalSince(started) < 30)  // a bound on the wait, not a speed target
        #expect(warnings.all.contains { $0.contains("the live stream is unavailable") })
        #expect(try outboxCount(harness) == 1)
        kill(redis.processIdentifier, SIGCONT)
        let report = StreamOutbox(settings: harness.invoker.config.streaming).drain(on: try harness.connection())
        #expect(report.problem == nil && report.published == 1)
        #expect(try redis.entries("th:events").count == 1)
    }
}

private final class WarningLog: @unchecked Sendable {
    private let lock = NSLock()
    private var warnings: [String] = []
    func append(_ warning: String) { lock.withLock { warnings.append(warning) } }
    var all: [String] { lock.withLock { warnings } }
}
