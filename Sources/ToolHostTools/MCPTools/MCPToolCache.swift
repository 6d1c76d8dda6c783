import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// The tools of each MCP server as its `tools/list` last gave them, in the data directory
/// (`mcp-tools/<server>-<fingerprint>.json`), so that listing the catalogue does not start
/// every server: filled the first time the tools are needed (or when the file is missing),
/// keyed by a fingerprint of the entry's `mcp` block and config's replacement for it, so a
/// changed command or argument lists again. Delete the folder to list every server afresh.
///
/// A listing that failed is remembered too (`…-<fingerprint>.failed.json`) for
/// `mcp.retry_listing_after_seconds`: a server that does not start (a command that hangs
/// fetching itself, say) then costs `toolhost list` its listing timeout once, not on every call.
enum MCPToolCache {
    static let formatVersion: Int64 = 1

    static func path(of spec: MCPServerSpec, config: HostConfig) -> String {
        let safeName = String(spec.serverName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(64))
        return FilePath.join(FilePath.join(config.dataDirectory, "mcp-tools"), "\(safeName)-\(spec.fingerprint).json")
    }

    /// The cached tools, or nil when there are none (or the file is unreadable: listed again).
    static func read(_ spec: MCPServerSpec, config: HostConfig) -> [JSONObject]? {
        guard let bytes = try? FileIO.read(path(of: spec, config: config)),
              let document = try? JSONParser.parse(bytes),
              document["format"] == .integer(formatVersion),
              let tools = document["tools"]?.arrayValue else { return nil }
        return tools.compactMap(\.objectValue)
    }

    /// Remembers `tools`; a data directory that cannot be written only means listing again.
    static func write(_ tools: [JSONObject], for spec: MCPServerSpec, config: HostConfig) {
        let path = path(of: spec, config: config)
        let document: JSONValue = ["format": .integer(formatVersion), "server": .string(spec.serverName),
                                   "entry": .string(spec.entryID), "tools": .array(tools.map(JSONValue.object))]
        guard (try? FileIO.makeDirectories(FilePath.directory(of: path))) != nil else { return }
        try? FileIO.writeAtomically(JSONWriter.bytes(document, style: .pretty), to: path)
    }

    /// Why listing failed, when it failed less than `retryAfterSeconds` ago.
    static func recentFailure(_ spec: MCPServerSpec, config: HostConfig, retryAfterSeconds: Double) -> String? {
        guard let bytes = try? FileIO.read(failurePath(of: spec, config: config)),
              let document = try? JSONParser.parse(bytes),
              let at = document["at"]?.numberValue, let message = document["error"]?.stringValue else { return nil }
        let age = Double(time(nil)) - at
        guard age >= 0, age < retryAfterSeconds else { return nil }
        return "\(message) (listing failed \(Int(age)) s ago; tried again \(Int(retryAfterSeconds - age)) s from now, or at once after deleting \(failurePath(of: spec, config: config)))"
    }

    /// Remembers that listing failed now, with why.
    static func writeFailure(_ message: String, for spec: MCPServerSpec, config: HostConfig) {
        let path = failurePath(of: spec, config: config)
        let document: JSONValue = ["format": .integer(formatVersion), "server": .string(spec.serverName), "at": .integer(Int64(time(nil))),
                                   "error": .string(message)]
        guard (try? FileIO.makeDirectories(FilePath.directory(of: path))) != nil else { return }
        try? FileIO.writeAtomically(JSONWriter.bytes(document, style: .pretty), to: path)
    }

    /// Forgets a failed listing (the server listed its tools since).
    static func clearFailure(_ spec: MCPServerSpec, config: HostConfig) {
        _ = unlink(failurePath(of: spec, config: config))
    }

    private static func failurePath(of spec: MCPServerSpec, config: HostConfig) -> String {
        let path = path(of: spec, config: config)
        return String(path.dropLast(".json".count)) + ".failed.json"
    }
}
