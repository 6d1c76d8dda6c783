import ToolHostCore
import Dispatch

/// BERT's encoder with mean pooling and L2 normalisation, as sentence-transformers runs
/// all-MiniLM-L6-v2: token + position embeddings (token type 0), layer norm, then per layer
/// multi-head self-attention and a GELU feed-forward block, each with a residual connection
/// and a layer norm; the mean of the last hidden states, scaled to length 1.
///
/// A batch is packed, not padded: the dense layers run on all its tokens at once and attention
/// on each text's own tokens — what an attention mask does to padding, without the padding's
/// work. Row blocks of the dense layers, and (text, head) pairs of attention, are spread over
/// the cores; the arithmetic is CVectorKernels' (`FloatKernels`).
struct BertEncoder: @unchecked Sendable {
    struct Shape: Sendable, Equatable {
        var hidden: Int
        var heads: Int
        var intermediate: Int
        var layers: Int
        var vocabulary: Int
        var positions: Int
        var epsilon: Float
    }

    struct Layer {
        let queryKeyValue: PackedLinear
        let attentionOutput: PackedLinear
        let attentionNorm: LayerNormWeights
        let intermediate: PackedLinear
        let output: PackedLinear
        let outputNorm: LayerNormWeights
    }

    struct LayerNormWeights {
        let weight: [Float]
        let bias: [Float]
    }

    /// Rows of a dense-layer block: eight of the matrix product's six-row tiles; its 1,536-wide
    /// intermediate activations (295 KB) stay in the core's L2 cache.
    static let blockRows = 48

    let shape: Shape
    /// The instruction set's kernels every step runs with.
    let kernels: FloatKernels
    /// The word-embedding table, read in place from the mapped weights file.
    private let wordEmbeddings: UnsafeBufferPointer<Float>
    /// Position embeddings with token type 0's embedding added (every token here is type 0).
    private let positionEmbeddings: [Float]
    private let embeddingNorm: LayerNormWeights
    private let layers: [Layer]
    /// Keeps the weights file mapped while `wordEmbeddings` points into it.
    private let mapping: AnyObject

    /// The weights of `file`, named as Hugging Face's BertModel names them (with or without a
    /// `bert.` prefix), run with `kernels`.
    init(weights file: SafetensorsFile, shape: Shape, kernels: FloatKernels) throws(ToolHostError) {
        self.shape = shape
        self.kernels = kernels
        let prefix = file.contains("embeddings.word_embeddings.weight") ? "" : "bert."
        let hidden = shape.hidden
        func tensor(_ name: String, _ dimensions: [Int]) throws(ToolHostError) -> UnsafeBufferPointer<Float> {
            try file.floats(prefix + name, shape: dimensions)
        }
        func norm(_ name: String) throws(ToolHostError) -> LayerNormWeights {
            LayerNormWeights(weight: Array(try tensor(name + ".weight", [hidden])), bias: Array(try tensor(name + ".bias", [hidden])))
        }
        func linear(_ name: String, inputs: Int, outputs: Int, scale: Float = 1) throws(ToolHostError) -> PackedLinear {
            PackedLinear(weight: try tensor(name + ".weight", [outputs, inputs]), bias: try tensor(name + ".bias", [outputs]),
                         inputs: inputs, outputs: outputs, scale: scale)
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [shape.vocabulary, hidden])
        let positions = try tensor("embeddings.position_embeddings.weight", [shape.positions, hidden])
        let tokenType = try tensor("embeddings.token_type_embeddings.weight", [2, hidden])
        positionEmbeddings = positions.enumerated().map { $0.element + tokenType[$0.offset % hidden] }
        embeddingNorm = try norm("embeddings.LayerNorm")
        // The attention scores' 1/√(head size) is folded into the query weights.
        let queryScale = 1 / Float(hidden / shape.heads).squareRoot()
        var layers: [Layer] = []
        for index in 0..<shape.layers {
            let name = "encoder.layer.\(index)."
            let query = try linear(name + "attention.self.query", inputs: hidden, outputs: hidden, scale: queryScale)
            let key = try linear(name + "attention.self.key", inputs: hidden, outputs: hidden)
            let value = try linear(name + "attention.self.value", inputs: hidden, outputs: hidden)
            layers.append(Layer(
                queryKeyValue: PackedLinear(concatenating: [query, key, value]),
                attentionOutput: try linear(name + "attention.output.dense", inputs: hidden, outputs: hidden),
                attentionNorm: try norm(name + "attention.output.LayerNorm"),
                intermediate: try linear(name + "intermediate.dense", inputs: hidden, outputs: shape.intermediate),
                output: try linear(name + "output.dense", inputs: shape.intermediate, outputs: hidden),
                outputNorm: try norm(name + "output.LayerNorm")))
        }
        self.layers = layers
        mapping = file.mapping
    }

