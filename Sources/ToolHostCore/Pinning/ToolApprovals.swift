#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The approved fingerprint of each tool: `approved-tools.json` in the data directory, shared by
/// every ToolHost process of that configuration.
///
/// ```json
/// {"version": 1, "tools": {"shout": {"sha256": "…", "approved_at": "2026-12-03T19:30:00Z",
///                                    "file": "/srv/tools/shout.yaml", "how": "approve"}}}
/// ```
///
/// Readers see whole files only (`FileIO.writeAtomically`); writers take an exclusive lock on
/// `approved-tools.json.lock` around read, merge and write, so two processes approving at once
/// never drop each other's records. A long-lived process re-reads the file whenever it was
/// replaced (its inode, size or modification time changed), so `toolhost approve` takes effect
/// at the next call.
public final class ToolApprovals: Sendable {
    public let path: String

    /// One tool's approval.
    public struct Record: Sendable, Equatable {
        public var fingerprint: String
        public var approvedAt: String
        public var file: String
        /// How it was approved: `first_use`, `approve`, `registered` or `restored`.
        public var how: String

        public init(fingerprint: String, approvedAt: String = ToolApprovals.now(), file: String, how: String) {
            self.fingerprint = fingerprint
            self.approvedAt = approvedAt
            self.file = file
            self.how = how
        }
    }

    /// How a definition compares with its approval.
    public enum State: Sendable, Equatable {
        /// A built-in tool: compiled into the binary, always approved.
        case builtin
        case approved(Record)
        /// Approved once, with another definition.
        case changed(Record)
        /// Never approved.
        case new
    }

    private struct Cached: Sendable {
        var key: FileKey?
        var records: [String: Record] = [:]
        var problem: String?
        /// (id, fingerprint) pairs already warned about, so that a server warns once.
        var warned: Set<String> = []
    }

    private struct FileKey: Sendable, Equatable {
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    private let cache = Mutex(Cached())

    public static let fileName = "approved-tools.json"

    public init(path: String) { self.path = path }

    public convenience init(config: HostConfig) {
        self.init(path: FilePath.join(config.dataDirectory, Self.fileName))
    }

    // MARK: Reading

    /// The approvals as the file holds them now; `problem` says why the file cannot be read.
    public func records() -> (records: [String: Record], problem: String?) {
        let key = Self.fileKey(path)
        return cache.withLock { cached in
            if cached.key != key || key == nil {
                let loaded = Self.load(path)
                cached.key = key
                cached.records = loaded.records
                cached.problem = loaded.problem
            }
            return (cached.records, cached.problem)
        }
    }

    public func state(of tool: ToolDefinition) -> State {
        if tool.isBuiltin { return .builtin }
        guard let record = records().records[tool.id] else { return .new }
        return record.fingerprint == tool.fingerprint ? .approved(record) : .changed(record)
    }

    // MARK: Enforcing

    /// Checks `tool` under `mode` before it runs: a built-in or approved tool passes; a tool
    /// never seen before is trusted on first use (recorded as approved); a changed one is
    /// refused (`refuse`) or runs with one warning (`warn`).
    public func check(_ tool: ToolDefinition, mode: PinningMode, warn: (String) -> Void) throws(ToolHostError) {
        guard mode != .off, !tool.isBuiltin else { return }
        let fingerprint = tool.fingerprint
        let (records, problem) = records()
        if let problem {
            // Unreadable approvals must not turn into silent re-approval of everything.
            let message = "The approvals file \(path) cannot be read (\(problem)); fix or delete it, then run `toolhost approve --all` after checking the tools."
            if mode == .refuse { throw ToolHostError(.toolChanged, message, details: ["approvals_file": .string(path)]) }
            warnOnce(tool.id, fingerprint: "unreadable", message, warn: warn)
            return
        }
        guard let record = records[tool.id] else {
            do {
                try approve([tool], how: "first_use")
            } catch {
                warnOnce(tool.id, fingerprint: fingerprint, "tool '\(tool.id)' is new and its approval could not be recorded: \(error.message)", warn: warn)
            }
            return
        }
        guard record.fingerprint != fingerprint else { return }
        let moved = record.file == tool.file ? "" : " (approved from \(record.file))"
        if mode == .refuse {
            throw ToolHostError(
                .toolChanged,
                "Tool '\(tool.id)' is refused: its definition in \(tool.file) changed since it was approved on \(record.approvedAt)\(moved); check it, then run `toolhost approve \(tool.id)`.",
                details: ["tool_id": .string(tool.id), "file": .string(tool.file), "approved_at": .string(record.approvedAt),
                          "approved_sha256": .string(record.fingerprint), "current_sha256": .string(fingerprint)])
        }
        warnOnce(tool.id, fingerprint: fingerprint,
                 "tool '\(tool.id)': its definition in \(tool.file) changed since it was approved on \(record.approvedAt)\(moved); it runs anyway (tools.pinning: warn); check it, then run `toolhost approve \(tool.id)`",
                 warn: warn)
    }

