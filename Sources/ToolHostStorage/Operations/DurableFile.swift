import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// Moving a finished file into place so that it survives a crash: its data reaches the disk
/// before the rename, and the rename reaches the disk before success is reported.
enum DurableFile {
    /// A name beside `path` for the file being written: same folder, so the rename is atomic.
    static func temporaryPath(beside path: String) -> String {
        let folder = FilePath.directory(of: path)
        return FilePath.join(folder, ".\(FilePath.lastComponent(of: path)).tmp-\(getpid())")
    }

    /// fsyncs `temporary`, renames it to `path`, then fsyncs the folder.
    static func commit(_ temporary: String, to path: String) throws(ToolHostError) {
        try sync(temporary)
        guard rename(temporary, path) == 0 else {
            throw ToolHostError(.ioError, "Cannot move the finished file into place at \(path): \(String(cString: strerror(errno))).")
        }
        try sync(FilePath.directory(of: path))
    }

    /// fsyncs a file or a folder (a folder: the names in it).
    static func sync(_ path: String) throws(ToolHostError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ToolHostError(.ioError, "Cannot open \(path) to flush it to disk: \(String(cString: strerror(errno))).")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw ToolHostError(.ioError, "Cannot flush \(path) to disk: \(String(cString: strerror(errno))).")
        }
    }

    /// Removes a file or a folder tree, ignoring what is not there.
    static func remove(_ path: String) {
        if FileIO.isDirectory(path) {
            if let folder = opendir(path) {
                var names: [String] = []
                while let entry = readdir(folder) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(folder)
                for name in names { remove(FilePath.join(path, name)) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
