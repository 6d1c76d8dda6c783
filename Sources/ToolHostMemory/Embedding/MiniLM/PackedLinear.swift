import CVectorKernels

/// A linear layer, y = x·Wᵀ + b, with W packed once, at load, for the register-blocked matrix
/// product of CVectorKernels (`toolhost_pack_panels`: panels of 32 output columns, input by
/// input); the product itself runs in the kernels the caller passes (the encoder's: the best
/// this CPU runs, AVX-512, AVX2 with FMA or portable).
struct PackedLinear: Sendable {
    static let panelWidth = Int(TOOLHOST_PANEL_WIDTH)

    let inputs: Int
    let outputs: Int
    private let panels: [Float]
    private let bias: [Float]

    /// `weight` is `outputs × inputs`, row-major (PyTorch's layout); `outputs` a multiple of
    /// 32. Weights and bias are multiplied by `scale` (attention folds 1/√d into its queries).
    init(weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>, inputs: Int, outputs: Int, scale: Float = 1) {
        precondition(outputs % Self.panelWidth == 0 && weight.count == inputs * outputs && bias.count == outputs)
        self.inputs = inputs
        self.outputs = outputs
        panels = [Float](unsafeUninitializedCapacity: inputs * outputs) { packed, count in
            count = 0
            guard let source = weight.baseAddress, let target = packed.baseAddress else { return }
            toolhost_pack_panels(source, inputs, outputs, scale, target)
            count = inputs * outputs
        }
        self.bias = bias.map { $0 * scale }
    }

    /// Several layers side by side, as one: the outputs of `parts[0]`, then `parts[1]`'s...
    /// (the query, key and value projections become one product).
    init(concatenating parts: [PackedLinear]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.inputs == parts[0].inputs })
        inputs = parts[0].inputs
        outputs = parts.reduce(0) { $0 + $1.outputs }
        panels = parts.flatMap(\.panels)
        bias = parts.flatMap(\.bias)
    }

    /// y[r] = x[r]·Wᵀ + b for the rows `rows`, with `kernels`' product. Rows of x are `inputs`
    /// floats apart, rows of y `outputs` apart.
    func apply(_ x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Range<Int>, kernels: FloatKernels) {
        kernels.packed_matmul(x + rows.lowerBound * inputs, rows.count, inputs, panels, bias, outputs, y + rows.lowerBound * outputs)
    }
}