    /// One L2-normalised, mean-pooled vector per sequence of token ids (each already
    /// `[CLS] … [SEP]`, at most `shape.positions` long, ids below `shape.vocabulary`).
    func embed(_ sequences: [[Int32]]) -> [[Float]] {
        let hidden = shape.hidden
        let starts = sequences.reduce(into: [0]) { $0.append(($0.last ?? 0) + $1.count) }
        let rows = starts.last ?? 0
        var states = [Float](repeating: 0, count: rows * hidden)
        var queryKeyValue = [Float](repeating: 0, count: rows * 3 * hidden)
        var context = [Float](repeating: 0, count: rows * hidden)
        states.withUnsafeMutableBufferPointer { states in
            queryKeyValue.withUnsafeMutableBufferPointer { queryKeyValue in
                context.withUnsafeMutableBufferPointer { context in
                    guard let states = states.baseAddress, let queryKeyValue = queryKeyValue.baseAddress, let context = context.baseAddress else { return }
                    embedTokens(sequences, into: states)
                    for layer in layers {
                        Self.inRowBlocks(rows) { block in layer.queryKeyValue.apply(states, to: queryKeyValue, rows: block, kernels: kernels) }
                        attend(queryKeyValue, starts: starts, into: context)
                        Self.inRowBlocks(rows) { block in feedForward(layer, context: context, states: states, rows: block) }
                    }
                }
            }
        }
        return sequences.indices.map { index in
            var pooled = [Float](repeating: 0, count: hidden)
            for row in starts[index]..<starts[index + 1] {
                for column in 0..<hidden { pooled[column] += states[row * hidden + column] }
            }
            let count = Float(max(sequences[index].count, 1))
            for column in 0..<hidden { pooled[column] /= count }
            pooled.normalize()
            return pooled
        }
    }

    /// Word + position embeddings of every token, layer-normalised.
    private func embedTokens(_ sequences: [[Int32]], into states: UnsafeMutablePointer<Float>) {
        let hidden = shape.hidden
        guard let words = wordEmbeddings.baseAddress else { return }
        positionEmbeddings.withUnsafeBufferPointer { positions in
            guard let positions = positions.baseAddress else { return }
            var row = 0
            for sequence in sequences {
                for (position, id) in sequence.enumerated() {
                    let target = states + row * hidden
                    target.update(from: words + Int(id) * hidden, count: hidden)
                    kernels.add_layer_norm(target, positions + position * hidden, hidden, embeddingNorm.weight, embeddingNorm.bias, shape.epsilon)
                    row += 1
                }
            }
        }
    }

    /// Multi-head self-attention of each sequence over its own tokens: the context vectors,
    /// head by head, into `context`.
    private func attend(_ queryKeyValue: UnsafeMutablePointer<Float>, starts: [Int], into context: UnsafeMutablePointer<Float>) {
        let hidden = shape.hidden, heads = shape.heads, size = hidden / heads, stride = 3 * hidden
        let sequences = starts.count - 1
        let work = UncheckedSendable((queryKeyValue, context))
        DispatchQueue.concurrentPerform(iterations: sequences * heads) { task in
            let (queryKeyValue, context) = work.value
            let sequence = task / heads, head = task % heads
            let start = starts[sequence], count = starts[sequence + 1] - start
            let queries = queryKeyValue + start * stride + head * size
            var scores = [Float](repeating: 0, count: count)
            kernels.attention(queries, queries + hidden, queries + 2 * hidden, stride, count, size,
                              context + start * hidden + head * size, hidden, &scores)
        }
    }

    /// The rest of a layer on a block of rows: attention output projection, residual and
    /// layer norm, then the GELU feed-forward block, residual and layer norm, into `states`.
    private func feedForward(_ layer: Layer, context: UnsafeMutablePointer<Float>, states: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let hidden = shape.hidden
        var attended = [Float](repeating: 0, count: rows.count * hidden)
        var intermediate = [Float](repeating: 0, count: rows.count * shape.intermediate)
        attended.withUnsafeMutableBufferPointer { attended in
            intermediate.withUnsafeMutableBufferPointer { intermediate in
                guard let attended = attended.baseAddress, let intermediate = intermediate.baseAddress else { return }
                let states = states + rows.lowerBound * hidden
                layer.attentionOutput.apply(context + rows.lowerBound * hidden, to: attended, rows: 0..<rows.count, kernels: kernels)
                for row in 0..<rows.count {
                    kernels.add_layer_norm(attended + row * hidden, states + row * hidden, hidden,
                                           layer.attentionNorm.weight, layer.attentionNorm.bias, shape.epsilon)
                }
                layer.intermediate.apply(attended, to: intermediate, rows: 0..<rows.count, kernels: kernels)
                kernels.gelu(intermediate, rows.count * shape.intermediate)
                layer.output.apply(intermediate, to: states, rows: 0..<rows.count, kernels: kernels)
                for row in 0..<rows.count {
                    kernels.add_layer_norm(states + row * hidden, attended + row * hidden, hidden,
                                           layer.outputNorm.weight, layer.outputNorm.bias, shape.epsilon)
                }
            }
        }
    }

    /// `body` for blocks of `blockRows` rows (the last one shorter) of `rows`, over the cores.
    private static func inRowBlocks(_ rows: Int, _ body: (Range<Int>) -> Void) {
        let blocks = (rows + blockRows - 1) / blockRows
        if blocks == 1 {
            body(0..<rows)
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: blocks) { index in
                work.value(index * blockRows..<min((index + 1) * blockRows, rows))
            }
        }
    }
}
