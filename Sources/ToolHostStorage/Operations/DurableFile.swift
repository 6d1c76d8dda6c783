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

    /// fsyncs `temporary` (a file or a folder tree's top), renames it to `path`, then fsyncs
    /// the folder (`FileIO.replace`).
    static func commit(_ temporary: String, to path: String) throws(ToolHostError) {
        try sync(temporary)
        do {
            try FileIO.replace(path, with: temporary)
        } catch {
            throw ToolHostError(.ioError, "Cannot move the finished file into place at \(path): \(error.reason).")
        }
    }

    /// fsyncs a file or a folder (a folder: the names in it).
    static func sync(_ path: String) throws(ToolHostError) {
        do {
            try FileIO.sync(path)
        } catch {
            throw ToolHostError(.ioError, "Cannot flush \(path) to disk: \(error.reason).")
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
