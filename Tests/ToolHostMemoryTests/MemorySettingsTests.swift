import Testing
import ToolHostTestSupport
import ToolHostCore
@testable import ToolHostMemory

/// Semantic memory reads its own `memory:` section (and the routing lists of
/// `database.storage_strategy`): `MemorySettings` is a `ConfigSection`.
@Suite("Semantic memory's settings")
struct MemorySettingsTests {
    @Test func memorySettingsAndRoutingComeFromTheFileAndTheEnvironment() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", """
            database:
              storage_strategy:
                rag_storage_types: [plan]
                hybrid_storage_types: [bug_report, plan]
                default_route: vector
            memory:
              embedder: ollama
              embedder_url: http://gpu-box:11434
              embedding_dimension: 256
              api_key_env: MY_KEY
              index: sql
              vector_scan: exact
            """)
        let config = try ConfigLoader.load(environment: ["TOOLHOST_EMBEDDER_MODEL": "nomic-embed-text", "MY_KEY": "sk-1"],
                                           currentDirectory: directory.path, sections: [MemorySettings.self])
        #expect(config.memory.embedder == .ollama)
        #expect(config.memory.resolvedEmbedderURL == "http://gpu-box:11434")
        #expect(config.memory.resolvedEmbedderModel == "nomic-embed-text")
        #expect(config.memory.dimension == 256)
        #expect(config.memory.apiKey == "sk-1")
        #expect(config.memory.vectorScan == .exact)
        #expect(config.memory.routing.route(for: "plan") == .hybrid)  // hybrid wins over a single list
        #expect(config.memory.routing.route(for: "bug_report") == .hybrid)
        #expect(config.memory.routing.route(for: "perf_data") == .bulk)  // the default bulk list stays
        #expect(config.memory.routing.route(for: "unheard_of") == .vector)
        #expect(config.warnings.isEmpty)

        let defaults = try ConfigLoader.load(environment: [:], currentDirectory: TemporaryDirectory().path, sections: [MemorySettings.self])
        #expect(defaults.memory.embedder == .hashing && defaults.memory.index == .sql && defaults.memory.dimension == 384)
        #expect(defaults.memory.vectorScan == .quantized)
        let fromEnvironment = try ConfigLoader.load(environment: ["TOOLHOST_VECTOR_SCAN": "exact"], currentDirectory: TemporaryDirectory().path,
                                                    sections: [MemorySettings.self])
        #expect(fromEnvironment.memory.vectorScan == .exact)
        #expect(ArtifactRouting.knownTypes.allSatisfy { defaults.memory.routing.isConfigured($0) })
    }

    @Test func badMemorySettingsAreErrorsNamingTheKey() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", "memory:\n  embedder: word2vec\n  index: faiss\n  embedding_dimension: 3\n  hnsw_ef_search: 5000\n  vector_scan: approximate\n")
        do {
            _ = try ConfigLoader.load(environment: [:], currentDirectory: directory.path, sections: [MemorySettings.self])
            Issue.record("bad memory settings were accepted")
        } catch {
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains("memory.embedder must be one of hashing, ollama, openai"))
            #expect(error.details["problems"]?.arrayValue?.count == 5)
            #expect(error.details["problems"]?.arrayValue?.contains { $0.stringValue?.contains("memory.vector_scan must be one of quantized, exact") == true } == true)
            #expect(error.details["problems"]?.arrayValue?.contains { $0.stringValue?.contains("hnsw_ef_search must be between 1 and 1000") == true } == true)
        }
    }

    /// A loader not given the section leaves it at its defaults and calls its keys unknown:
    /// the executables pass every section (`HostSections.all`).
    @Test func aLoaderNotGivenTheSectionKeepsItsDefaults() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", "memory:\n  embedder: ollama\n")
        let config = try ConfigLoader.load(environment: [:], currentDirectory: directory.path)
        #expect(config.memory == MemorySettings())
        #expect(config.warnings.contains { $0.contains("unknown key 'memory'") })
    }
}
