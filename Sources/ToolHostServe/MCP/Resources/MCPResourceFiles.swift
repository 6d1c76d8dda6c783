import Foundation
import ToolHostCore

/// Resources that are files: finished exports in `files.export_dir` and the tools registered
/// through ToolHost in `tools.generated_path` (one folder per tool: `ID.yaml` and its code).
/// Only reads; every path is resolved (links too) and must stay inside its folder.
struct MCPResourceFiles {
    let folder: String
    let maxBytes: Int

    /// A file and when it last changed (listings are newest first).
    struct Entry {
        let name: String
        let path: String
        let size: Int
        let modified: Date
    }

    /// Finished exports: regular files, never `NAME.partial-PID` (an export still being written
    /// by `ExportWriter`, renamed into place only when complete) nor hidden ones.
    func exports() -> [Entry] {
        entries().filter { entry in
            !entry.name.hasPrefix(".") && !entry.name.contains(".partial-") && isRegularFile(entry.path)
        }.sorted(by: Self.newestFirst)
    }

    /// Generated tools: folders holding `ID.yaml`, dated by that file.
    func tools() -> [Entry] {
        entries().compactMap { folder in
            guard !folder.name.hasPrefix("."), let yaml = entry(FilePath.join(folder.path, "\(folder.name).yaml"), name: folder.name),
                  isRegularFile(yaml.path) else { return nil }
            return yaml
        }.sorted(by: Self.newestFirst)
    }

    /// The files of tool `id`: its YAML first, then its code and any other file in its folder.
    func toolFiles(_ id: String) throws(ToolHostError) -> [(name: String, path: String)] {
        let toolFolder = try confined(id, what: "tool")
        let yaml = FilePath.join(toolFolder, "\(id).yaml")
        guard isRegularFile(yaml) else {
            throw ToolHostError(.resourceNotFound, "No generated tool '\(id)' in \(folder): tools_manager list shows the registered ones.")
        }
        let others = ((try? FileManager.default.contentsOfDirectory(atPath: toolFolder)) ?? []).sorted()
            .filter { $0 != "\(id).yaml" && !$0.hasPrefix(".") && isRegularFile(FilePath.join(toolFolder, $0)) }
        return [("\(id).yaml", yaml)] + others.map { ($0, FilePath.join(toolFolder, $0)) }
    }

    /// The path of export `name`, refused when it is not a finished export in the folder.
    func export(_ name: String) throws(ToolHostError) -> String {
        let path = try confined(name, what: "export")
        guard !name.hasPrefix("."), !name.contains(".partial-"), isRegularFile(path) else {
            throw ToolHostError(.resourceNotFound, "No finished export '\(name)' in \(folder): resources/list shows the exports there.")
        }
        return path
    }

    /// The file's bytes, refused above `maxBytes` before they are read.
    func contents(of path: String) throws(ToolHostError) -> [UInt8] {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxBytes else {
            throw ToolHostError(.resourceTooLarge, "\(FilePath.lastComponent(of: path)) has \(size) bytes, more than files.resource_read_max_bytes (\(maxBytes)): read the file on the host or raise the limit.",
                                details: ["size": .int(size), "max_bytes": .int(maxBytes)])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ToolHostError(.resourceNotFound, "\(FilePath.lastComponent(of: path)) could not be read; it may have been removed meanwhile.")
        }
        return [UInt8](data)
    }

    /// `folder/name` with links resolved; refused when it resolves outside `folder`.
    private func confined(_ name: String, what: String) throws(ToolHostError) -> String {
        let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        let path = URL(fileURLWithPath: FilePath.join(folder, name)).resolvingSymlinksInPath().path
        guard path.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw ToolHostError(.resourcePathRefused, "The \(what) '\(name)' is refused: it resolves outside \(folder).")
        }
        return FilePath.join(folder, name)
    }

    private func entries() -> [Entry] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { name in
            entry(FilePath.join(folder, name), name: name)
        }
    }

    private func entry(_ path: String, name: String) -> Entry? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return Entry(name: name, path: path, size: attributes[.size] as? Int ?? 0, modified: attributes[.modificationDate] as? Date ?? .distantPast)
    }

    private func isRegularFile(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
    }

    private static func newestFirst(_ a: Entry, _ b: Entry) -> Bool {
        a.modified != b.modified ? a.modified > b.modified : a.name < b.name
    }

    /// The MIME type a client shows the file as, from its extension.
    static func mimeType(of name: String) -> String {
        switch FilePath.lastComponent(of: name).split(separator: ".").last.map({ $0.lowercased() }) ?? "" {
        case "json": "application/json"
        case "jsonl", "ndjson": "application/x-ndjson"
        case "csv": "text/csv"
        case "yaml", "yml": "application/yaml"
        case "py": "text/x-python"
        case "md": "text/markdown"
        case "sh": "text/x-shellscript"
        case "js", "mjs": "text/javascript"
        case "txt", "log": "text/plain"
        case "parquet": "application/vnd.apache.parquet"
        default: "application/octet-stream"
        }
    }
}
