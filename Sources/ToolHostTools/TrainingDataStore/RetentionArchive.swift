import ToolHostCore

/// One dated JSONL archive of `apply_retention`, open for appending a batch of rows through a
/// `DurableWriter`: lines are written, then synced to disk before the caller deletes or drops
/// anything. A batch that fails is cut off again, so the archive never holds half a line, nor
/// rows that are still in the database, for the next batch to continue after.
///
/// ```swift
/// try RetentionArchive.write(to: file) { archive throws(ToolHostError) in try archive.append(rows) }
/// // synced: only now DELETE / DROP
/// ```
final class RetentionArchive {
    let file: String
    private let writer: DurableWriter

    /// Bytes written per `write` while streaming a large batch (a whole partition).
    static let chunkBytes = 1 << 20

    private init(appendingTo file: String) throws(ToolHostError) {
        self.file = file
        do {
            writer = try DurableWriter(.appending(file))
        } catch {
            throw ToolHostError(.ioError, "Cannot open the archive \(file): \(error.reason).")
        }
    }

    /// Opens `file`, lets `body` append, and syncs; when anything fails the archive is cut back
    /// to what it held before and the error passes on.
    static func write<T>(to file: String, _ body: (RetentionArchive) throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        let archive = try RetentionArchive(appendingTo: file)
        do throws(ToolHostError) {
            let value = try body(archive)
            do {
                try archive.writer.commit()  // on disk (and, for a new file, its name in the folder)
            } catch {
                throw ToolHostError(.ioError, "Cannot sync the archive \(file) to disk: \(error.reason).")
            }
            return value
        } catch {
            archive.writer.abandon()
            throw error
        }
    }

    /// Appends `bytes` (whole lines) to the archive.
    func append(_ bytes: [UInt8]) throws(ToolHostError) {
        do {
            try writer.write(bytes)
        } catch {
            throw ToolHostError(.ioError, "Writing the archive \(file) failed: \(error.reason).")
        }
    }

    /// Appends each row as one line of compact JSON.
    func append(_ rows: [JSONObject]) throws(ToolHostError) {
        var bytes: [UInt8] = []
        for row in rows {
            bytes += JSONWriter.bytes(.object(row))
            bytes.append(0x0A)
        }
        try append(bytes)
    }
}
