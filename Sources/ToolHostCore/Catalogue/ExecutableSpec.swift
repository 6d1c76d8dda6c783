/// How to start a plugin: the `executable:` block of a tool definition (or the top-level
/// `command`/`args` some files use instead).
public struct ExecutableSpec: Sendable, Equatable {
    /// Program to run: a name looked up on PATH, or a path (relative paths are taken from the
    /// tool's folder).
    public var command: String
    /// Argument templates; the built-in placeholders (`PluginPlacement`) and `{input_key}` are
    /// filled per call.
    public var args: [String]
    /// Whether the input object is written to the plugin's stdin. Absent means yes: a plugin
    /// that ignores its stdin loses nothing, one that reads it would otherwise starve.
    public var stdinMode: Bool
    /// Seconds; from `timeout` (s) or `timeout_ms`.
    public var timeoutSeconds: Double?
    /// Relative to the layout's working directory (`PluginPlacement`), which is the default.
    public var workingDirectory: String?
    /// Extra variables for the plugin, in file order; values may use `${VAR}`.
    public var environment: [EnvironmentEntry]
    /// Shown in the "command not found" error so the user knows how to get the program.
    public var installCommand: String?
    public var memoryLimitMB: Int?
    /// The `script_path` of the form `{script_path, interpreter}`, as written: it runs as
    /// `interpreter script_path` (or as the script itself), and must exist where the plugin runs.
    public var scriptPath: String?
    /// `evolved_file`: an evolved version of the script (`{evolved_file}`; code-evolver runs it
    /// instead of the `{tool_dir}/*.py` argument).
    public var evolvedFile: String?
    /// The tool's own `sandbox:` block, which tightens `plugins.sandbox`.
    public var sandbox: ToolSandbox

    public struct EnvironmentEntry: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public init(command: String, args: [String] = [], stdinMode: Bool = true, timeoutSeconds: Double? = nil,
                workingDirectory: String? = nil, environment: [EnvironmentEntry] = [],
                installCommand: String? = nil, memoryLimitMB: Int? = nil, scriptPath: String? = nil, evolvedFile: String? = nil,
                sandbox: ToolSandbox = ToolSandbox()) {
        self.command = command
        self.args = args
        self.stdinMode = stdinMode
        self.timeoutSeconds = timeoutSeconds
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.installCommand = installCommand
        self.memoryLimitMB = memoryLimitMB
        self.scriptPath = scriptPath
        self.evolvedFile = evolvedFile
        self.sandbox = sandbox
    }

    public var json: JSONValue {
        var object: JSONObject = ["command": .string(command), "args": .array(args.map { .string($0) }),
                                  "stdin_mode": .bool(stdinMode)]
        if let timeoutSeconds { object["timeout"] = .double(timeoutSeconds) }
        if let workingDirectory { object["working_dir"] = .string(workingDirectory) }
        if !environment.isEmpty {
            object["environment"] = .object(JSONObject(environment.map { ($0.name, .string($0.value)) }))
        }
        if let installCommand { object["install_command"] = .string(installCommand) }
        if let memoryLimitMB { object["memory_limit_mb"] = .int(memoryLimitMB) }
        if let scriptPath { object["script_path"] = .string(scriptPath) }
        if let evolvedFile { object["evolved_file"] = .string(evolvedFile) }
        if !sandbox.isEmpty { object["sandbox"] = sandbox.json }
        return .object(object)
    }
}
