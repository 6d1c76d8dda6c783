import ToolHostCore

/// all-MiniLM-L6-v2 loaded from a sentence-transformers model folder: its tokenizer, its
/// encoder, and the length texts are cut to.
///
/// The folder's configuration is checked against what `BertEncoder` implements — a BERT with
/// GELU and absolute positions, then mean pooling and normalisation — so that another model
/// dropped into the folder is refused with a reason instead of giving wrong vectors.
final class MiniLMModel: Sendable {
    let folder: String
    let tokenizer: WordPieceTokenizer
    let encoder: BertEncoder

    /// The model in `folder`, run with `kernels` (tests run every variant the CPU has).
    init(folder: String, kernels: FloatKernels = .best) throws(ToolHostError) {
        guard FileIO.isDirectory(folder) else {
            throw MiniLMFiles.missing(folder, FileIO.exists(folder) ? "is not a folder" : "does not exist", what: "folder")
        }
        self.folder = folder
        let configPath = FilePath.join(folder, "config.json")
        let config = try MiniLMFiles.json(folder, "config.json")
        guard config["model_type"]?.stringValue == "bert", config["hidden_act"]?.stringValue == "gelu",
              (config["position_embedding_type"]?.stringValue ?? "absolute") == "absolute"
        else { throw MiniLMFiles.invalid(configPath, "does not describe a BERT model with GELU and absolute positions") }
        func size(_ key: String) throws(ToolHostError) -> Int {
            guard let value = config[key]?.integerValue, value > 0 else { throw MiniLMFiles.invalid(configPath, "has no positive \(key)") }
            return value
        }
        let shape = BertEncoder.Shape(
            hidden: try size("hidden_size"), heads: try size("num_attention_heads"), intermediate: try size("intermediate_size"),
            layers: try size("num_hidden_layers"), vocabulary: try size("vocab_size"), positions: try size("max_position_embeddings"),
            epsilon: Float(config["layer_norm_eps"]?.numberValue ?? 1e-12))
        // The kernels work in 16-lane vectors and 32-column panels.
        guard shape.hidden % shape.heads == 0, (shape.hidden / shape.heads) % FloatKernels.lanes == 0,
              shape.hidden % PackedLinear.panelWidth == 0, shape.intermediate % PackedLinear.panelWidth == 0 else {
            throw MiniLMFiles.invalid(configPath, "has sizes (hidden \(shape.hidden), heads \(shape.heads), intermediate \(shape.intermediate)) this encoder cannot run")
        }

        let modules = try MiniLMFiles.json(folder, "modules.json").arrayValue?.compactMap { $0["type"]?.stringValue?.split(separator: ".").last.map(String.init) }
        guard modules == ["Transformer", "Pooling", "Normalize"] else {
            throw MiniLMFiles.invalid(FilePath.join(folder, "modules.json"), "does not list Transformer, Pooling, Normalize")
        }
        let pooling = try MiniLMFiles.json(folder, "1_Pooling/config.json")
        guard pooling["pooling_mode_mean_tokens"]?.boolValue == true,
              !["pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens"].contains(where: { pooling[$0]?.boolValue == true })
        else { throw MiniLMFiles.invalid(FilePath.join(folder, "1_Pooling/config.json"), "does not ask for mean pooling alone") }
        let sentenceConfig = try MiniLMFiles.json(folder, "sentence_bert_config.json")
        guard let maximumLength = sentenceConfig["max_seq_length"]?.integerValue, (3...shape.positions).contains(maximumLength) else {
            throw MiniLMFiles.invalid(FilePath.join(folder, "sentence_bert_config.json"), "has no max_seq_length between 3 and \(shape.positions)")
        }

        let tokenizerPath = FilePath.join(folder, "tokenizer.json")
        tokenizer = try WordPieceTokenizer(json: try MiniLMFiles.json(folder, "tokenizer.json"), path: tokenizerPath, maximumLength: maximumLength)
        if let largest = (tokenizer.vocabulary.values.map { $0 } + tokenizer.specialTokens.map(\.id)).max(), Int(largest) >= shape.vocabulary || tokenizer.vocabulary.values.contains(where: { $0 < 0 }) {
            throw MiniLMFiles.invalid(tokenizerPath, "has token ids outside the model's vocabulary of \(shape.vocabulary) (0 to \(shape.vocabulary - 1))")
        }
        encoder = try BertEncoder(weights: try SafetensorsFile(path: FilePath.join(folder, "model.safetensors")), shape: shape, kernels: kernels)
    }

    /// One vector per text, texts of similar length batched together.
    func embed(_ texts: [String]) -> [[Float]] {
        let sequences = texts.map(tokenizer.ids)
        var vectors = [[Float]](repeating: [], count: texts.count)
        // Longest first, in batches of about `batchTokens` tokens: the dense layers get enough
        // rows to keep both cores busy, and short texts are not held back by long ones.
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        var start = 0
        while start < order.count {
            var end = start, tokens = 0
            while end < order.count, end - start < Self.batchTexts, tokens + sequences[order[end]].count <= Self.batchTokens || end == start {
                tokens += sequences[order[end]].count
                end += 1
            }
            let batch = Array(order[start..<end])
            for (index, vector) in zip(batch, encoder.embed(batch.map { sequences[$0] })) { vectors[index] = vector }
            start = end
        }
        return vectors
    }

    /// A batch's limits: 2,048 tokens are 342 row tiles, enough to share between the cores,
    /// and its activations (~16 MB) stay well below the weights' 90 MB.
    static let batchTexts = 64
    static let batchTokens = 2048
}
