#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore
import ToolHostStorage

/// `apply_retention`: rows older than N days are appended to a dated JSONL archive, synced to
/// disk, and only then deleted — in one transaction per batch, so a row is never deleted
/// unless its archive line is on disk. (A crash between the sync and the commit leaves the
/// rows in place and archived twice: duplicated, never lost.)
struct TrainingRetention {
    let config: HostConfig

    func apply(_ input: OperationInput, context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let days = try input.optionalInt("retention_days") ?? config.training.retentionDays
        guard days > 0 else {
            throw input.invalid("retention_days", "is needed: retention is off (training.retention_days is 0); give the age in days")
        }
        let types = try input.optionalString("data_type").map { name throws(ToolHostError) in [try TrainingDataType.named(name)] }
            ?? TrainingDataType.allCases
        // A folder named in the input stays inside the folders tool inputs may write to.
        let directory = try input.optionalString("archive_dir").map { (path) throws(ToolHostError) in
            try ConfinedPaths(config: config).resolve(path, key: "archive_dir", relativeTo: config.training.archiveDirectory, target: .folder)
        } ?? config.training.archiveDirectory
        let batchSize = min(max(try input.optionalInt("batch_size") ?? 1000, 1), 10_000)
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
        try context.withConnection { (connection) throws(ToolHostError) in
            for type in types {
                let file = FilePath.join(directory, "\(type.table.name)-\(day).jsonl")
                var total = 0
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
        return ["success": true, "count": .int(count), "data": ["archived": .object(archived), "files": .array(files),
                                                                  "cutoff": .string(cutoff.iso8601)]]
    }

    private func archiveBatch(_ type: TrainingDataType, before cutoff: Timestamp, limit: Int, file: String,
                              on connection: any DatabaseConnection) throws(ToolHostError) -> Int {
        var archiveFailure: ToolHostError?
        do throws(DatabaseError) {
            return try connection.transaction { () throws(DatabaseError) -> Int in
                var builder = SQLStatementBuilder(dialect: connection.dialect)
                // Another retention run holds some rows: take the others rather than wait.
                let lock = connection.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
                // A task or workflow counts from its last update: one still moving is kept.
                let age = type.columns.contains("updated_at") ? "COALESCE(updated_at, created_at)" : "created_at"
                let select = "SELECT * FROM \(builder.table(type.table)) WHERE \(age) < \(builder.bind(builder.timestampValue(cutoff))) ORDER BY id LIMIT \(builder.bind(.integer(Int64(limit))))\(lock)"
                let rows = try connection.run(select, builder.values).rows
                guard !rows.isEmpty else { return 0 }
                do throws(ToolHostError) {
                    try append(rows, to: file)
                } catch {
                    archiveFailure = error
                    throw DatabaseError(.statement, "The archive could not be written")  // rolls back: nothing deleted
                }
                var delete = SQLStatementBuilder(dialect: connection.dialect)
                let ids = rows.compactMap { $0["id"] }.map { delete.bind(SQLValue($0)) }
                return try connection.run("DELETE FROM \(delete.table(type.table)) WHERE id IN (\(ids.joined(separator: ", ")))", delete.values).rowsAffected
            }
        } catch {
            throw archiveFailure ?? error.toolHostError
        }
    }

    /// Appends rows as JSON lines and syncs the file before returning. A failed append is cut
    /// off again, so the archive never holds half a line for the next batch to continue.
    private func append(_ rows: [JSONObject], to file: String) throws(ToolHostError) {
        let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ToolHostError(.ioError, "Cannot open the archive \(file): \(String(cString: strerror(errno)).lowercased()).") }
        defer { close(fd) }
        let originalSize = lseek(fd, 0, SEEK_END)
        do throws(ToolHostError) {
            try writeLines(rows, to: fd, file: file)
        } catch {
            if originalSize >= 0 { ftruncate(fd, originalSize) }
            throw error
        }
    }

    private func writeLines(_ rows: [JSONObject], to fd: Int32, file: String) throws(ToolHostError) {
        var bytes: [UInt8] = []
        for row in rows {
            bytes += JSONWriter.bytes(.object(row))
            bytes.append(0x0A)
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ToolHostError(.ioError, "Writing the archive \(file) failed: \(String(cString: strerror(errno)).lowercased()).")
            }
            offset += written
        }
        guard fsync(fd) == 0 else { throw ToolHostError(.ioError, "Cannot sync the archive \(file) to disk.") }
    }
}
