/// The catalogue: the built-in definitions, then the tools in the configured directories,
/// loaded whole (for `list`, `validate`, MCP export...) or one id at a time (for `run`, which
/// must not parse hundreds of files to start one tool).
///
/// Both paths apply the same duplicate and override rules, because a targeted lookup loads
/// every file whose stem is the id, from every tools directory.
public struct ToolsManager: Sendable {
    public let directories: [ToolsDirectory]
    /// Roots that may be missing without a warning (the generated tools folder).
    public let optionalRoots: Set<String>
    public let cache: CatalogueCacheSettings
    /// Definitions compiled into the binary, before every tools directory.
    public let builtins: [BuiltinTool]
    private let environment: [String: String]
    /// The type handlers that expand entries into more tools (`ToolExpander`), when built
    /// with a handler registry.
    public var expansion: CatalogueExpansion?

    public init(directories: [ToolsDirectory], optionalRoots: Set<String> = [], cache: CatalogueCacheSettings = .init(isEnabled: false),
                builtins: [BuiltinTool] = [], environment: [String: String] = ProcessEnvironment.current()) {
        self.directories = directories
        self.optionalRoots = optionalRoots
        self.cache = cache
        self.builtins = builtins
        self.environment = environment
    }

    /// Directories in ToolHost's layout and no built-in definitions (tests, `validate` of files).
    public init(roots: [String], optionalRoots: Set<String> = [], cache: CatalogueCacheSettings = .init(isEnabled: false),
                environment: [String: String] = ProcessEnvironment.current()) {
        self.init(directories: roots.map { ToolsDirectory(path: $0) }, optionalRoots: optionalRoots, cache: cache, environment: environment)
    }

    public init(config: HostConfig, builtins: [BuiltinTool], environment: [String: String] = ProcessEnvironment.current()) {
        self.init(directories: config.catalogueDirectories, optionalRoots: [config.generatedToolsPath], cache: config.catalogueCache,
                  builtins: builtins, environment: environment)
    }

    /// The catalogue of `config` as `handlers` see it: their built-in definitions, and the
    /// tools their type handlers expand entries into (an `mcp` entry's server tools).
    public init(config: HostConfig, handlers: HandlerRegistry, environment: [String: String] = ProcessEnvironment.current()) {
        self.init(config: config, builtins: handlers.builtinTools, environment: environment)
        expansion = CatalogueExpansion(handlers: handlers, context: ToolExpansionContext(config: config, environment: environment))
    }

    /// The tools directories' paths, in order.
    public var roots: [String] { directories.map(\.path) }

    /// Loads every tool, reusing cached readings of unchanged files (and built-in texts) when
    /// the cache is enabled.
    public func loadCatalogue() -> Catalogue {
        let scan = CatalogueScanner.scan(roots: roots, optionalRoots: optionalRoots)
        var cache = CatalogueCache(directory: cache.isEnabled ? cacheDirectory : nil, roots: roots)
        let sources = builtins.map { (file: $0.file, builtin: Optional($0)) } + scan.files.map { (file: $0, builtin: nil) }
        var outcomes: [(file: ToolFile, outcome: ToolFileLoader.Outcome)] = []
        outcomes.reserveCapacity(sources.count)
        for (file, builtin) in sources {
            let parsed: ToolFileLoader.Parsed
            if let cached = cache.lookup(file) {
                parsed = cached
            } else {
                parsed = builtin.map(ToolFileLoader.parse) ?? ToolFileLoader.parse(file)
                cache.store(parsed, for: file)
            }
            switch parsed {
            case .document(let document): outcomes.append((file, ToolFileLoader.decode(document, file: file, layout: directories.layout(of: file.root))))
            case .invalid(let diagnostic), .unreadable(let diagnostic): outcomes.append((file, .failed(diagnostic)))
            }
        }
        cache.save(keeping: sources.map(\.file))
        let catalogue = Catalogue(outcomes: outcomes, diagnostics: scan.diagnostics)
        return expansion?.expand(catalogue) ?? catalogue
    }

    /// The definition of one tool, reading only the files named after it.
    public func definition(for id: String) throws(ToolHostError) -> ToolDefinition {
        let scan = CatalogueScanner.scan(roots: roots, onlyID: id, optionalRoots: optionalRoots)
        let outcomes = builtins.filter { $0.id == id }.map { (file: $0.file, outcome: ToolFileLoader.load($0)) }
            + scan.files.map { (file: $0, outcome: ToolFileLoader.load($0, layout: directories.layout(of: $0.root))) }
        if !outcomes.isEmpty {
            return try Catalogue(outcomes: outcomes).definition(for: id)
        }
        // `<entry>.<name>`: a tool an entry stands for (`ToolExpander`).
        if let expansion, let expanded = expansion.definition(for: id, entry: { prefix in
            let files = CatalogueScanner.scan(roots: roots, onlyID: prefix, optionalRoots: optionalRoots).files
            let outcomes = files.map { (file: $0, outcome: ToolFileLoader.load($0, layout: directories.layout(of: $0.root))) }
            return outcomes.isEmpty ? nil : try? Catalogue(outcomes: outcomes).definition(for: prefix)
        }) {
            return expanded
        }
        // Unknown id: suggest close ones from file names alone, still without parsing.
        let known = Set(CatalogueScanner.scan(roots: roots).files.map(\.id)).union(builtins.map(\.id))
        var error = Catalogue.unknownTool(id, among: known)
        if !roots.contains(where: { FileIO.isDirectory($0) && !optionalRoots.contains($0) }) {
            let looked = roots.filter { !optionalRoots.contains($0) }
            var place = looked.isEmpty
                ? "No tools directory is configured (only the built-in tools are known): pass --tools-dir DIR, set TOOLHOST_TOOLS_PATH, or list tools.paths in toolhost.yaml."
                : "No tools directory exists (looked in \(looked.joined(separator: ", "))); set tools.paths or --tools-dir."
            if looked.isEmpty, FileIO.isDirectory("tools") {
                place += " (./tools is not read without a ToolHost config.)"
            }
            error = ToolHostError(error.code, error.message + " " + place, details: error.details)
        }
        throw error
    }

    /// `tools.cache_dir`, else `$XDG_CACHE_HOME/toolhost`, else `~/.cache/toolhost`.
    var cacheDirectory: String { cache.directory ?? UserDirectories.cache(environment) }
}
