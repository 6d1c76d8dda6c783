import ToolHostCore

/// The `mcp:` section of the config: replacements for the commands of MCP servers (a catalogue
/// written for `npx` on a machine that has none) and how long listing a server's tools may take.
///
/// ```yaml
/// mcp:
///   list_timeout_seconds: 30
///   retry_listing_after_seconds: 300   # a listing that failed is not tried again sooner
///   servers:
///     time:                        # a server_name, or the catalogue id of the entry
///       command: mcp-server-time   # replaces the entry's command; its args unless args is given
///       args: ["--local-timezone", "Europe/Paris"]
///       env: {TZ: Europe/Paris}     # added to the entry's env
/// ```
public struct MCPSettings: ConfigSection {
    /// What config puts in place of an entry's own `command`, `args`, `env` or `url`.
    public struct ServerOverride: Sendable, Equatable {
        public var command: String?
        public var args: [String]?
        public var env: [String: String]?
        public var url: String?

        public init(command: String? = nil, args: [String]? = nil, env: [String: String]? = nil, url: String? = nil) {
            self.command = command
            self.args = args
            self.env = env
            self.url = url
        }

        /// As JSON, for the fingerprint of a server's tool list.
        var json: JSONValue {
            var object = JSONObject()
            if let command { object["command"] = .string(command) }
            if let args { object["args"] = .array(args.map(JSONValue.string)) }
            if let env { object["env"] = .object(JSONObject(env.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })) }
            if let url { object["url"] = .string(url) }
            return .object(object)
        }
    }

    /// By server name (an entry's `server_name`) or catalogue id.
    public var servers: [String: ServerOverride] = [:]
    /// How long `toolhost list` (and any catalogue load) may wait for a server whose tools are
    /// not cached yet.
    public var listTimeoutSeconds: Double = 30
    /// How long a failed listing is remembered before the server is tried again, so that a
    /// server that does not start costs `toolhost list` its timeout once, not every time.
    public var retryListingAfterSeconds: Double = 300

    public init() {}

    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        self.init()
        listTimeoutSeconds = reader.number("mcp.list_timeout_seconds", default: listTimeoutSeconds)
        retryListingAfterSeconds = reader.number("mcp.retry_listing_after_seconds", default: retryListingAfterSeconds)
        guard let found = reader.value("mcp.servers") else { return }
        guard case .object(let entries) = found.value else {
            reader.report("mcp.servers must be a mapping of server names to {command, args, env, url}, not \(found.value.typeName)")
            return
        }
        for (name, value) in entries {
            let key = "mcp.servers.\(name)"
            guard case .object(let block) = value else {
                reader.report("\(key) must be a mapping with command, args, env or url, not \(value.typeName)")
                continue
            }
            var server = ServerOverride()
            for (field, value) in block {
                switch (field, value) {
                case ("command", .string(let text)): server.command = text
                case ("url", .string(let text)): server.url = text
                case ("args", .array(let items)) where items.allSatisfy({ $0.stringValue != nil }):
                    server.args = items.compactMap(\.stringValue)
                case ("env", .object(let variables)) where variables.allSatisfy({ $0.value.stringValue != nil }):
                    server.env = Dictionary(variables.compactMap { name, value in value.stringValue.map { (name, $0) } }, uniquingKeysWith: { $1 })
                case ("command", _), ("url", _):
                    reader.report("\(key).\(field) must be text, not \(value.typeName)")
                case ("args", _):
                    reader.report("\(key).args must be a list of text values")
                case ("env", _):
                    reader.report("\(key).env must be a mapping of variable names to text")
                default:
                    reader.report("\(key).\(field) is not a setting of an MCP server (command, args, env, url)")
                }
            }
            servers[name] = server
        }
    }
}
