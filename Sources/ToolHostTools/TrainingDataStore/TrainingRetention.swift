import ToolHostCore
import ToolHostStorage

/// `apply_retention`: rows older than N days are appended to a dated JSONL archive, synced to
/// disk, and only then deleted — in one transaction per batch, so a row is never deleted
/// unless its archive line is on disk. (A crash between the sync and the commit leaves the
/// rows in place and archived twice: duplicated, never lost.)
///
/// On PostgreSQL the tables partitioned by month go whole months at a time first
/// (`PartitionRetention`: archived, then the partition dropped), and the coming months'
/// partitions are created ahead, as `toolhost db maintain` does.
struct TrainingRetention {
    /// The largest `retention_days`: a thousand years.
    static let maxDays = 365_000

    let config: HostConfig

    /// A plain operation: it commits a transaction per batch (and per partition), each only
    /// after its archive is synced, so it opens its connection itself. `batch_size` comes
    /// bounded and defaulted by the schema.
    func apply(_ input: OperationInput, context: HandlerContext) throws(ToolHostError) -> OperationAnswer {
        let days = try input.optionalInt("retention_days") ?? config.training.retentionDays
        guard days > 0 else {
            throw input.invalid("retention_days", "is needed: retention is off (training.retention_days is 0); give the age in days")
        }
        // Older than any row can be, and the cutoff's arithmetic would overflow further out.
        guard days <= Self.maxDays else {
            throw input.invalid("retention_days", "must be at most \(Self.maxDays) (a thousand years)")
        }
        let types = try input.optionalString("data_type").map { name throws(ToolHostError) in [try TrainingDataType.named(name)] }
            ?? TrainingDataType.allCases
        // A folder named in the input stays inside the folders tool inputs may write to.
        let directory = try input.optionalString("archive_dir").map { (path) throws(ToolHostError) in
            try ConfinedPaths(config: config).resolve(path, key: "archive_dir", relativeTo: config.training.archiveDirectory, target: .folder)
        } ?? config.training.archiveDirectory
        let batchSize = try input.int("batch_size")
        let now = Timestamp.now()
        let cutoff = Timestamp(seconds: now.seconds - Int64(days) * 86_400, microseconds: now.microseconds)
        let day = String(now.iso8601.prefix(10))
        do {
            try FileIO.makeDirectories(directory)
        } catch {
            throw ToolHostError(.ioError, "Cannot create the archive folder \(directory): \(error.reason).")
        }

        var archived = JSONObject()
        var files: [JSONValue] = []
        var dropped: [TableName] = []
        var created: [TableName] = []
        try context.withConnection { (connection) throws(ToolHostError) in
            for type in types {
                let file = FilePath.join(directory, "\(type.table.name)-\(day).jsonl")
                var total = 0
                let partitions = MonthlyPartitions(type.table)
                if try withDatabaseErrors({ () throws(DatabaseError) in try partitions.isPartitioned(on: connection) }) {
                    created += try withDatabaseErrors { () throws(DatabaseError) in
                        try partitions.createAhead(monthsAhead: config.training.partitionMonthsAhead, now: now, on: connection)
                    }
                    let outcome = try PartitionRetention(partitions: partitions, cutoff: cutoff).archiveWholeMonths(to: file, on: connection)
                    total += outcome.rows
                    dropped += outcome.dropped
                }
                while true {
                    let moved = try archiveBatch(type, before: cutoff, limit: batchSize, file: file, on: connection)
                    total += moved
                    if moved < batchSize { break }
                }
                archived[type.rawValue] = .int(total)
                if total > 0 { files.append(.string(file)) }
            }
        }
        let count = archived.reduce(0) { $0 + ($1.value.integerValue ?? 0) }
        return .fields(["count": .int(count), "data": [
            "archived": .object(archived), "files": .array(files), "cutoff": .string(cutoff.iso8601),
            "partitions_detached": .array(dropped.map { .string($0.description) }),
            "partitions_created": .array(created.map { .string($0.description) }),
        ]])
    }

    private func archiveBatch(_ type: TrainingDataType, before cutoff: Timestamp, limit: Int, file: String,
                              on connection: any DatabaseConnection) throws(ToolHostError) -> Int {
        try connection.transaction { () throws(ToolHostError) -> Int in
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            // Another retention run holds some rows: take the others rather than wait.
            let lock = connection.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            // A task or workflow counts from its last update: one still moving is kept.
            let age = type.columns.contains("updated_at") ? "COALESCE(updated_at, created_at)" : "created_at"
            let select = "SELECT * FROM \(builder.table(type.table)) WHERE \(age) < \(builder.bind(builder.timestampValue(cutoff))) ORDER BY id LIMIT \(builder.bind(.integer(Int64(limit))))\(lock)"
            let rows = try connection.rows(select, builder.values)
            guard !rows.isEmpty else { return 0 }
            // Synced before the delete; a failure here rolls back: nothing deleted.
            try RetentionArchive.write(to: file) { (archive) throws(ToolHostError) in try archive.append(rows) }
            var delete = SQLStatementBuilder(dialect: connection.dialect)
            let ids = rows.compactMap { $0["id"] }.map { delete.bind(SQLValue($0)) }
            return try withDatabaseErrors { () throws(DatabaseError) in
                try connection.run("DELETE FROM \(delete.table(type.table)) WHERE id IN (\(ids.joined(separator: ", ")))", delete.values).rowsAffected
            }
        }
    }
}
