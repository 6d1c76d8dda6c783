#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// Writes an export through a `DurableWriter`: to a temporary file beside the target
/// (`NAME.partial-PID`) that is renamed into place only when complete and synced (a crash or an
/// interrupt never leaves half a file under the final name), or straight to stdout for `-`.
/// What it adds: the export's error sentences, and the cleanup of partial files of exports
/// that were interrupted (this process's on a signal, dead processes' at the next export).
final class ExportWriter {
    let path: String
    private let writer: DurableWriter
    private let temporaryPath: String?

    init(path: String) throws(ToolHostError) {
        self.path = path
        if path == "-" {
            temporaryPath = nil
            writer = try Self.opening(path) { () throws(FileIO.Failure) in try DurableWriter(.standardOutput) }
            return
        }
        // Found now, not at the rename after the whole export.
        if FileIO.isDirectory(path) {
            throw ToolHostError(.ioError, "Cannot write the export to \(path): it is a folder; name a file.", details: ["path": .string(path)])
        }
        PartialFiles.removeStale(besides: path)
        let temporary = "\(path).partial-\(getpid())"
        temporaryPath = temporary
        writer = try Self.opening(path) { () throws(FileIO.Failure) in try DurableWriter(.replacing(path, temporary: temporary)) }
        PartialFiles.track(temporary)
    }

    private static func opening(_ path: String, _ make: () throws(FileIO.Failure) -> DurableWriter) throws(ToolHostError) -> DurableWriter {
        do {
            return try make()
        } catch {
            throw ToolHostError(.ioError, "Cannot write the export to \(path): \(error.reason).", details: ["path": .string(path)])
        }
    }

    var bytesWritten: Int { writer.bytesWritten }

    func write(_ bytes: some Collection<UInt8>) throws(ToolHostError) {
        do {
            try writer.write(bytes)
        } catch {
            throw writeFailure(error)
        }
    }

    /// Lets `encode` append straight into the buffer.
    func write(_ encode: (inout [UInt8]) -> Void) throws(ToolHostError) {
        do {
            try writer.write(encode)
        } catch {
            throw writeFailure(error)
        }
    }

    private func writeFailure(_ error: FileIO.Failure) -> ToolHostError {
        ToolHostError(.ioError, "Writing the export to \(path) failed: \(error.reason).")
    }

    /// Flushes, syncs and renames the file into place; any failure on the way keeps the
    /// final name untouched.
    func finish() throws(ToolHostError) {
        defer { temporaryPath.map(PartialFiles.untrack) }
        do {
            try writer.commit()
        } catch {
            writer.abandon()
            throw ToolHostError(.ioError, "Cannot finish the export at \(path): \(error.reason).")
        }
    }

    /// Removes the partial file after a failure (nothing once `finish` has moved it into place).
    func abandon() {
        writer.abandon()
        temporaryPath.map(PartialFiles.untrack)
    }
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
