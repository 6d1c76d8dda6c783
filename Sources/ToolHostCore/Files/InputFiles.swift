#if canImport(Glibc)
import Glibc
#endif

/// Resolves paths that tool inputs name to read (a WAV file to analyse) inside
/// `files.input_dirs`, or refuses them with `path_not_allowed`: the reading side of
/// `ConfinedPaths`. The file must exist; links are followed and the file they lead to must be
/// inside a folder too.
public struct InputFiles: Sendable {
    public let folders: [String]

    public init(config: HostConfig) {
        folders = config.files.inputDirectories.map { FilePath.absolute($0) }
    }

    /// The real path of the existing file `path` names (relative paths start at the working
    /// directory), checked to be inside the input folders.
    public func resolve(_ path: String, key: String) throws(ToolHostError) -> String {
        guard !path.isEmpty else { throw refusal(path, key: key, because: "is empty") }
        guard !path.utf8.contains(0) else { throw refusal(path, key: key, because: "contains a NUL character") }
        guard !path.split(separator: "/").contains("..") else { throw refusal(path, key: key, because: "climbs out of its folder with '..'") }
        let absolute = FilePath.absolute(path)
        // Outside every folder is refused before anything is looked up, so the answer never
        // tells whether a file exists elsewhere.
        let realFolders = folders.compactMap(ConfinedPaths.realPath)
        guard (folders + realFolders).contains(where: { ConfinedPaths.isInside(absolute, $0) }) else {
            throw refusal(path, key: key, because: "is outside the folders tool inputs may read")
        }
        guard let real = ConfinedPaths.realPath(absolute) else {
            throw ToolHostError(.notFound, "\(key) \"\(Self.shown(path))\" does not exist (\(String(cString: strerror(errno)).lowercased())).",
                                details: ["key": .string(key), "path": .string(path)])
        }
        guard realFolders.contains(where: { ConfinedPaths.isInside(real, $0) }) else {
            throw refusal(path, key: key, because: "leads outside the folders tool inputs may read through a symbolic link")
        }
        guard FileIO.isFile(real) else { throw refusal(path, key: key, because: "is not a regular file") }
        return real
    }

    private func refusal(_ path: String, key: String, because reason: String) -> ToolHostError {
        ToolHostError(
            .pathNotAllowed,
            "\(key) \"\(Self.shown(path))\" \(reason): give a file inside \(folders.joined(separator: ", ")) (files.input_dirs).",
            details: ["key": .string(key), "allowed": .array(folders.map { .string($0) })])
    }

    private static func shown(_ path: String) -> String { path.count > 200 ? String(path.prefix(200)) + "…" : path }
}
