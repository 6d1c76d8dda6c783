/// The catalogue of tools in the configured directories, loaded whole (for `list`, `validate`,
/// MCP export...) or one id at a time (for `run`, which must not parse hundreds of files to
/// start one tool).
///
/// Both paths apply the same duplicate and override rules, because a targeted lookup loads
/// every file whose stem is the id, from every tools directory.
public struct ToolsManager: Sendable {
    public let roots: [String]
    /// Roots that may be missing without a warning (the generated tools folder).
    public let optionalRoots: Set<String>
    public let cache: CatalogueCacheSettings
    private let environment: [String: String]

    public init(roots: [String], optionalRoots: Set<String> = [], cache: CatalogueCacheSettings = .init(isEnabled: false),
                environment: [String: String] = ProcessEnvironment.current()) {
        self.roots = roots
        self.optionalRoots = optionalRoots
        self.cache = cache
        self.environment = environment
    }

    public init(config: HostConfig, environment: [String: String] = ProcessEnvironment.current()) {
        self.init(roots: config.catalogueRoots, optionalRoots: [config.generatedToolsPath], cache: config.catalogueCache,
                  environment: environment)
    }

    /// Loads every tool, reusing cached readings of unchanged files when the cache is enabled.
    public func loadCatalogue() -> Catalogue {
        let scan = CatalogueScanner.scan(roots: roots, optionalRoots: optionalRoots)
        var cache = CatalogueCache(directory: cache.isEnabled ? cacheDirectory : nil, roots: roots)
        var outcomes: [(file: ToolFile, outcome: ToolFileLoader.Outcome)] = []
        outcomes.reserveCapacity(scan.files.count)
        for file in scan.files {
            let parsed: ToolFileLoader.Parsed
            if let cached = cache.lookup(file) {
                parsed = cached
            } else {
                parsed = ToolFileLoader.parse(file)
                cache.store(parsed, for: file)
            }
            switch parsed {
            case .document(let document): outcomes.append((file, ToolFileLoader.decode(document, file: file)))
            case .invalid(let diagnostic), .unreadable(let diagnostic): outcomes.append((file, .failed(diagnostic)))
            }
        }
        cache.save(keeping: scan.files)
        return Catalogue(outcomes: outcomes, diagnostics: scan.diagnostics)
    }

    /// The definition of one tool, reading only the files named after it.
    public func definition(for id: String) throws(ToolHostError) -> ToolDefinition {
        let scan = CatalogueScanner.scan(roots: roots, onlyID: id, optionalRoots: optionalRoots)
        let outcomes = scan.files.map { (file: $0, outcome: ToolFileLoader.load($0)) }
        if !outcomes.isEmpty {
            return try Catalogue(outcomes: outcomes).definition(for: id)
        }
        // Unknown id: suggest close ones from file names alone, still without parsing.
        var error = Catalogue.unknownTool(id, among: Set(CatalogueScanner.scan(roots: roots).files.map(\.id)))
        if !roots.contains(where: FileIO.isDirectory) {
            error = ToolHostError(
                error.code,
                error.message + " No tools directory exists (looked in \(roots.joined(separator: ", "))); set tools.paths or --tools-dir.",
                details: error.details)
        }
        throw error
    }

    /// `tools.cache_dir`, else `$XDG_CACHE_HOME/toolhost`, else `~/.cache/toolhost`.
    var cacheDirectory: String? {
        if let directory = cache.directory { return directory }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return FilePath.join(xdg, "toolhost") }
        if let home = environment["HOME"], home.hasPrefix("/") { return FilePath.join(home, ".cache/toolhost") }
        return nil
    }
}
