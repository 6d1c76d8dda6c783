import Synchronization
import ToolHostCore
import ToolHostNetwork
import ToolHostStorage

/// Publishes stored training rows to Redis Streams without ever losing one.
///
/// The database is the source of truth: a row is stored together with an outbox entry in the
/// same transaction. `drain` publishes outbox entries in id order with XADD to
/// `<prefix>:<data_type>`, using the entry id as the stream id (`<outbox id>-0`): Redis refuses
/// an id that is not above the stream's last one, so a retry after a crash — or a second
/// process draining at the same time — can never add a row twice, and the streams keep the
/// order of storage. Published entries are deleted; while Redis is down they wait, and the
/// next drain sends them.
///
/// Ids must become visible in id order, or a drain could pass over an entry whose
/// transaction commits late: SQLite has one writer at a time, and on PostgreSQL writers take
/// a transaction-scoped advisory lock before their outbox insert, so they commit in the order
/// their ids were drawn. Redis is never talked to while a database lock is held.
public struct StreamOutbox: Sendable {
    public let settings: StreamingSettings

    public init(settings: StreamingSettings) { self.settings = settings }

    /// When a drain of this process last found Redis unavailable: a second drain moments
    /// later (the invocation recorder's, after the handler's) would only wait and warn again.
    private static let lastUnavailable = Mutex<Double?>(nil)

    /// Whether a drain of this process found Redis unavailable in the last few seconds.
    public static var failedRecently: Bool {
        lastUnavailable.withLock { $0.map { MonotonicClock.now() - $0 < 5 } ?? false }
    }

    /// Serialises PostgreSQL writers' outbox inserts until their commit.
    static let writerLock = 7_263_831
    /// How long one Redis command may take before the stream counts as unavailable.
    static let commandTimeoutSeconds = 2.0

    public func key(for dataType: TrainingDataType) -> String { "\(settings.streamPrefix):\(dataType.rawValue)" }

    /// Adds rows to the outbox in the order given (the order they were stored, which the
    /// streams keep); call inside the transaction that stored them, as its last statement.
    public func enqueue(_ rows: [(row: JSONObject, dataType: TrainingDataType)], on connection: any DatabaseConnection) throws(DatabaseError) {
        guard settings.isEnabled, !rows.isEmpty else { return }
        if connection.dialect == .postgres {
            _ = try connection.run("SELECT pg_advisory_xact_lock(\(Self.writerLock))")
        }
        let now = SQLStatementBuilder(dialect: connection.dialect).timestampValue(Timestamp.now())
        try connection.bulkInsert(into: TrainingSchema.outbox, columns: ["data_type", "row_id", "payload", "created_at"], rows: rows.map { entry in
            [.text(entry.dataType.rawValue), .integer(Int64(entry.row["id"]?.integerValue ?? 0)), .json(.object(entry.row)), now]
        })
    }

    public struct Report: Sendable {
        public var published = 0
        /// Entries still in the outbox when the drain stopped (0 when it emptied it).
        public var pending = 0
        /// Why publishing stopped early (Redis unavailable...); nil when the outbox was emptied
        /// or the drain used up its budget.
        public var problem: String?
    }

