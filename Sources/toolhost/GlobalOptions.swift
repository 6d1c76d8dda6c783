import ArgumentParser
import ToolHostCore
import ToolHostTools

/// Options every subcommand accepts: where the configuration and the tools are.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (default: $TOOLHOST_CONFIG, else ./config.yaml if present).", valueName: "file"))
    var config: String?

    @Option(name: .customLong("tools-dir"),
            help: ArgumentHelp("A tools directory; repeat for several (later ones override earlier ones). Replaces tools.paths.", valueName: "dir"))
    var toolsDirectories: [String] = []

    @Flag(name: .customLong("no-cache"), help: "Parse every tool file instead of reusing the catalogue cache.")
    var noCache = false

    /// The settings for this invocation, warnings printed to stderr.
    func loadConfig() throws(ToolHostError) -> HostConfig {
        var config = try ConfigLoader.load(explicitPath: self.config)
        if !toolsDirectories.isEmpty {
            config.toolsPaths = toolsDirectories.map { FilePath.absolute($0) }
        }
        if noCache { config.catalogueCache.isEnabled = false }
        for warning in config.warnings { Console.warn(warning) }
        return config
    }

    func invoker() throws(ToolHostError) -> ToolInvoker {
        ToolInvoker(config: try loadConfig(), handlers: BuiltinHandlers.registry)
    }
}
