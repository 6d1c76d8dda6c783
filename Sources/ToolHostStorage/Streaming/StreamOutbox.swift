import ToolHostCore

/// Publishes stored training rows to Redis Streams without ever losing one.
///
/// The database is the source of truth: a row is stored together with an outbox entry in the
/// same transaction. `drain` publishes outbox entries in id order with XADD to
/// `<prefix>:<data_type>`, using the entry id as the stream id (`<outbox id>-0`): Redis refuses
/// an id that is not above the stream's last one, so a retry after a crash can never add a row
/// twice, and the streams keep the order of storage. Published entries are deleted; while
/// Redis is down they wait, and the next drain sends them.
public struct StreamOutbox: Sendable {
    public let settings: StreamingSettings

    public init(settings: StreamingSettings) { self.settings = settings }

    public func key(for dataType: TrainingDataType) -> String { "\(settings.streamPrefix):\(dataType.rawValue)" }

    /// Adds rows to the outbox in the order given (the order they were stored, which the
    /// streams keep); call inside the transaction that stored them.
    public func enqueue(_ rows: [(row: JSONObject, dataType: TrainingDataType)], on connection: any DatabaseConnection) throws(DatabaseError) {
        guard settings.isEnabled, !rows.isEmpty else { return }
        let now = SQLStatementBuilder(dialect: connection.dialect).timestampValue(Timestamp.now())
        try connection.bulkInsert(into: TrainingSchema.outbox, columns: ["data_type", "row_id", "payload", "created_at"], rows: rows.map { entry in
            [.text(entry.dataType.rawValue), .integer(Int64(entry.row["id"]?.integerValue ?? 0)), .json(.object(entry.row)), now]
        })
    }

    public struct Report: Sendable {
        public var published = 0
        public var pending = 0
        /// Why publishing stopped early (Redis unavailable...); nil when the outbox was emptied
        /// or another process was draining it.
        public var problem: String?
    }

    /// Publishes what the outbox holds, in order, in batches. Only one process drains at a
    /// time (an advisory lock on PostgreSQL, the write lock on SQLite); the others return.
    public func drain(on connection: any DatabaseConnection, batchSize: Int = 500) -> Report {
        var report = Report()
        guard settings.isEnabled else { return report }
        var redis: RedisConnection?
        while true {
            do throws(DatabaseError) {
                // Nothing waiting (the usual case) costs one read and no lock.
                let waiting = try connection.run("SELECT id FROM toolhost_outbox ORDER BY id LIMIT 1").rows
                guard !waiting.isEmpty else { return report }
                let outcome = try connection.transaction { () throws(DatabaseError) -> (done: Bool, problem: String?) in
                    if connection.dialect == .postgres {
                        let locked = try connection.run("SELECT pg_try_advisory_xact_lock(7263830) AS locked").rows.first?["locked"]
                        guard locked == true else { return (true, nil) }
                    }
                    let entries = try connection.run(
                        "SELECT id, data_type, payload FROM toolhost_outbox ORDER BY id LIMIT \(batchSize)").rows
                    guard !entries.isEmpty else { return (true, nil) }
                    var lastPublished: Int64?
                    var problem: String?
                    for entry in entries {
                        guard let id = entry["id"]?.integerValue, let dataType = entry["data_type"]?.stringValue.flatMap(TrainingDataType.init(name:)) else { continue }
                        do throws(RedisError) {
                            let client: RedisConnection
                            if let redis {
                                client = redis
                            } else {
                                client = try connectRedis()
                                redis = client
                            }
                            try publish(entry, id: id, dataType: dataType, on: client)
                            lastPublished = Int64(id)
                        } catch {
                            problem = error.description
                            break
                        }
                    }
                    if let lastPublished {
                        var builder = SQLStatementBuilder(dialect: connection.dialect)
                        let bound = builder.bind(.integer(lastPublished))
                        let deleted = try connection.run("DELETE FROM toolhost_outbox WHERE id <= \(bound)", builder.values).rowsAffected
                        report.published += deleted
                    }
                    return (problem != nil || entries.count < batchSize, problem)
                }
                if let problem = outcome.problem {
                    report.problem = problem
                    report.pending = (try? connection.run("SELECT count(*) AS n FROM toolhost_outbox").rows.first?["n"]?.integerValue) ?? 0
                    return report
                }
                if outcome.done { return report }
            } catch {
                report.problem = error.message
                return report
            }
        }
    }

    /// A connection to the configured Redis.
    public func connectRedis() throws(RedisError) -> RedisConnection {
        guard let endpoint = RedisConnection.Endpoint(url: settings.url) else {
            throw RedisError.unavailable("streaming.url is not a redis:// or unix:// URL: \(settings.url)")
        }
        return try RedisConnection(endpoint: endpoint, timeoutSeconds: settings.connectTimeoutSeconds)
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
            try redis.command(arguments)
        } catch .server(let message) where message.containsBytes("equal or smaller") {
            // Either a previous drain published this entry but could not record that (the
            // stream holds it under this very id: nothing to do), or the stream is ahead of this
            // database's outbox — a recreated database — where skipping would lose rows.
            let stored = try redis.command(["XRANGE", key(for: dataType), "\(id)-0", "\(id)-0"]).elements?.first?.elements
            let fields = stored?.last?.elements?.compactMap(\.text) ?? []
            let storedRowID = zip(fields, fields.dropFirst()).first { $0.0 == "row_id" }?.1
            guard storedRowID != nil, storedRowID == (row["id"]?.description ?? "") else {
                throw .server("the stream \(key(for: dataType)) already has entries past \(id)-0, which this database did not publish "
                    + "(was the database recreated?); delete the stream or choose another streaming.stream_prefix")
            }
        }
    }
}