    /// Publishes what the outbox holds, in order, in batches — at most `maxRows` rows and for
    /// about `budgetSeconds` (nil: until empty), leaving the rest for a later drain.
    /// Rows stored and not yet published (the backlog a Redis outage leaves behind).
    public static func pendingCount(on connection: any DatabaseConnection) throws(DatabaseError) -> Int {
        let table = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.outbox)
        return try connection.run("SELECT count(*) AS n FROM \(table)").rows.first?["n"]?.integerValue ?? 0
    }

    public func drain(on connection: any DatabaseConnection, batchSize: Int = 500, maxRows: Int? = nil,
                      budgetSeconds: Double? = nil) -> Report {
        var report = Report()
        guard settings.isEnabled else { return report }
        let started = MonotonicClock.now()
        let table = SQLStatementBuilder(dialect: connection.dialect).table(TrainingSchema.outbox)
        var redis: RedisConnection?
        func countPending() -> Int { (try? Self.pendingCount(on: connection)) ?? 0 }
        while true {
            if let maxRows, report.published >= maxRows { break }
            if let budgetSeconds, MonotonicClock.now() - started >= budgetSeconds { break }
            let entries: [JSONObject]
            do throws(DatabaseError) {
                entries = try connection.run("SELECT id, data_type, payload FROM \(table) ORDER BY id LIMIT \(batchSize)").rows
            } catch {
                report.problem = "the outbox could not be read: \(error.message)"
                report.pending = countPending()
                return report
            }
            guard !entries.isEmpty else { return report }
            var published: [Int64] = []
            var problem: String?
            for entry in entries {
                guard let id = entry["id"]?.integerValue,
                      let dataType = entry["data_type"]?.stringValue.flatMap(TrainingDataType.init(name:)) else { continue }
                do throws(RedisError) {
                    let client: RedisConnection
                    if let redis {
                        client = redis
                    } else {
                        client = try connectRedis()
                        redis = client
                    }
                    try publish(entry, id: id, dataType: dataType, on: client)
                    published.append(Int64(id))
                } catch {
                    problem = error.description
                    break
                }
            }
            if !published.isEmpty {
                var builder = SQLStatementBuilder(dialect: connection.dialect)
                let ids = published.map { builder.bind(.integer($0)) }.joined(separator: ", ")
                do throws(DatabaseError) {
                    _ = try connection.run("DELETE FROM \(table) WHERE id IN (\(ids))", builder.values)
                    report.published += published.count
                } catch {
                    // Published but still listed: the next drain finds them in the stream and
                    // deletes them then.
                    report.problem = "published rows could not be removed from the outbox: \(error.message)"
                    report.pending = countPending()
                    return report
                }
            }
            if let problem {
                Self.lastUnavailable.withLock { $0 = MonotonicClock.now() }
                report.problem = problem
                report.pending = countPending()
                return report
            }
        }
        report.pending = countPending()
        return report
    }

    /// A connection to the configured Redis.
    public func connectRedis() throws(RedisError) -> RedisConnection {
        guard let endpoint = RedisConnection.Endpoint(url: settings.url) else {
            throw RedisError.unavailable("streaming.url is not a redis:// or unix:// URL: \(settings.url)")
        }
        return try RedisConnection(endpoint: endpoint, timeoutSeconds: settings.connectTimeoutSeconds,
                                   commandTimeoutSeconds: Self.commandTimeoutSeconds)
    }

    private func publish(_ entry: JSONObject, id: Int, dataType: TrainingDataType, on redis: RedisConnection) throws(RedisError) {
        let row = entry["payload"] ?? .null
        let arguments: [[UInt8]] = [
            Array("XADD".utf8), Array(key(for: dataType).utf8), Array("MAXLEN".utf8), Array("~".utf8),
            Array(String(settings.maxLength).utf8), Array("\(id)-0".utf8),
            Array("row_id".utf8), Array((row["id"]?.description ?? "").utf8),
            Array("data_type".utf8), Array(dataType.rawValue.utf8),
            Array("row".utf8), JSONWriter.bytes(row),
        ]
        do {
            try redis.command(arguments, timeoutSeconds: Self.commandTimeoutSeconds)
        } catch .server(let message) where message.containsBytes("equal or smaller") {
            // Either this entry is already in the stream under this very id — another process
            // draining at the same time, or a drain that died before deleting it: nothing to
            // do — or the stream is ahead of this database's outbox (a recreated database, or
            // a second database sharing the prefix), where skipping would lose rows.
            let stored = try redis.command(["XRANGE", key(for: dataType), "\(id)-0", "\(id)-0"], timeoutSeconds: Self.commandTimeoutSeconds)
                .elements?.first?.elements
            let fields = stored?.last?.elements?.compactMap(\.text) ?? []
            let storedRowID = zip(fields, fields.dropFirst()).first { $0.0 == "row_id" }?.1
            guard storedRowID != nil, storedRowID == (row["id"]?.description ?? "") else {
                throw .server("the stream \(key(for: dataType)) already has entries past \(id)-0, which this database did not publish "
                    + "(was the database recreated?); delete the stream or choose another streaming.stream_prefix")
            }
        }
    }
}
