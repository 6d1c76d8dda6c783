import ToolHostCore

/// Semantic memory reads its own settings (`ConfigSection`): Core knows none of these keys.
extension MemorySettings: ConfigSection {
    /// The `memory:` section and the routing lists of `database.storage_strategy` (where
    /// code-evolver's config keeps them).
    public init(reading reader: inout ConfigReader, context: ConfigSectionContext) {
        var memory = MemorySettings()
        let environment = context.environment
        let base = context.baseDirectory("TOOLHOST_EMBEDDER_CA_FILE")
        func choice<T: RawRepresentable & CaseIterable>(_ path: String, env: String?, _ fallback: T) -> T where T.RawValue == String {
            guard let text = reader.string(path, env: env)?.lowercased(), !text.isEmpty else { return fallback }
            guard let value = T(rawValue: text) else {
                reader.report("\(path) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not \(ConfigReader.shown(.string(text)))")
                return fallback
            }
            return value
        }
        memory.embedder = choice("memory.embedder", env: "TOOLHOST_EMBEDDER", memory.embedder)
        memory.dimension = reader.integer("memory.embedding_dimension", env: "TOOLHOST_EMBEDDING_DIMENSION", default: memory.dimension)
        if !(8...16384).contains(memory.dimension) {
            reader.report("memory.embedding_dimension must be between 8 and 16384, not \(memory.dimension)")
        }
        memory.embedderURL = reader.string("memory.embedder_url", env: "TOOLHOST_EMBEDDER_URL").flatMap { $0.isEmpty ? nil : $0 }
        memory.embedderModel = reader.string("memory.embedder_model", env: "TOOLHOST_EMBEDDER_MODEL").flatMap { $0.isEmpty ? nil : $0 }
        memory.apiKeyVariable = reader.string("memory.api_key_env") ?? memory.apiKeyVariable
        memory.apiKey = environment[memory.apiKeyVariable].flatMap { $0.isEmpty ? nil : $0 }
        memory.embedderTimeoutSeconds = reader.number("memory.embedder_timeout_seconds", default: memory.embedderTimeoutSeconds)
        memory.embedderCAFile = reader.string("memory.embedder_ca_file", env: "TOOLHOST_EMBEDDER_CA_FILE")
            .flatMap { $0.isEmpty ? nil : FilePath.absolute($0, relativeTo: base) }
        memory.minilmModelPath = reader.string("memory.minilm_model_path", env: "TOOLHOST_MINILM_MODEL_PATH")
            .flatMap { $0.isEmpty ? nil : FilePath.absolute($0, relativeTo: context.baseDirectory("TOOLHOST_MINILM_MODEL_PATH")) }
        memory.embedBatchSize = reader.integer("memory.embed_batch_size", default: memory.embedBatchSize)
        if memory.embedBatchSize < 1 { reader.report("memory.embed_batch_size must be at least 1, not \(memory.embedBatchSize)") }
        memory.index = choice("memory.index", env: "TOOLHOST_VECTOR_INDEX", memory.index)
        memory.vectorScan = choice("memory.vector_scan", env: "TOOLHOST_VECTOR_SCAN", memory.vectorScan)
        memory.hnswM = reader.integer("memory.hnsw_m", default: memory.hnswM)
        memory.hnswEfConstruction = reader.integer("memory.hnsw_ef_construction", default: memory.hnswEfConstruction)
        memory.hnswEfSearch = reader.integer("memory.hnsw_ef_search", default: memory.hnswEfSearch)
        // pgvector's own limits, checked here so a bad value is a config error, not a failing search.
        if !(2...100).contains(memory.hnswM) { reader.report("memory.hnsw_m must be between 2 and 100, not \(memory.hnswM)") }
        if !(2 * memory.hnswM...1000).contains(memory.hnswEfConstruction) {
            reader.report("memory.hnsw_ef_construction must be between 2 × hnsw_m (\(2 * memory.hnswM)) and 1000, not \(memory.hnswEfConstruction) (pgvector needs ef_construction ≥ 2 × m: raise both together)")
        }
        if !(1...1000).contains(memory.hnswEfSearch) { reader.report("memory.hnsw_ef_search must be between 1 and 1000, not \(memory.hnswEfSearch)") }

        let strategy = "database.storage_strategy."
        if let types = reader.stringList(strategy + "bulk_storage_types") { memory.routing.bulkTypes = Set(types) }
        if let types = reader.stringList(strategy + "rag_storage_types") { memory.routing.vectorTypes = Set(types) }
        if let types = reader.stringList(strategy + "hybrid_storage_types") { memory.routing.hybridTypes = Set(types) }
        memory.routing.defaultRoute = choice(strategy + "default_route", env: nil, memory.routing.defaultRoute)
        self = memory
    }
}

extension HostConfig {
    /// Semantic memory's settings (`memory:`), as loaded.
    public var memory: MemorySettings {
        get { self[section: MemorySettings.self] }
        set { self[section: MemorySettings.self] = newValue }
    }
}
