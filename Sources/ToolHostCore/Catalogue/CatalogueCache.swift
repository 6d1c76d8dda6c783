/// Remembers the parsed YAML of each tool file, keyed by path, size, modification and status
/// change times and inode, so
/// that listing an unchanged catalogue reads one JSON file instead of parsing every YAML file.
///
/// The cache is an optimisation only: a missing, stale, corrupt or unwritable cache file is
/// ignored (and rebuilt), never an error. Entries from another ToolHost version are discarded.
struct CatalogueCache {
    static let formatVersion: Int64 = 2

    private let path: String?
    private var entries: [String: JSONObject]
    private var isDirty = false

    /// The cache file for `roots` inside `directory`, loaded if present and current.
    init(directory: String?, roots: [String]) {
        guard let directory else {
            path = nil
            entries = [:]
            return
        }
        let path = FilePath.join(directory, "catalogue-\(Self.fingerprint(of: roots)).json")
        self.path = path
        entries = Self.read(path) ?? [:]
    }

    /// The parsed document (or YAML error) stored for `file` if the file has not changed since.
    func lookup(_ file: ToolFile) -> ToolFileLoader.Parsed? {
        guard let entry = entries[file.path], entry["key"] == Self.key(of: file) else { return nil }
        if let document = entry["document"] { return .document(document) }
        guard let failure = entry["failure"] else { return nil }
        return .invalid(Diagnostic(
            .error, failure["message"]?.stringValue ?? "not valid YAML", file: file.path,
            line: failure["line"]?.integerValue, column: failure["column"]?.integerValue))
    }

    /// Remembers a reading; unreadable files are not remembered (the next run tries again).
    mutating func store(_ parsed: ToolFileLoader.Parsed, for file: ToolFile) {
        var entry: JSONObject = ["key": Self.key(of: file)]
        switch parsed {
        case .document(let document): entry["document"] = document
        case .invalid(let diagnostic):
            var failure: JSONObject = ["message": .string(diagnostic.message)]
            if let line = diagnostic.line { failure["line"] = .int(line) }
            if let column = diagnostic.column { failure["column"] = .int(column) }
            entry["failure"] = .object(failure)
        case .unreadable:
            entries[file.path] = nil
            return
        }
        entries[file.path] = entry
        isDirty = true
    }

    private static func key(of file: ToolFile) -> JSONValue {
        [.integer(file.size), .integer(file.modified), .integer(file.changed), .integer(Int64(bitPattern: file.inode))]
    }

    /// Drops entries of files that no longer exist, then writes the cache if anything changed.
    mutating func save(keeping files: [ToolFile]) {
        let current = Set(files.map(\.path))
        let before = entries.count
        entries = entries.filter { current.contains($0.key) }
        guard let path, isDirty || entries.count != before else { return }
        var files = JSONObject()
        for key in entries.keys.sorted() { files[key] = entries[key].map(JSONValue.object) }
        let document: JSONValue = [
            "format": .integer(Self.formatVersion), "toolhost": .string(ToolHostVersion.current), "files": .object(files),
        ]
        do {
            try FileIO.makeDirectories(FilePath.directory(of: path))
            try FileIO.writeAtomically(JSONWriter.bytes(document), to: path)
            isDirty = false
        } catch {
            // Unwritable cache directory: the next run parses again; nothing is lost.
        }
    }

    private static func read(_ path: String) -> [String: JSONObject]? {
        guard let bytes = try? FileIO.read(path),
              let document = try? JSONParser.parse(bytes),
              document["format"] == .integer(formatVersion),
              document["toolhost"]?.stringValue == ToolHostVersion.current,
              let files = document["files"]?.objectValue else { return nil }
        var entries: [String: JSONObject] = [:]
        for (path, entry) in files { entries[path] = entry.objectValue }
        return entries
    }

    /// A short stable name for a list of tools directories (64-bit FNV-1a in hex).
    static func fingerprint(of roots: [String]) -> String {
        String(fnv1a(roots.joined(separator: "\n").utf8), radix: 16)
    }

    /// 64-bit FNV-1a: a fast, stable hash (not a cryptographic one).
    static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
