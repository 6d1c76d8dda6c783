import ArgumentParser
import ToolHostCore
import ToolHostNetwork
import ToolHostTools

/// Options every subcommand accepts: where the configuration and the tools are.
public struct GlobalOptions: ParsableArguments {
    public init() {}

    @Option(name: .long, help: ArgumentHelp("Configuration file (default: $TOOLHOST_CONFIG, else ./config.yaml if present).", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    public var config: String?

    @Option(name: .customLong("tools-dir"),
            help: ArgumentHelp("A tools directory; repeat for several (later ones override earlier ones). Replaces tools.paths.", valueName: "dir"),
            completion: .directory)
    public var toolsDirectories: [String] = []

    @Flag(name: .customLong("no-cache"), help: "Parse every tool file instead of reusing the catalogue cache.")
    public var noCache = false

    /// The same choices as plain values.
    public var selection: HostSelection {
        HostSelection(configPath: config, toolsDirectories: toolsDirectories, noCache: noCache)
    }

    public func loadConfig() throws(ToolHostError) -> HostConfig { try selection.loadConfig() }

    /// The settings, or the error printed for people and the command's exit status thrown.
    public func loadConfigOrExit() throws(ExitCode) -> HostConfig {
        do {
            return try loadConfig()
        } catch {
            throw Console.fail(error)
        }
    }

    public func invoker() throws(ToolHostError) -> ToolInvoker { try selection.invoker() }
}

/// Which configuration and tools a command works with, however the command line was read.
public struct HostSelection: Equatable {
    public var configPath: String?
    public var toolsDirectories: [String] = []
    public var noCache = false

    public init(configPath: String? = nil, toolsDirectories: [String] = [], noCache: Bool = false) {
        self.configPath = configPath
        self.toolsDirectories = toolsDirectories
        self.noCache = noCache
    }

    /// The settings for this invocation, warnings printed to stderr.
    public func loadConfig() throws(ToolHostError) -> HostConfig {
        var config = try ConfigLoader.load(explicitPath: configPath, sections: HostSections.all)
        if !toolsDirectories.isEmpty {
            config.toolsPaths = toolsDirectories.map { FilePath.absolute($0) }
        }
        if noCache { config.catalogueCache.isEnabled = false }
        for warning in config.warnings { Console.warn(warning) }
        return config
    }

    public func invoker() throws(ToolHostError) -> ToolInvoker {
        try invoker(config: try loadConfig())
    }

    /// The invoker for settings already loaded (`loadConfig`).
    public func invoker(config: HostConfig) throws(ToolHostError) -> ToolInvoker {
        if config.restoreGeneratedTools { restoreGeneratedTools(config) }
        TracingSetup.install(config) { Console.warn($0) }
        return ToolInvoker(config: config, handlers: BuiltinHandlers.registry)
    }

    /// `tools.restore_generated`: bring back generated tools the database has and the disk
    /// lost. A failure here is a warning: the call itself goes on.
    private func restoreGeneratedTools(_ config: HostConfig) {
        do throws(ToolHostError) {
            let result = try ToolRegistration(config: config, handlers: BuiltinHandlers.registry).restore()
            if !result.restored.isEmpty { Console.warn("restored generated tools: \(result.restored.joined(separator: ", "))") }
        } catch {
            Console.warn("could not restore generated tools: \(error.message)")
        }
    }
}
