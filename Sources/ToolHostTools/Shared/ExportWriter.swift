#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// Writes an export: buffered, to a temporary file beside the target that is renamed into
/// place only when complete and synced (a crash or an interrupt never leaves half a file under
/// the final name), or straight to stdout for `-`.
final class ExportWriter {
    let path: String
    private let temporaryPath: String?
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private(set) var bytesWritten = 0
    /// Set once the descriptor is closed: it must never be closed twice (the number may
    /// already belong to a database file).
    private var closed = false

    init(path: String) throws(ToolHostError) {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            temporaryPath = nil
        } else {
            // Found now, not at the rename after the whole export.
            if FileIO.isDirectory(path) {
                throw ToolHostError(.ioError, "Cannot write the export to \(path): it is a folder; name a file.", details: ["path": .string(path)])
            }
            PartialFiles.removeStale(besides: path)
            let temporary = "\(path).partial-\(getpid())"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw ToolHostError(.ioError, "Cannot write the export to \(path): \(Self.reason()).", details: ["path": .string(path)])
            }
            descriptor = fd
            temporaryPath = temporary
            PartialFiles.track(temporary)
        }
        buffer.reserveCapacity(1 << 18)
    }

    func write(_ bytes: some Collection<UInt8>) throws(ToolHostError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 18 { try flush() }
    }

    /// Lets `encode` append straight into the buffer.
    func write(_ encode: (inout [UInt8]) -> Void) throws(ToolHostError) {
        encode(&buffer)
        if buffer.count >= 1 << 18 { try flush() }
    }

    private func flush() throws(ToolHostError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ToolHostError(.ioError, "Writing the export to \(path) failed: \(Self.reason()).")
            }
            offset += written
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the file into place; any failure on the way keeps the
    /// final name untouched.
    func finish() throws(ToolHostError) {
        try flush()
        guard let temporaryPath else { return }
        guard fsync(descriptor) == 0 else {
            throw ToolHostError(.ioError, "Cannot sync the export to disk at \(path): \(Self.reason()).")
        }
        closed = true
        guard close(descriptor) == 0 else {
            unlink(temporaryPath)
            PartialFiles.untrack(temporaryPath)
            throw ToolHostError(.ioError, "Cannot finish the export at \(path): \(Self.reason()).")
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = Self.reason()
            unlink(temporaryPath)
            PartialFiles.untrack(temporaryPath)
            throw ToolHostError(.ioError, "Cannot move the export into place at \(path): \(reason).")
        }
        PartialFiles.untrack(temporaryPath)
    }

    /// Removes the partial file after a failure (nothing once `finish` has closed it).
    func abandon() {
        guard let temporaryPath, !closed else { return }
        closed = true
        close(descriptor)
        unlink(temporaryPath)
        PartialFiles.untrack(temporaryPath)
    }

    private static func reason() -> String { String(cString: strerror(errno)).lowercased() }
}

/// Temporary export files of this process, removed if it is interrupted (Ctrl-C, SIGTERM)
/// before they are complete.
enum PartialFiles {
    private static let paths = Mutex<[String]>([])
    private static let installed = Mutex(false)

    static func track(_ path: String) {
        paths.withLock { $0.append(path) }
        installHandlers()
    }

    static func untrack(_ path: String) {
        paths.withLock { $0.removeAll { $0 == path } }
    }

    /// Removes `NAME.partial-PID` files in the folder of `target` whose process is gone: what
    /// an export killed with SIGKILL (or a power cut) leaves, where no handler could run.
    static func removeStale(besides target: String) {
        let folder = FilePath.directory(of: target)
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = processID(ofPartialFile: name), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(FilePath.join(folder, name))
        }
    }

    /// The PID in `NAME.partial-PID`, nil for any other name.
    static func processID(ofPartialFile name: String) -> pid_t? {
        let bytes = Array(name.utf8)
        let digits = bytes.reversed().prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        let marker = Array(".partial-".utf8)
        let start = bytes.count - digits - marker.count
        guard digits > 0, digits <= 10, start > 0, Array(bytes[start..<(start + marker.count)]) == marker else { return nil }
        return pid_t(String(decoding: bytes.suffix(digits), as: UTF8.self)).flatMap { $0 > 0 ? $0 : nil }
    }

    private static func installHandlers() {
        let first = installed.withLock { installed in
            defer { installed = true }
            return !installed
        }
        guard first else { return }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            // Only where nothing else handles the signal: a server that drains on SIGTERM (it
            // ignores the signal and watches for it) keeps its own handling.
            var current = sigaction()
            guard sigaction(signalNumber, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { continue }
            signal(signalNumber) { received in
                // Not strictly async-signal-safe (the lock), but the process is ending anyway
                // and the lock is only ever held for an append.
                for path in PartialFiles.paths.withLock({ $0 }) { unlink(path) }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
