#if canImport(Glibc)
import Glibc
#endif

/// The one way ToolHost writes a file that must be whole and must survive a crash: exports,
/// retention archives, backups, the approvals and the catalogue cache. Buffered; nothing is
/// reported done before it is on disk.
///
/// ```swift
/// let writer = try DurableWriter(.replacing("out.jsonl", temporary: "out.jsonl.partial-42"))
/// try writer.write(bytes)
/// try writer.commit()   // synced, renamed into place, the folder synced: or the old file stays
/// ```
public final class DurableWriter {
    public enum Target: Sendable {
        /// A new file that replaces `path` whole: written to `temporary` (beside it, so the
        /// rename is atomic), renamed into place by `commit`; `abandon` removes it. A reader
        /// never sees half a file under the final name.
        case replacing(String, temporary: String)
        /// The end of `path` (created if missing): `commit` syncs what was appended;
        /// `abandon` cuts the file back to what it held before, so it never keeps half a batch.
        case appending(String)
        /// Standard output (`-` for an export): nothing to sync or rename.
        case standardOutput
    }

    public let target: Target
    public private(set) var bytesWritten = 0
    /// Whether `commit` waits for the disk (fsync); off for caches that can be rebuilt.
    public let syncs: Bool
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// The appended file's size before this writer: where `abandon` cuts back to.
    private var originalSize: off_t = 0
    private var isNewFile = false
    /// Set once the descriptor is closed: it must never be closed twice (the number may
    /// already belong to another file).
    private var closed = false

    /// Bytes gathered before a write to the file.
    static let bufferBytes = 1 << 18

    public init(_ target: Target, syncs: Bool = true) throws(FileIO.Failure) {
        self.target = target
        self.syncs = syncs
        switch target {
        case .standardOutput:
            descriptor = STDOUT_FILENO
        case .replacing(_, let temporary):
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw FileIO.failure(temporary) }
        case .appending(let path):
            isNewFile = !FileIO.exists(path)
            descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw FileIO.failure(path) }
            originalSize = lseek(descriptor, 0, SEEK_END)
        }
        buffer.reserveCapacity(Self.bufferBytes)
    }

    deinit {
        if !closed, descriptor != STDOUT_FILENO { close(descriptor) }
    }

    /// Where the bytes end up (the final name, not the temporary one).
    public var path: String {
        switch target {
        case .replacing(let path, _), .appending(let path): path
        case .standardOutput: "-"
        }
    }

    public func write(_ bytes: some Collection<UInt8>) throws(FileIO.Failure) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferBytes { try flush() }
    }

    /// Lets `encode` append straight into the buffer.
    public func write(_ encode: (inout [UInt8]) -> Void) throws(FileIO.Failure) {
        encode(&buffer)
        if buffer.count >= Self.bufferBytes { try flush() }
    }

    private func flush() throws(FileIO.Failure) {
        guard !buffer.isEmpty else { return }
        guard FileIO.writeAll(buffer, to: descriptor) else { throw FileIO.failure(path) }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and makes it durable: for a replacement, synced, renamed into
    /// place and the folder synced; for an append, synced (and the folder, for a new file).
    /// On a failure the final name keeps what it had; call `abandon` to clean up.
    public func commit() throws(FileIO.Failure) {
        try flush()
        switch target {
        case .standardOutput:
            return
        case .appending(let path):
            guard !syncs || fsync(descriptor) == 0 else { throw FileIO.failure(path) }
            if syncs && isNewFile { try FileIO.sync(FilePath.directory(of: path)) }
        case .replacing(let path, let temporary):
            guard !syncs || fsync(descriptor) == 0 else { throw FileIO.failure(temporary) }
            closed = true
            guard close(descriptor) == 0 else {
                let failure = FileIO.failure(temporary)
                unlink(temporary)
                throw failure
            }
            try FileIO.replace(path, with: temporary, syncing: syncs)
        }
    }

    /// Undoes what was not committed: a replacement's temporary file is removed, an append is
    /// cut back. Nothing once a replacement was committed.
    public func abandon() {
        switch target {
        case .standardOutput:
            return
        case .appending:
            ftruncate(descriptor, originalSize)
        case .replacing(_, let temporary):
            guard !closed else { return }
            closed = true
            close(descriptor)
            unlink(temporary)
        }
    }
}
