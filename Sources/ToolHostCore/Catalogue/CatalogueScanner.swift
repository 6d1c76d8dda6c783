#if canImport(Glibc)
import Glibc
#endif

/// A YAML file found under a tools directory: what is needed to identify the tool and to tell
/// whether a cached reading of it is still current.
public struct ToolFile: Sendable, Hashable {
    /// Absolute path.
    public let path: String
    /// The tool id: the file stem.
    public let id: String
    /// Position of its tools directory in the configured list (later overrides earlier).
    public let rootIndex: Int
    public let root: String
    public let size: Int64
    /// Modification time in nanoseconds since the epoch.
    public let modified: Int64
    /// Status-change time (nanoseconds) and inode: with size and mtime, what tells a cached
    /// reading apart from the file now, even after `cp -p` or `chmod`.
    public let changed: Int64
    public let inode: UInt64

    public init(path: String, id: String, rootIndex: Int, root: String, size: Int64 = 0, modified: Int64 = 0,
                changed: Int64 = 0, inode: UInt64 = 0) {
        self.path = path
        self.id = id
        self.rootIndex = rootIndex
        self.root = root
        self.size = size
        self.modified = modified
        self.changed = changed
        self.inode = inode
    }
}

/// Finds tool definition files (`.yaml`, `.yml`) recursively under the tools directories.
///
/// Walks with readdir instead of parsing anything, so `run` can find one tool's file among
/// hundreds cheaply. Hidden entries (`.git`, `.cache`) are skipped; symbolic links are followed,
/// with a guard against directory cycles. Order is deterministic (sorted by name).
public enum CatalogueScanner {
    /// Scans `roots` in order; a missing root is a warning, unless it is one of `optionalRoots`
    /// (the generated tools folder, created by the first registration).
    public static func scan(roots: [String], onlyID: String? = nil, optionalRoots: Set<String> = []) -> (files: [ToolFile], diagnostics: [Diagnostic]) {
        var files: [ToolFile] = []
        var diagnostics: [Diagnostic] = []
        for (index, root) in roots.enumerated() {
            guard FileIO.isDirectory(root) else {
                if !optionalRoots.contains(root) {
                    diagnostics.append(Diagnostic(.warning, "the tools directory \(root) does not exist", file: root))
                }
                continue
            }
            var visited = Set<DirectoryIdentity>()
            walk(root, root: root, rootIndex: index, onlyID: onlyID, visited: &visited, into: &files)
        }
        return (files, diagnostics)
    }

    private struct DirectoryIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    private static func walk(_ directory: String, root: String, rootIndex: Int, onlyID: String?,
                             visited: inout Set<DirectoryIdentity>, into files: inout [ToolFile]) {
        var info = stat()
        guard stat(directory, &info) == 0,
              visited.insert(DirectoryIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted,
              let handle = opendir(directory) else { return }
        // With `onlyID`, file names are compared as C strings before any Swift String is made:
        // `run` walks the whole catalogue on every call and should pay for directories only.
        let wanted = onlyID.map { [Array("\($0).yaml".utf8CString), Array("\($0).yml".utf8CString)] }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(handle) {
            let type = entry.pointee.d_type
            let name: String? = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { raw -> String? in
                    guard raw[0] != CChar(UInt8(ascii: ".")) else { return nil }
                    if let wanted, type == UInt8(DT_REG), !wanted.contains(where: { strcmp(raw, $0) == 0 }) { return nil }
                    return String(cString: raw)
                }
            }
            if let name { entries.append((name, type)) }
        }
        closedir(handle)
        entries.sort { $0.name < $1.name }

        for (name, type) in entries {
            let path = directory + "/" + name
            var isDirectory = type == UInt8(DT_DIR)
            var isFile = type == UInt8(DT_REG)
            if type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN) {
                guard stat(path, &info) == 0 else { continue }
                isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
                isFile = (info.st_mode & S_IFMT) == S_IFREG
            }
            if isDirectory {
                walk(path, root: root, rootIndex: rootIndex, onlyID: onlyID, visited: &visited, into: &files)
                continue
            }
            guard isFile else { continue }
            let fileExtension = FilePath.extension(of: name)
            guard fileExtension == "yaml" || fileExtension == "yml" else { continue }
            let id = FilePath.stem(of: name)
            if let onlyID, id != onlyID { continue }
            guard stat(path, &info) == 0 else { continue }
            files.append(ToolFile(
                path: path, id: id, rootIndex: rootIndex, root: root, size: Int64(info.st_size),
                modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec),
                inode: UInt64(info.st_ino)
            ))
        }
    }
}
