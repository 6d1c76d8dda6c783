#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import ToolHostCore

/// Where fetched and parsed OpenAPI documents are kept between calls: in this process (a
/// long-lived server reads a spec once) and in the data directory (`openapi-specs/`, one JSON
/// file per source), so a one-shot `toolhost run` neither refetches an unchanged URL (it asks
/// with `If-None-Match`/`If-Modified-Since` and takes a 304) nor re-parses an unchanged file
/// (same modification time and size).
enum OpenAPISpecCache {
    /// What is kept for one source: the document as JSON, and what says whether it is current.
    struct Entry {
        var root: JSONValue
        var etag: String?
        var lastModified: String?
        /// A file's modification time and size (`"1733300000.123456789:2048"`).
        var fileKey: String?
    }

    private struct Resident {
        let document: OpenAPIDocument
        let fileKey: String?
        let checkedAt: Double
    }

    private static let resident = Mutex<[String: Resident]>([:])

    /// The parsed document of `source` if this process has it, current by `fileKey` (files) or
    /// checked within `maxAge` seconds (URLs).
    static func document(for source: String, fileKey: String?, maxAge: Double) -> OpenAPIDocument? {
        resident.withLock { entries in
            guard let entry = entries[source] else { return nil }
            if let fileKey { return entry.fileKey == fileKey ? entry.document : nil }
            return MonotonicClock.now() - entry.checkedAt < maxAge ? entry.document : nil
        }
    }

    static func keep(_ document: OpenAPIDocument, for source: String, fileKey: String?) {
        resident.withLock { $0[source] = Resident(document: document, fileKey: fileKey, checkedAt: MonotonicClock.now()) }
    }

    static func file(for source: String, in dataDirectory: String) -> String {
        FilePath.join(FilePath.join(dataDirectory, "openapi-specs"), SHA256.hex(source) + ".json")
    }

    /// The copy in the data directory, when there is one for this very source.
    static func stored(_ source: String, in dataDirectory: String) -> Entry? {
        guard let bytes = try? FileIO.read(file(for: source, in: dataDirectory)),
              let value = try? JSONParser.parse(bytes), value["source"]?.stringValue == source,
              let root = value["document"] else { return nil }
        return Entry(root: root, etag: value["etag"]?.stringValue, lastModified: value["last_modified"]?.stringValue,
                     fileKey: value["file_key"]?.stringValue)
    }

    /// Writes the copy; a data directory that cannot be written only costs the next call a fetch.
    static func store(_ entry: Entry, for source: String, in dataDirectory: String) {
        var object: JSONObject = ["source": .string(source)]
        if let etag = entry.etag { object["etag"] = .string(etag) }
        if let lastModified = entry.lastModified { object["last_modified"] = .string(lastModified) }
        if let fileKey = entry.fileKey { object["file_key"] = .string(fileKey) }
        object["document"] = entry.root
        let path = file(for: source, in: dataDirectory)
        try? FileIO.makeDirectories(FilePath.directory(of: path))
        try? FileIO.writeAtomically(JSONWriter.bytes(.object(object)), to: path)
    }

    /// A file's modification time and size, nil when it cannot be read.
    static func fileKey(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_size)"
    }
}
