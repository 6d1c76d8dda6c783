import Foundation
import Testing
import ToolHostCore
import ToolHostTestSupport
@testable import ToolHostMemory

/// The in-process all-MiniLM-L6-v2 (`embedder: minilm`) against the references it mirrors:
/// Hugging Face `tokenizers` for token ids, and the test embedding server (the NumPy port of
/// sentence-transformers) for vectors; and its failures on missing or broken model files.
@Suite struct MiniLMEmbedderTests {
    /// Texts that exercise every step of the tokenizer and the encoder's edge cases.
    static let texts: [String] = [
        "how do I store logs",
        "A quick brown fox jumps over the lazy dog.",
        "Héllo wörld, café naïve façade résumé Ünïcödé",
        "東京は日本の首都です。北京欢迎你",
        "I love pizza 🍕🔥 and emoji 👩‍💻!! 🫠",
        "",
        "   \t ",
        "word",
        "def add(a, b):\n    return a + b  # sum",
        "3.14159 42 1,000,000 $5.99 -17e3 0x1F",
        "x[MASK]y [CLS] [mask] [SEP][PAD]",
        "İstanbul ΣΑΣ ǅ ß ﬁ ₂ ² ①",
        "a\u{200D}b\u{00AD}c\u{E000}d\u{0}e\u{FFFD}f",
        String(repeating: "supercalifragilisticexpialidocious ", count: 3) + String(repeating: "a", count: 150),
        Array(repeating: "the meaning of embeddings is semantic similarity,", count: 60).joined(separator: " "),
        "Tabs\tand\r\nnewlines\u{2028}and\u{00A0}spaces",
        "https://example.com/path?q=1&b=2#frag SELECT * FROM logs WHERE level = 'ERROR';",
        "a\u{2B820}b a\u{2B920}b \u{0378}x",
    ]

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test func tokenIDsAreThoseOfTokenizers() throws {
        let embedder = MiniLMEmbedder(modelPath: try TestMiniLMModel.folder())
        let expected = try TestMiniLMModel.referenceTokenIDs(Self.texts)
        #expect(expected.count == Self.texts.count)
        for (text, reference) in zip(Self.texts, expected) {
            let ids = try embedder.tokenIDs(text)
            #expect(ids == reference, "\(text.debugDescription)")
        }
        // The long text is cut to 256 tokens, [CLS] and [SEP] included.
        let long = try embedder.tokenIDs(Self.texts[14])
        #expect(long.count == 256)
    }

    /// The test embedding server's vectors for `texts` (the NumPy port of sentence-transformers).
    static func referenceVectors() throws -> [[Float]] {
        let server = try TestEmbeddingServer.shared.get()
        var settings = MemorySettings()
        settings.embedder = .ollama
        settings.embedderURL = server.baseURL
        settings.embedderTimeoutSeconds = 120
        return try Embedders.make(settings).embed(Self.texts)
    }

    @Test func vectorsMatchTheReferenceServerForEveryText() throws {
        let reference = try Self.referenceVectors()
        let embedder = MiniLMEmbedder(modelPath: try TestMiniLMModel.folder())
        let vectors = try embedder.embed(Self.texts)
        #expect(vectors.count == Self.texts.count)
        for (index, vector) in vectors.enumerated() {
            #expect(vector.count == 384)
            let similarity = Self.cosine(vector, reference[index])
            #expect(similarity >= 0.9999, "\(Self.texts[index].debugDescription): cosine \(similarity)")
        }
        // Packing texts of other lengths into one batch changes no vector.
        for index in [0, 5, 14] {
            let alone = try embedder.embed([Self.texts[index]])[0]
            let similarity = Self.cosine(alone, vectors[index])
            #expect(similarity > 0.99999)
        }
    }

    /// Each instruction set's kernels (AVX-512, AVX2 with FMA, portable: all this CPU runs, not
    /// only the one chosen) give the reference's vectors to within 1e-6 of cosine (measured on
    /// these texts: 0.9999995 at worst, the portable variant without fused multiply-add).
    @Test(arguments: FloatKernels.runnable.map(\.variant))
    func everyKernelVariantMatchesTheReferenceServer(variant: String) throws {
        let kernels = try #require(FloatKernels.runnable.first { $0.variant == variant })
        let reference = try Self.referenceVectors()
        let vectors = try MiniLMModel(folder: try TestMiniLMModel.folder(), kernels: kernels).embed(Self.texts)
        #expect(vectors.count == Self.texts.count)
        let worst = zip(vectors, reference).map { Self.cosine($0, $1) }.min() ?? 0
        #expect(worst >= 0.999999, "\(variant): lowest cosine \(worst)")
    }

