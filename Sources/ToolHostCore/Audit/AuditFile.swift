#if canImport(Glibc)
import Glibc
#endif

/// The audit chain as a JSONL file (`audit.file`): one entry per line, for shipping to a log
/// collector or keeping beside a database that an operator does not trust alone.
///
/// Several processes (many `toolhost run`s, a server) append to one file: each append holds an
/// exclusive `flock` while it reads the last entry and writes the next, so the chain has no fork.
public struct AuditFile: Sendable {
    public let path: String
    public let syncsEachEntry: Bool

    public init(path: String, syncsEachEntry: Bool = false) {
        self.path = path
        self.syncsEachEntry = syncsEachEntry
    }

    /// Appends one entry per element of `batch` (each made of its fields, in order), numbered
    /// and chained; the problem as a sentence when they could not be written.
    public func append(_ batch: [JSONObject]) -> String? {
        do {
            try FileIO.makeDirectories(FilePath.directory(of: path))
        } catch {
            return "the audit file \(path) cannot be written: \(error.reason)"
        }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "the audit file \(path) cannot be opened: \(String(cString: strerror(errno)).lowercased())" }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { return "the audit file \(path) cannot be locked: \(String(cString: strerror(errno)).lowercased())" }
        defer { flock(fd, LOCK_UN) }
        var tip = Self.lastLine(of: fd).flatMap { try? JSONParser.parse($0) }?.objectValue.flatMap(AuditChain.tip(of:))
        var bytes: [UInt8] = []
        for fields in batch {
            let entry = AuditChain.link(fields, after: tip)
            tip = AuditChain.tip(of: entry)
            JSONWriter.append(.object(entry), to: &bytes)
            bytes.append(0x0A)
        }
        guard FileIO.writeAll(bytes, to: fd) else {
            return "the audit file \(path) cannot be written: \(String(cString: strerror(errno)).lowercased())"
        }
        if syncsEachEntry { fsync(fd) }
        return nil
    }

    /// Walks the whole file: each line must parse and follow the line before it
    /// (`AuditChain.Walk`); a problem names its line.
    public func verify() throws(ToolHostError) -> AuditChain.Verification {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path)
        } catch {
            throw ToolHostError(.ioError, "Cannot read the audit file \(path): \(error.reason).")
        }
        var walk = AuditChain.Walk()
        for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let entry = (try? JSONParser.parse(Array(line)))?.objectValue else {
                return AuditChain.Verification(entries: walk.entries, problem: (index + 1, "is not a JSON object"))
            }
            if let reason = walk.check(entry) {
                return AuditChain.Verification(entries: walk.entries, problem: (index + 1, reason))
            }
        }
        return AuditChain.Verification(entries: walk.entries)
    }

    /// The last non-empty line of the open file, read backwards in blocks.
    private static func lastLine(of fd: Int32) -> [UInt8]? {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        var end = Int(info.st_size)
        var tail: [UInt8] = []
        while end > 0 {
            let start = max(0, end - 65536)
            var block = [UInt8](repeating: 0, count: end - start)
            let read = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
            guard read == block.count else { return nil }
            tail = block + tail
            while tail.last == 0x0A { tail.removeLast() }
            if let newline = tail.lastIndex(of: 0x0A) { return Array(tail[(newline + 1)...]) }
            end = start
        }
        return tail.isEmpty ? nil : tail
    }
}
