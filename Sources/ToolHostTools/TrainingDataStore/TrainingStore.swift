import ToolHostCore
import ToolHostStorage

/// Stores training records: the one path behind every `store_*` operation and the host's own
/// invocation records. Rows of a call go in the caller's one transaction (the operation's, or
/// the recorder's); when streaming is on, each stored row also enters the outbox in that
/// transaction, and the outbox is drained after the commit.
struct TrainingStore {
    let config: HostConfig
    /// Hears how far a batch has come (the caller's `HandlerContext.progress`).
    var progress: ProgressReporter?

    var outbox: StreamOutbox { StreamOutbox(settings: config.streaming) }

    /// What a store did: per stored row its id, its key (`execution_id`, `task_id`,
    /// `workflow_id`) and for upserts whether it was inserted or updated — nil for bulk
    /// ingest, which returns no ids — and the count.
    struct Stored {
        var rows: [JSONValue]?
        var count: Int
    }

    /// Stores `records` inside the caller's transaction: an invalid record throws, and the
    /// rollback undoes what was stored of the batch before it.
    func store(_ records: [JSONValue], as type: TrainingDataType, field: String, on connection: any DatabaseConnection,
               tool: String) throws -> Stored {
        let stored = try storeRows(records, as: type, field: field, on: connection, tool: tool)
        // The hours the dashboard charts, in the same transaction (`CallRollup`).
        if type == .toolExecutions { try ToolHostError.converting { try CallRollup.add(records, on: connection) } }
        return stored
    }

    private func storeRows(_ records: [JSONValue], as type: TrainingDataType, field: String, on connection: any DatabaseConnection,
                           tool: String) throws -> Stored {
        let spec = TrainingRecords.spec(type)
        let prepared = records.map { record -> JSONValue in
            // An execution without an id gets one: it is how a run is found again.
            guard type == .toolExecutions, case .object(var object) = record, object["execution_id"] == nil else { return record }
            object["execution_id"] = .string(RandomUUID.make())
            return .object(object)
        }
        if TrainingRecords.upsertKey(type) == nil, !outbox.settings.isEnabled, prepared.count > 1 {
            return try bulk(prepared, spec: spec, field: field, on: connection, tool: tool)
        }
        let stream = spec.stream(prepared, field: field, dialect: connection.dialect, progress: progress)
        var stored = Stored(rows: [], count: 0)
        var streamed: [(row: JSONObject, dataType: TrainingDataType)] = []
        var position = 0
        for values in stream {
            let record = prepared[position].objectValue ?? [:]
            position += 1
            if let upsert = TrainingRecords.upsertKey(type) {
                let (row, action) = try self.upsert(values, spec: spec, key: upsert.key, on: connection)
                stored.rows?.append(["id": row["id"] ?? .null, upsert.key: row[upsert.key] ?? .null, "action": .string(action.rawValue)])
                var history = JSONObject()
                for name in upsert.historyFields { if let value = record[name] { history[name] = value } }
                history["action"] = .string(action.rawValue)
                // The history belongs to the record's agent, also when an update leaves it out.
                let event: JSONObject = ["event_type": .string(upsert.historyEvent), "agent_id": row["agent_id"] ?? .null,
                                         "payload": .object(history)]
                let eventRow = try insert(TrainingRecords.event, values: TrainingRecords.event.values(of: event, path: "", dialect: connection.dialect).values,
                                          on: connection)
                if outbox.settings.isEnabled {
                    streamed.append((row, type))
                    streamed.append((eventRow, .events))
                }
            } else {
                let row = try insert(spec, values: values, on: connection)
                var summary: JSONObject = ["id": row["id"] ?? .null]
                if type == .toolExecutions { summary["execution_id"] = row["execution_id"] ?? .null }
                stored.rows?.append(.object(summary))
                if outbox.settings.isEnabled { streamed.append((row, type)) }
            }
            stored.count += 1
        }
        // An invalid record ended the stream early: the caller's rollback undoes the batch.
        guard stream.violations.isEmpty else { throw ToolHostError.invalidInput(stream.violations, tool: tool) }
        try outbox.enqueue(streamed, on: connection)
        return stored
    }

    /// Publishes what waits in the outbox, within a budget (a call's process should not be
    /// kept by a backlog: `toolhost db publish` sends the rest); returns a warning when the
    /// stream is unavailable.
    func publish(on connection: any DatabaseConnection) -> String? {
        guard outbox.settings.isEnabled else { return nil }
        let report = outbox.drain(on: connection, maxRows: 5000, budgetSeconds: 2)
        guard let problem = report.problem else { return nil }
        let rows = report.pending == 1 ? "1 row waits" : "\(report.pending) rows wait"
        return "the live stream is unavailable (\(problem)); \(rows) in the outbox and will be sent later"
    }

    /// Publishes after the answer is delivered, on a connection of its own.
    func publishAfterAnswer(_ context: HandlerContext) {
        guard outbox.settings.isEnabled else { return }
        let database = context.database
        context.afterAnswer.add {
            do throws(ToolHostError) {
                return try database.withConnection { connection in publish(on: connection) }
            } catch {
                return "the live stream is unavailable (\(error.message))"
            }
        }
    }

    private func bulk(_ records: [JSONValue], spec: RecordSpec, field: String, on connection: any DatabaseConnection,
                      tool: String) throws -> Stored {
        let rows = spec.stream(records, field: field, dialect: connection.dialect, progress: progress)
        let count = try connection.bulkInsert(into: spec.table, columns: spec.columns, rows: rows)
        guard rows.violations.isEmpty else { throw ToolHostError.invalidInput(rows.violations, tool: tool) }
        return Stored(rows: nil, count: count)
    }

    private func insert(_ spec: RecordSpec, values: [SQLValue], on connection: any DatabaseConnection) throws(DatabaseError) -> JSONObject {
        var builder = SQLStatementBuilder(dialect: connection.dialect)
        let placeholders = values.map { builder.bind($0) }
        let sql = "INSERT INTO \(builder.table(spec.table)) (\(spec.columns.map(SQLIdentifier.quote).joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", "))) RETURNING *"
        return try connection.run(sql, builder.values).rows.first ?? [:]
    }

    /// Upserts by `key`: given fields replace stored ones, absent fields keep theirs.
    private func upsert(_ values: [SQLValue], spec: RecordSpec, key: String,
                        on connection: any DatabaseConnection) throws(DatabaseError) -> (row: JSONObject, action: Upsert.Action) {
        let columns: [(name: String, policy: Upsert.Policy, insertDefault: String?)] = spec.columns.map { column in
            (column, column == key || column == "created_at" ? .keep : .preferNew, nil)
        } + [("updated_at", .replace, nil)]
        let now = values.last ?? .null  // created_at: the record's time, also its update time
        return try Upsert(table: spec.table, key: key, columns: columns).run(values + [now], returning: "*", on: connection)
    }
}
