import Foundation
import Testing
import ToolHostCore
import ToolHostTestSupport
@testable import ToolHostMemory

/// Both HTTP embedders against a real model server (all-MiniLM-L6-v2), and their failures.
@Suite struct HTTPEmbedderTests {
    static func settings(_ kind: MemorySettings.EmbedderKind, url: String, model: String = "all-minilm", key: String? = nil) -> MemorySettings {
        var settings = MemorySettings()
        settings.embedder = kind
        settings.embedderURL = url
        settings.embedderModel = model
        settings.apiKey = key
        settings.embedBatchSize = 2
        settings.embedderTimeoutSeconds = 30
        return settings
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    @Test(arguments: [HTTPEmbedder.API.ollama, .openAI])
    func aRealModelEmbedsInBatchesAndUnderstandsMeaning(api: HTTPEmbedder.API) throws {
        let server = try TestEmbeddingServer.shared.get()
        let settings = api == .ollama
            ? Self.settings(.ollama, url: server.baseURL)
            : Self.settings(.openai, url: server.baseURL + "/v1", key: server.apiKey)
        let embedder = Embedders.make(settings)
        #expect(embedder.fingerprint == "\(api.rawValue):all-minilm")
        // Five texts in batches of two: three requests, answers in order.
        let texts = ["how do I store logs", "write log lines to the database", "bake a chocolate cake",
                     "persist application log messages", "a recipe for sponge cake"]
        let vectors = try embedder.embed(texts)
        #expect(vectors.count == 5)
        #expect(vectors.allSatisfy { $0.count == 384 })
        #expect(vectors.allSatisfy { abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3 })
        // Meaning, not shared words: "persist application log messages" has no word in common
        // with "how do I store logs" but "log", and the cakes share none with the logs.
        #expect(Self.cosine(vectors[0], vectors[1]) > Self.cosine(vectors[0], vectors[2]) + 0.3)
        #expect(Self.cosine(vectors[2], vectors[4]) > Self.cosine(vectors[2], vectors[3]))
        // The same text gives the same vector as alone (batching changes nothing).
        let alone = try embedder.embed([texts[3]])[0]
        #expect(Self.cosine(alone, vectors[3]) > 0.9999)
    }

    @Test func anUnknownModelIsNamedWithWhatToDo() throws {
        let server = try TestEmbeddingServer.shared.get()
        let ollama = Embedders.make(Self.settings(.ollama, url: server.baseURL, model: "no-such-model"))
        let error = #expect(throws: ToolHostError.self) { try ollama.embed(["x"]) }
        #expect(error?.code == .embedderUnavailable)
        #expect(error?.message.contains("no-such-model") == true)
        #expect(error?.message.contains("ollama pull no-such-model") == true)

        let openAI = Embedders.make(Self.settings(.openai, url: server.baseURL + "/v1", model: "no-such-model", key: server.apiKey))
        let other = #expect(throws: ToolHostError.self) { try openAI.embed(["x"]) }
        #expect(other?.code == .embedderUnavailable)
        #expect(other?.message.contains("does not exist") == true)
    }

    @Test func aRefusedKeySaysWhichVariableToSet() throws {
        let server = try TestEmbeddingServer.shared.get()
        let missing = Embedders.make(Self.settings(.openai, url: server.baseURL + "/v1"))
        let error = #expect(throws: ToolHostError.self) { try missing.embed(["x"]) }
        #expect(error?.code == .embedderUnavailable)
        #expect(error?.message.contains("OPENAI_API_KEY is not set") == true)
        let wrong = Embedders.make(Self.settings(.openai, url: server.baseURL + "/v1", key: "sk-wrong"))
        let refused = #expect(throws: ToolHostError.self) { try wrong.embed(["x"]) }
        #expect(refused?.message.contains("HTTP 401") == true)
    }

    @Test func noServerFailsAtOnceWithAHint() throws {
        let port = LoopbackPort.closed()
        let embedder = Embedders.make(Self.settings(.ollama, url: "http://127.0.0.1:\(port)"))
        let error = #expect(throws: ToolHostError.self) { try embedder.embed(["x"]) }
        #expect(error?.code == .embedderUnavailable)
        #expect(error?.message.contains("ollama serve") == true)
    }

    @Test func aServerThatNeverAnswersFailsWithinTheTimeout() throws {
        // A listening socket that accepts connections (the kernel does) but never answers.
        let (listener, port) = LoopbackPort.socket(listening: true)
        defer { close(listener) }
        var settings = Self.settings(.ollama, url: "http://127.0.0.1:\(port)")
        settings.embedderTimeoutSeconds = 0.3
        let started = Date()
        let error = #expect(throws: ToolHostError.self) { try Embedders.make(settings).embed(["x"]) }
        #expect(error?.code == .embedderUnavailable)
        #expect(error?.message.contains("did not answer") == true)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    /// https:// goes through libcurl: the server's certificate must be trusted (here through
    /// memory.embedder_ca_file), and one that is not is refused with a clear error.
    @Test func httpsServersAreReachedWithTheirCertificateTrusted() throws {
        let server = try TestEmbeddingServer.shared.get()
        var trusted = Self.settings(.openai, url: server.tlsBaseURL + "/v1", key: server.apiKey)
        trusted.embedderCAFile = server.certificateFile
        let vectors = try Embedders.make(trusted).embed(["how do I store logs", "write log lines to the database", "bake a cake"])
        #expect(vectors.count == 3 && vectors[0].count == 384)
        #expect(Self.cosine(vectors[0], vectors[1]) > Self.cosine(vectors[0], vectors[2]) + 0.3)
        var ollama = Self.settings(.ollama, url: server.tlsBaseURL + "/")
        ollama.embedderCAFile = server.certificateFile
        #expect(try Embedders.make(ollama).embed(["x"]).first?.count == 384)
        let wrongKey = #expect(throws: ToolHostError.self) {
            var settings = trusted
            settings.apiKey = "sk-wrong"
            return try Embedders.make(settings).embed(["x"])
        }
        #expect(wrongKey?.message.contains("HTTP 401") == true)

        let untrusted = #expect(throws: ToolHostError.self) {
            try Embedders.make(Self.settings(.openai, url: server.tlsBaseURL + "/v1", key: server.apiKey)).embed(["x"])
        }
        #expect(untrusted?.code == .embedderUnavailable)
        #expect(untrusted?.message.lowercased().contains("certificate") == true)
        #expect(untrusted?.message.contains("memory.embedder_ca_file") == true)
        let nobody = #expect(throws: ToolHostError.self) {
            try Embedders.make(Self.settings(.openai, url: "https://127.0.0.1:\(LoopbackPort.closed())/v1")).embed(["x"])
        }
        #expect(nobody?.code == .embedderUnavailable)
    }

    @Test func malformedURLsAreRefusedClearly() {
        let ftp = Embedders.make(Self.settings(.openai, url: "ftp://example.com"))
        let error = #expect(throws: ToolHostError.self) { try ftp.embed(["x"]) }
        #expect(error?.code == .invalidConfig)
        #expect(error?.message.contains("http:// or https://") == true)
    }
}