    @Test func meaningIsFoundWithoutSharedWords() throws {
        let embedder = Embedders.make({ var settings = MemorySettings(); settings.embedder = .minilm; settings.minilmModelPath = try? TestMiniLMModel.folder(); return settings }())
        #expect(embedder.fingerprint == "minilm:all-MiniLM-L6-v2")
        let vectors = try embedder.embed(["persist application log messages", "how do I store logs", "a recipe for sponge cake"])
        let related = Self.cosine(vectors[0], vectors[1]), unrelated = Self.cosine(vectors[0], vectors[2])
        #expect(related > unrelated + 0.3)
    }

    @Test func withoutAConfiguredPathTheInstalledPackageIsFound() throws {
        let folder = try TestMiniLMModel.folder()
        let python = try TestPython.path()
        // The default asks `python3` on PATH: put the test Python first under that name.
        let directory = TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.url("python3"), withDestinationPath: python)
        let result = try ToolHostBinary().run(["embed", "--summary", "hello"], environment: [
            "TOOLHOST_EMBEDDER": "minilm", "PATH": directory.path + ":/usr/bin:/bin",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["embedder"] == "minilm:all-MiniLM-L6-v2")
        #expect(result.json["dimension"] == 384)
        #expect(FileIO.isDirectory(folder))
    }

    // MARK: - Missing and broken model files

    /// A copy of the model folder (the weights linked, not copied) with `change` applied.
    static func brokenFolder(_ change: (TemporaryDirectory, String) throws -> Void) throws -> TemporaryDirectory {
        let folder = try TestMiniLMModel.folder()
        let copy = TemporaryDirectory()
        for name in ["config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json", "1_Pooling/config.json"] {
            _ = copy.write(name, bytes: try FileIO.read(FilePath.join(folder, name)))
        }
        try FileManager.default.createSymbolicLink(atPath: copy.url("model.safetensors"), withDestinationPath: FilePath.join(folder, "model.safetensors"))
        try change(copy, folder)
        return copy
    }

    static func failure(_ folder: String) -> ToolHostError? {
        do {
            _ = try MiniLMEmbedder(modelPath: folder).embed(["x"])
            return nil
        } catch {
            return error
        }
    }

    @Test func aMissingFolderOrFileIsNamed() throws {
        let nowhere = TemporaryDirectory().url("no-such-model")
        let missingFolder = Self.failure(nowhere)
        #expect(missingFolder?.code == .embedderModelMissing)
        #expect(missingFolder?.message.contains("\(nowhere) does not exist") == true)
        #expect(missingFolder?.message.contains("memory.minilm_model_path") == true)

        let withoutWeights = try Self.brokenFolder { copy, _ in try FileManager.default.removeItem(atPath: copy.url("model.safetensors")) }
        let missingFile = Self.failure(withoutWeights.path)
        #expect(missingFile?.code == .embedderModelMissing)
        #expect(missingFile?.message.contains(withoutWeights.url("model.safetensors")) == true)
        #expect(missingFile?.details["path"]?.stringValue == withoutWeights.url("model.safetensors"))
    }

    @Test func brokenFilesAreRefusedWithWhatIsWrong() throws {
        let truncated = try Self.brokenFolder { copy, folder in
            try FileManager.default.removeItem(atPath: copy.url("model.safetensors"))
            _ = copy.write("model.safetensors", bytes: Array(try FileIO.read(FilePath.join(folder, "model.safetensors")).prefix(1_000_000)))
        }
        let cut = Self.failure(truncated.path)
        #expect(cut?.code == .embedderModelInvalid)
        #expect(cut?.message.contains("do not fit the file") == true)

        let garbage = try Self.brokenFolder { copy, _ in
            try FileManager.default.removeItem(atPath: copy.url("model.safetensors"))
            _ = copy.write("model.safetensors", bytes: [16, 0, 0, 0, 0, 0, 0, 0] + Array("not json at all!".utf8))
        }
        let notJSON = Self.failure(garbage.path)
        #expect(notJSON?.code == .embedderModelInvalid)
        #expect(notJSON?.message.contains("header that is not JSON") == true)

        let otherModel = try Self.brokenFolder { copy, _ in
            _ = copy.write("config.json", #"{"model_type": "roberta", "hidden_act": "gelu"}"#)
        }
        let roberta = Self.failure(otherModel.path)
        #expect(roberta?.code == .embedderModelInvalid)
        #expect(roberta?.message.contains(otherModel.url("config.json")) == true)

        let badTokenizer = try Self.brokenFolder { copy, _ in _ = copy.write("tokenizer.json", "{\"model\": ") }
        let tokenizer = Self.failure(badTokenizer.path)
        #expect(tokenizer?.code == .embedderModelInvalid)
        #expect(tokenizer?.message.contains("tokenizer.json is not JSON") == true)
    }
}
