/// How to run a `type: custom` tool: a Python class, imported in a child process by the harness
/// ToolHost ships (`CustomHarness`), built with the YAML's `config:` and asked to `execute`.
///
/// ```yaml
/// type: custom
/// custom:
///   module: src.networking.udp_tools     # imported from python_path
///   class: UDPListener                   # __init__(config_manager=None), execute(**params) -> dict
///   config: {default_timeout: 30}        # what config_manager.get("default_timeout") answers
///   python_path: .                       # default: the catalogue's root (below)
///   python: python3                      # default: python3 on the plugins' PATH
///   timeout: 30                          # seconds, as for a plugin (or timeout_ms, execution.timeout)
/// ```
///
/// The process is started and supervised exactly as a plugin is (`PluginLauncher`): `supervision`
/// is the plugin block it would have had (command, timeout, environment, memory, sandbox).
public struct CustomClassSpec: Sendable, Equatable {
    /// Dotted module name, as `import` takes it.
    public var module: String
    /// Name of the class in that module.
    public var className: String
    /// The YAML's `config:` mapping; nil when absent (the class then gets `config_manager=None`).
    public var config: JSONObject?
    /// Folder put first on `sys.path`, as written (relative to the catalogue's root); nil: that root.
    public var pythonPath: String?
    /// The interpreter and the plugin settings of the child process (its `args` are unused: the
    /// harness is passed with `-c`).
    public var supervision: ExecutableSpec

    public init(module: String, className: String, config: JSONObject? = nil, pythonPath: String? = nil,
                supervision: ExecutableSpec = ExecutableSpec(command: CustomClassSpec.defaultPython)) {
        self.module = module
        self.className = className
        self.config = config
        self.pythonPath = pythonPath
        self.supervision = supervision
    }

    /// Found on the plugins' PATH (then through `plugins.command_fallbacks`).
    public static let defaultPython = "python3"

    /// Everything that decides what runs, for the pinned fingerprint (`ToolFingerprint`).
    public var json: JSONValue {
        var object: JSONObject = ["module": .string(module), "class": .string(className), "supervision": supervision.json]
        if let config { object["config"] = .object(config) }
        if let pythonPath { object["python_path"] = .string(pythonPath) }
        return .object(object)
    }

    /// The folder the module is imported from: `python_path` relative to the catalogue's root,
    /// which is the project folder (above `tools/`) in code-evolver's layout, where its classes
    /// are named `src.…`, and the YAML's folder in ToolHost's own layout.
    public func importRoot(of tool: ToolDefinition) -> String {
        let root = tool.layout.projectRoot ?? tool.directory
        return FilePath.absolute(pythonPath ?? ".", relativeTo: root)
    }
}

extension ToolDefinition.Runner {
    /// Whether a call may start a child process (a plugin, a custom tool's Python, a
    /// workflow's steps, an MCP server) or wait on a server outside (a model, an HTTP API),
    /// which a one-shot `toolhost run` stops with itself on Ctrl-C, SIGTERM or its own death.
    public var isInterruptible: Bool {
        switch self {
        case .plugin, .customClass, .workflow, .typeHandler, .streamProducer, .streamConsumer: true
        default: false
        }
    }
}
