/// ToolHost's settings after config.yaml, environment overrides and command-line options.
///
/// Every value has a built-in default, so a host with no config file works; `ConfigLoader`
/// documents the keys and the environment variables that override them.
public struct HostConfig: Sendable {
    /// The config file the settings came from, or nil for built-in defaults.
    public var file: String?
    /// The tools directories with their layouts, earliest first; a later one overrides an
    /// earlier one's ids (and any of them a built-in definition).
    public var toolsDirectories: [ToolsDirectory]
    /// Where ToolHost keeps its own files when the config names no other place (the SQLite
    /// file, archives, generated tools): `data/` beside the config file, else the user's data
    /// directory. Never the folder ToolHost happens to be started in.
    public var dataDirectory: String
    public var catalogueCache: CatalogueCacheSettings
    public var plugins: PluginSettings
    public var database: DatabaseSettings
    /// Where tools registered through ToolHost are written; always part of the catalogue.
    public var generatedToolsPath: String
    /// Re-create generated tools that are in the database but missing on disk, at start.
    public var restoreGeneratedTools: Bool
    /// What `run` and the servers do with a tool changed since it was approved (`ToolApprovals`).
    public var pinning = PinningSettings()
    /// Which calls the operator allows, per tool and operation (`policy:`).
    public var policy = CallPolicy()
    public var training: TrainingSettings
    /// Where paths in tool inputs may point (`ConfinedPaths`).
    public var files: FileSettings
    /// The hash-chained log of every call (`AuditChain`).
    public var audit: AuditSettings
    public var service: ServiceSettings
    /// The subsystems' own settings, by type (`self[section: MemorySettings.self]`).
    var sections: [ObjectIdentifier: any ConfigSection] = [:]
    /// Things worth telling the user that do not stop anything (unknown keys, unset variables).
    public var warnings: [String]

    /// Settings with `toolsPaths` in ToolHost's layout; a default left out is taken from
    /// `dataDirectory` (default: `data/` beside the config file or the first tools directory).
    public init(file: String? = nil, toolsPaths: [String], dataDirectory: String? = nil, catalogueCache: CatalogueCacheSettings = .init(),
                plugins: PluginSettings = .init(), database: DatabaseSettings? = nil, generatedToolsPath: String? = nil,
                restoreGeneratedTools: Bool = false, training: TrainingSettings? = nil, files: FileSettings? = nil, audit: AuditSettings? = nil,
                service: ServiceSettings = .init(), warnings: [String] = []) {
        self.file = file
        self.toolsDirectories = toolsPaths.map { ToolsDirectory(path: $0) }
        // Beside the config file or the first tools directory, else the user's data directory:
        // never the current folder.
        let dataDirectory = dataDirectory ?? (file ?? toolsPaths.first).map { FilePath.join(FilePath.directory(of: $0), "data") }
            ?? UserDirectories.data(ProcessEnvironment.current())
        self.dataDirectory = dataDirectory
        self.catalogueCache = catalogueCache
        self.plugins = plugins
        self.database = database ?? DatabaseSettings(path: FilePath.join(dataDirectory, "toolhost.db"))
        self.generatedToolsPath = generatedToolsPath ?? toolsPaths.first.map { FilePath.join($0, "generated") }
            ?? FilePath.join(dataDirectory, "generated_tools")
        self.restoreGeneratedTools = restoreGeneratedTools
        self.training = training ?? TrainingSettings(archiveDirectory: FilePath.join(dataDirectory, "archive"))
        self.files = files ?? FileSettings(exportDirectory: FilePath.join(dataDirectory, "exports"))
        self.audit = audit ?? AuditSettings()
        self.service = service
        self.warnings = warnings
    }

    /// The paths of `toolsDirectories`; set, they replace them in ToolHost's layout (`--tools-dir`).
    public var toolsPaths: [String] {
        get { toolsDirectories.map(\.path) }
        set { toolsDirectories = newValue.map { ToolsDirectory(path: $0) } }
    }

    /// The tools directories the catalogue reads: the configured ones, then the generated
    /// tools folder unless it already lies inside one of them (it may not exist yet: tools
    /// registered later in a long-lived process must still be found).
    public var catalogueDirectories: [ToolsDirectory] {
        let inside = toolsPaths.contains { generatedToolsPath == $0 || generatedToolsPath.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
        return inside ? toolsDirectories : toolsDirectories + [ToolsDirectory(path: generatedToolsPath)]
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
    /// Pass the host's whole environment, except `secretVariables`, instead of the allow-list.
    public var inheritEnvironment = false
    /// Variables never passed on wholesale (by `inherit_all` or code-evolver's layout), only
    /// when `passEnvironment` names them. `NAME`, `PREFIX*` or `*SUFFIX`.
    public var secretVariables = ["TOOLHOST_HTTP_TOKEN"]
    /// Commands to try when a tool's command is not on PATH (`python` → `python3` on Debian).
    public var commandFallbacks: [String: String] = ["python": "python3"]
    /// How every plugin run is confined (`plugins.sandbox`); a tool's `sandbox:` only tightens it.
    public var sandbox = SandboxPolicy()

    /// The variables every plugin gets from the host, when set: enough to find programs, write
    /// temporary files and speak the user's locale, and nothing secret.
    public static let baseEnvironment = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR"]

    public init() {}

    /// How long a call of `tool` may take unless a caller says otherwise: its YAML `timeout`
    /// (a plugin's in its `executable:` block, a custom tool's in its `custom:` block, a network
    /// tool's in its type's block or at the top), else `defaultTimeoutSeconds`.
    public func timeoutSeconds(of tool: ToolDefinition) -> Double {
        (tool.executable ?? tool.custom?.supervision)?.timeoutSeconds ?? tool.declaredTimeoutSeconds ?? defaultTimeoutSeconds
    }

    /// Whether the host variable `name` may be passed to a plugin; `passingAll` for a layout
    /// that passes the caller's environment through (code-evolver's).
    public func allowsVariable(_ name: String, passingAll: Bool = false) -> Bool {
        if passEnvironment.contains(name) || Self.baseEnvironment.contains(name) || name.hasPrefix("LC_") { return true }
        return (inheritEnvironment || passingAll) && !isSecret(name)
    }

    /// Whether `name` matches a pattern of `secretVariables`: `NAME`, `PREFIX*`, `*SUFFIX` or
    /// `*PART*`.
    public func isSecret(_ name: String) -> Bool {
        secretVariables.contains { pattern in
            switch (pattern.hasPrefix("*"), pattern.hasSuffix("*") && pattern.count > 1) {
            case (true, true): name.contains(pattern.dropFirst().dropLast())
            case (false, true): name.hasPrefix(pattern.dropLast())
            case (true, false): name.hasSuffix(pattern.dropFirst())
            case (false, false): name == pattern
            }
        }
    }
}
