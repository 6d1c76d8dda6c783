/// ToolHost's settings after config.yaml, environment overrides and command-line options.
///
/// Every value has a built-in default, so a host with no config file works; `ConfigLoader`
/// documents the keys and the environment variables that override them.
public struct HostConfig: Sendable {
    /// The config file the settings came from, or nil for built-in defaults.
    public var file: String?
    /// Absolute tools directories, earliest first; a later one overrides an earlier one's ids.
    public var toolsPaths: [String]
    public var catalogueCache: CatalogueCacheSettings
    public var plugins: PluginSettings
    public var database: DatabaseSettings
    /// Where tools registered through ToolHost are written; always part of the catalogue.
    public var generatedToolsPath: String
    /// Re-create generated tools that are in the database but missing on disk, at start.
    public var restoreGeneratedTools: Bool
    public var training: TrainingSettings
    public var streaming: StreamingSettings
    public var memory: MemorySettings
    public var service: ServiceSettings
    /// Things worth telling the user that do not stop anything (unknown keys, unset variables).
    public var warnings: [String]

    public init(file: String? = nil, toolsPaths: [String], catalogueCache: CatalogueCacheSettings = .init(),
                plugins: PluginSettings = .init(), database: DatabaseSettings? = nil, generatedToolsPath: String? = nil,
                restoreGeneratedTools: Bool = false, training: TrainingSettings? = nil, streaming: StreamingSettings = .init(),
                memory: MemorySettings = .init(), service: ServiceSettings = .init(), warnings: [String] = []) {
        self.file = file
        self.toolsPaths = toolsPaths
        self.catalogueCache = catalogueCache
        self.plugins = plugins
        let base = file.map(FilePath.directory(of:)) ?? toolsPaths.first.map(FilePath.directory(of:)) ?? FilePath.currentDirectory()
        self.database = database ?? DatabaseSettings(path: FilePath.join(base, "data/toolhost.db"))
        self.generatedToolsPath = generatedToolsPath ?? FilePath.join(toolsPaths.first ?? FilePath.join(base, "tools"), "generated")
        self.restoreGeneratedTools = restoreGeneratedTools
        self.training = training ?? TrainingSettings(archiveDirectory: FilePath.join(base, "data/archive"))
        self.streaming = streaming
        self.memory = memory
        self.service = service
        self.warnings = warnings
    }

    /// The tools directories the catalogue reads: the configured ones, then the generated
    /// tools folder unless it already lies inside one of them (it may not exist yet: tools
    /// registered later in a long-lived process must still be found).
    public var catalogueRoots: [String] {
        let inside = toolsPaths.contains { generatedToolsPath == $0 || generatedToolsPath.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
        return inside ? toolsPaths : toolsPaths + [generatedToolsPath]
    }
}

public struct CatalogueCacheSettings: Sendable {
    /// Whether `list` and `validate` reuse parsed definitions of unchanged files.
    public var isEnabled = true
    /// Where the cache files live; nil means `$XDG_CACHE_HOME/toolhost` or `~/.cache/toolhost`.
    public var directory: String?

    public init(isEnabled: Bool = true, directory: String? = nil) {
        self.isEnabled = isEnabled
        self.directory = directory
    }
}

public struct PluginSettings: Sendable {
    /// Used when a tool's YAML sets no timeout.
    public var defaultTimeoutSeconds: Double = 60
    /// Between SIGTERM and SIGKILL when a plugin is stopped.
    public var killGraceSeconds: Double = 2
    /// Cap on captured stdout and on captured stderr, each.
    public var maxOutputBytes = 16 * 1024 * 1024
    /// Host variables a plugin sees in addition to `PluginSettings.baseEnvironment`.
    public var passEnvironment: [String] = []
    /// Pass the host's whole environment (secrets included) instead of the allow-list.
    public var inheritEnvironment = false
    /// Commands to try when a tool's command is not on PATH (`python` → `python3` on Debian).
    public var commandFallbacks: [String: String] = ["python": "python3"]

    /// The variables every plugin gets from the host, when set: enough to find programs, write
    /// temporary files and speak the user's locale, and nothing secret.
    public static let baseEnvironment = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR"]

    public init() {}

    /// Whether the host variable `name` may be passed to plugins.
    public func allowsVariable(_ name: String) -> Bool {
        inheritEnvironment || Self.baseEnvironment.contains(name) || name.hasPrefix("LC_") || passEnvironment.contains(name)
    }
}
