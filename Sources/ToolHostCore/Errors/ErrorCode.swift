/// A stable, snake_case name for a kind of failure: the `error_code` field of every error answer.
///
/// Callers switch on these, so a code never changes meaning once shipped. Later libraries add
/// their own codes as static members in extensions.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The input is not JSON (syntax, encoding, empty).
    public static let invalidJSON = ErrorCode("invalid_json")
    /// A front end's request is not of the form it takes (a JSON line without a tool, say).
    public static let invalidRequest = ErrorCode("invalid_request")
    /// The input is JSON but breaks the tool's schema or an operation's rules.
    public static let invalidInput = ErrorCode("invalid_input")
    /// No tool has the requested id.
    public static let unknownTool = ErrorCode("unknown_tool")
    /// The record the input names does not exist.
    public static let notFound = ErrorCode("not_found")
    /// Two files of one tools directory define the same id differently.
    public static let conflictingDefinitions = ErrorCode("conflicting_tool_definitions")
    /// The tool's YAML cannot be read or makes no sense for running it.
    public static let invalidToolDefinition = ErrorCode("invalid_tool_definition")
    /// The tool's type is one this host keeps in the catalogue but cannot run.
    public static let unsupportedToolType = ErrorCode("unsupported_tool_type")
    /// A `handler:` names no registered Swift handler.
    public static let unknownHandler = ErrorCode("unknown_handler")
    /// The input's `operation` is not one the handler offers.
    public static let unknownOperation = ErrorCode("unknown_operation")
    /// The tool's definition changed since it was approved (`toolhost approve ID` after checking
    /// it), or the approvals file cannot be read; see `ToolApprovals`.
    public static let toolChanged = ErrorCode("tool_changed")
    /// The plugin's command or script does not exist or is not executable.
    public static let commandNotFound = ErrorCode("command_not_found")
    /// The plugin could not be started for another reason (permissions, working directory...).
    public static let spawnFailed = ErrorCode("spawn_failed")
    /// A long-lived ToolHost has `service.max_queued_calls` calls waiting already: try later.
    public static let overloaded = ErrorCode("overloaded")
    /// The plugin ran longer than its timeout and was stopped.
    public static let timeout = ErrorCode("timeout")
    /// The plugin wrote more to stdout than the configured cap and was stopped.
    public static let outputLimitExceeded = ErrorCode("output_limit_exceeded")
    /// The plugin exited with a non-zero status.
    public static let pluginFailed = ErrorCode("plugin_failed")
    /// The configuration file or an environment override is wrong.
    public static let invalidConfig = ErrorCode("invalid_config")
    /// A path in a tool's input points outside the folders tool inputs may name
    /// (`files.export_dir`, `files.writable_dirs`, `training.archive_dir`), or climbs with `..`.
    public static let pathNotAllowed = ErrorCode("path_not_allowed")
    /// `network.allowed_hosts` does not list the host a tool (or its spec, or its MCP server)
    /// would reach.
    public static let hostNotAllowed = ErrorCode("host_not_allowed")
    /// A file the command needed could not be read or written.
    public static let ioError = ErrorCode("io_error")
    /// Audio that cannot be read as what it claims to be: not a WAV file, a damaged header,
    /// no samples, fewer than analysis needs, PCM whose size is not whole frames.
    public static let invalidAudio = ErrorCode("invalid_audio")
    /// Audio in a form ToolHost does not decode (compressed WAV, an encoding other than the
    /// listed ones, a rate outside what analysis takes): the message names what is taken.
    public static let unsupportedAudio = ErrorCode("unsupported_audio")
    /// A bug in ToolHost: the message says what was being done.
    public static let internalError = ErrorCode("internal_error")
}
