#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore

/// One dated JSONL archive of `apply_retention`, open for appending a batch of rows: lines are
/// written, then `sync()` puts them on disk before the caller deletes or drops anything. A batch
/// that fails is cut off again (`abandon()`), so the archive never holds half a line, nor rows
/// that are still in the database, for the next batch to continue after.
///
/// ```swift
/// try RetentionArchive.write(to: file) { archive throws(ToolHostError) in try archive.append(rows) }
/// // synced: only now DELETE / DROP
/// ```
final class RetentionArchive {
    let file: String
    private let fd: Int32
    private let originalSize: Int
    /// The file did not exist before: its folder's entry for it must reach the disk too.
    private let isNew: Bool

    /// Bytes written per `write` while streaming a large batch (a whole partition).
    static let chunkBytes = 1 << 20

    private init(appendingTo file: String) throws(ToolHostError) {
        self.file = file
        isNew = !FileIO.exists(file)
        fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ToolHostError(.ioError, "Cannot open the archive \(file): \(Self.lastError()).") }
        originalSize = Int(lseek(fd, 0, SEEK_END))
    }

    /// Opens `file`, lets `body` append, and syncs; when anything fails the archive is cut back
    /// to what it held before and the error passes on.
    static func write<T>(to file: String, _ body: (RetentionArchive) throws(ToolHostError) -> T) throws(ToolHostError) -> T {
        let archive = try RetentionArchive(appendingTo: file)
        defer { archive.close() }
        do throws(ToolHostError) {
            let value = try body(archive)
            try archive.sync()
            return value
        } catch {
            archive.abandon()
            throw error
        }
    }

    deinit { close() }

    private var closed = false

    private func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    /// Appends `bytes` (whole lines) to the archive.
    func append(_ bytes: [UInt8]) throws(ToolHostError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw ToolHostError(.ioError, "Writing the archive \(file) failed: \(Self.lastError()).")
            }
            offset += written
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

    /// Puts what was appended on disk (and, for a new file, its name in the folder).
    private func sync() throws(ToolHostError) {
        guard fsync(fd) == 0 else { throw ToolHostError(.ioError, "Cannot sync the archive \(file) to disk: \(Self.lastError()).") }
        guard isNew else { return }
        let folder = open(FilePath.directory(of: file), O_RDONLY | O_CLOEXEC)
        guard folder >= 0 else { return }  // the data is on disk; a folder we cannot open is not a lost row
        defer { Glibc.close(folder) }
        fsync(folder)
    }

    /// Cuts the archive back to its size before this batch.
    private func abandon() {
        if originalSize >= 0 { ftruncate(fd, off_t(originalSize)) }
    }

    private static func lastError() -> String { String(cString: strerror(errno)).lowercased() }
}
