#if canImport(Glibc)
import Glibc
#endif

/// An append-only, hash-chained record of every call a host answered or refused: one JSON object
/// per line in `audit.file`, each carrying the SHA-256 of its predecessor's line and its own.
///
/// The chain makes an edit, a deletion or a reordering of past entries visible to
/// `toolhost audit verify`, short of rewriting every later entry. Several processes (many
/// `toolhost run`s, a server) append to one file: each append holds an exclusive `flock` while
/// it reads the last entry and writes the next, so the chain has no fork.
public struct AuditLog: Sendable {
    public let path: String
    public let syncsEachEntry: Bool

    public init(path: String, syncsEachEntry: Bool = false) {
        self.path = path
        self.syncsEachEntry = syncsEachEntry
    }

    /// The hash the first entry follows.
    public static let genesis = String(repeating: "0", count: 64)

    /// Appends an entry made of `fields` (in order), numbered and chained; the problem as a
    /// sentence when it could not be written.
    public func append(_ fields: JSONObject) -> String? {
        do {
            try FileIO.makeDirectories(FilePath.directory(of: path))
        } catch {
            return "the audit log \(path) cannot be written: \(error.reason)"
        }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "the audit log \(path) cannot be opened: \(String(cString: strerror(errno)).lowercased())" }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { return "the audit log \(path) cannot be locked: \(String(cString: strerror(errno)).lowercased())" }
        defer { flock(fd, LOCK_UN) }
        let last = Self.lastLine(of: fd).flatMap { try? JSONParser.parse($0) }
        var entry: JSONObject = ["seq": .int((last?["seq"]?.integerValue.map { Int($0) } ?? 0) + 1)]
        for (key, value) in fields { entry[key] = value }
        entry["prev"] = .string(last?["hash"]?.stringValue ?? Self.genesis)
        entry["hash"] = .string(Self.hash(of: entry))
        guard FileIO.writeAll(JSONWriter.bytes(.object(entry)) + [0x0A], to: fd) else {
            return "the audit log \(path) cannot be written: \(String(cString: strerror(errno)).lowercased())"
        }
        if syncsEachEntry { fsync(fd) }
        return nil
    }

    /// SHA-256 of the entry's JSON without its `hash` member.
    static func hash(of entry: JSONObject) -> String {
        var body = entry
        body["hash"] = nil
        return SHA256.hex(bytes: JSONWriter.bytes(.object(body)))
    }

    /// What `verify` found: entries checked, and the first one that breaks the chain.
    public struct Verification: Sendable {
        public var entries = 0
        public var problem: (line: Int, reason: String)?
    }

    /// Walks the whole file: each line must parse, number one more than the last, name the
    /// previous line's hash, and hash to its own.
    public func verify() throws(ToolHostError) -> Verification {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path)
        } catch {
            throw ToolHostError(.ioError, "Cannot read the audit log \(path): \(error.reason).")
        }
        var result = Verification()
        var previous = Self.genesis
        var expectedSeq = 1
        for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let number = index + 1
            guard let entry = (try? JSONParser.parse(Array(line)))?.objectValue else {
                result.problem = (number, "is not a JSON object")
                return result
            }
            guard entry["seq"]?.integerValue.map({ Int($0) }) == expectedSeq else {
                result.problem = (number, "is numbered \(entry["seq"].map { JSONWriter.string($0) } ?? "nothing"), not \(expectedSeq): an entry before it is missing or out of order")
                return result
            }
            guard entry["prev"]?.stringValue == previous else {
                result.problem = (number, "does not follow the entry before it (its prev is not that entry's hash)")
                return result
            }
            guard let hash = entry["hash"]?.stringValue, hash == Self.hash(of: entry) else {
                result.problem = (number, "was changed after it was written (its hash does not match its content)")
                return result
            }
            previous = hash
            expectedSeq += 1
            result.entries += 1
        }
        return result
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