    private func warnOnce(_ id: String, fingerprint: String, _ message: String, warn: (String) -> Void) {
        let first = cache.withLock { $0.warned.insert("\(id)\n\(fingerprint)").inserted }
        if first { warn(message) }
    }

    // MARK: Writing

    /// Records the current definitions of `tools` as approved (built-in ones are skipped).
    public func approve(_ tools: [ToolDefinition], how: String) throws(ToolHostError) {
        let records = tools.filter { !$0.isBuiltin }.map { ($0.id, Record(fingerprint: $0.fingerprint, file: $0.file, how: how)) }
        guard !records.isEmpty else { return }
        try update { current in
            for (id, record) in records { current[id] = record }
        }
    }

    /// Forgets the approvals of `ids` (their next use is a first use again).
    public func revoke(_ ids: [String]) throws(ToolHostError) {
        try update { current in
            for id in ids { current[id] = nil }
        }
    }

    /// Read, change and write the file under the lock.
    private func update(_ change: (inout [String: Record]) -> Void) throws(ToolHostError) {
        do {
            try FileIO.makeDirectories(FilePath.directory(of: path))
        } catch {
            throw ToolHostError(.ioError, "Cannot create \(error.path) for the tool approvals: \(error.reason).")
        }
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else {
            throw ToolHostError(.ioError, "Cannot open \(path).lock: \(String(cString: strerror(errno)).lowercased()).")
        }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        let loaded = Self.load(path)
        if let problem = loaded.problem {
            throw ToolHostError(.ioError, "The approvals file \(path) cannot be read (\(problem)); fix or delete it first.")
        }
        var records = loaded.records
        change(&records)
        do {
            try FileIO.writeAtomically(Self.encode(records), to: path)
        } catch {
            throw ToolHostError(.ioError, "Cannot write the tool approvals \(error.path): \(error.reason).")
        }
    }

    // MARK: File format

    private static func load(_ path: String) -> (records: [String: Record], problem: String?) {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path)
        } catch {
            return error.errno == ENOENT ? ([:], nil) : ([:], error.reason)
        }
        guard let root = try? JSONParser.parse(bytes), let tools = root["tools"]?.objectValue else {
            return ([:], "it is not the JSON object ToolHost writes")
        }
        var records: [String: Record] = [:]
        for (id, value) in tools {
            guard let fingerprint = value["sha256"]?.stringValue else { return ([:], "the entry of '\(id)' has no sha256") }
            records[id] = Record(fingerprint: fingerprint, approvedAt: value["approved_at"]?.stringValue ?? "",
                                 file: value["file"]?.stringValue ?? "", how: value["how"]?.stringValue ?? "")
        }
        return (records, nil)
    }

    private static func encode(_ records: [String: Record]) -> [UInt8] {
        let tools = JSONObject(records.keys.sorted().compactMap { id in
            records[id].map { record in
                (id, JSONValue.object(["sha256": .string(record.fingerprint), "approved_at": .string(record.approvedAt),
                                       "file": .string(record.file), "how": .string(record.how)]))
            }
        })
        return JSONWriter.bytes(["version": 1, "tools": .object(tools)], style: .pretty) + [0x0A]
    }

    private static func fileKey(_ path: String) -> FileKey? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileKey(inode: UInt64(info.st_ino), size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
    }

    /// Now, as `2026-12-03T19:30:00Z`.
    public static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
