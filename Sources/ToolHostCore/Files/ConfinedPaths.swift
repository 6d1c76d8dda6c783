#if canImport(Glibc)
import Glibc
#endif

/// Resolves paths that come from tool inputs inside the folders such paths may name
/// (`FileSettings`, plus the training archive folder), or refuses them with `path_not_allowed`.
///
/// A path is refused when it climbs (`..`), holds a NUL, or ends up outside every folder once
/// symbolic links are resolved: the nearest part of it that exists is resolved with
/// `realpath`, and what follows that part is plain names, so creating or writing it stays
/// inside. (A local user who swaps a folder for a link between this check and the write is
/// outside the threat this guards against: a remote caller choosing the path.)
public struct ConfinedPaths: Sendable {
    /// The allowed folders as configured (absolute), the first being where exports go.
    public let folders: [String]

    public init(config: HostConfig) {
        var folders = [config.files.exportDirectory] + config.files.writableDirectories
        if !folders.contains(config.training.archiveDirectory) { folders.append(config.training.archiveDirectory) }
        self.folders = folders.map { FilePath.absolute($0) }
    }

    /// What a path names: a file to write (its folder is created) or a folder (created).
    public enum Target: Sendable { case file, folder }

    /// `path` (the value of the input member `key`) made absolute and checked: relative paths
    /// start at `base`, which must be one of `folders`. The folders on the way are created.
    public func resolve(_ path: String, key: String, relativeTo base: String, target: Target = .file) throws(ToolHostError) -> String {
        guard !path.utf8.contains(0) else { throw refusal(path, key: key, because: "contains a NUL character") }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains("..") else { throw refusal(path, key: key, because: "climbs out of its folder with '..'") }
        let absolute = FilePath.absolute(path.hasPrefix("/") ? path : FilePath.join(FilePath.absolute(base), path))
        guard let folder = folders.first(where: { Self.isInside(absolute, $0) }) else {
            throw refusal(path, key: key, because: "is outside the folders tool inputs may write to")
        }
        try Self.makeFolder(folder, for: key)
        let (existing, rest) = Self.nearestExisting(absolute)
        guard let real = Self.realPath(existing) else {
            if Self.isSymbolicLink(existing) {
                throw refusal(path, key: key, because: "is a symbolic link that leads nowhere a tool input may write")
            }
            throw ToolHostError(.ioError, "Cannot resolve \(existing) for \(key): \(String(cString: strerror(errno))).")
        }
        let resolved = rest.reduce(real) { FilePath.join($0, String($1)) }
        let realFolders = folders.compactMap(Self.realPath)
        guard realFolders.contains(where: { Self.isInside(resolved, $0) }) else {
            throw refusal(path, key: key, because: "leads outside the folders tool inputs may write to through a symbolic link")
        }
        // Only plain names follow the resolved part: what is created stays inside.
        try Self.makeFolder(target == .file ? FilePath.directory(of: resolved) : resolved, for: key)
        return resolved
    }

    private static func makeFolder(_ folder: String, for key: String) throws(ToolHostError) {
        do {
            try FileIO.makeDirectories(folder)
        } catch {
            throw ToolHostError(.ioError, "Cannot create the folder \(folder) for \(key): \(error.reason).", details: ["path": .string(folder)])
        }
    }

    private func refusal(_ path: String, key: String, because reason: String) -> ToolHostError {
        let shown = path.count > 200 ? String(path.prefix(200)) + "…" : path
        return ToolHostError(
            .pathNotAllowed,
            "\(key) \"\(shown)\" \(reason): give a path inside \(folders[0]) (files.export_dir), or add a folder to files.writable_dirs.",
            details: ["key": .string(key), "allowed": .array(folders.map { .string($0) })]
        )
    }

    /// Whether `path` is `folder` or lies below it (both absolute, without `.` or `..`).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder + "/")
    }

    /// The longest leading part of `path` that exists (lstat: a dangling link counts, and is
    /// then refused by `realpath`), and the names after it.
    private static func nearestExisting(_ path: String) -> (String, [Substring]) {
        var current = path
        var rest: [Substring] = []
        var info = stat()
        while current != "/" && lstat(current, &info) != 0 {
            rest.insert(Substring(FilePath.lastComponent(of: current)), at: 0)
            current = FilePath.directory(of: current)
        }
        return (current, rest)
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
