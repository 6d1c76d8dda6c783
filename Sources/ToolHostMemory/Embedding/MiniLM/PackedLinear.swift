/// A linear layer, y = x·Wᵀ + b, with W laid out for a register-blocked SIMD matrix product.
///
/// PyTorch stores W as `outputs × inputs` rows. Here it is repacked once, at load, into panels
/// of `panelWidth` output columns: panel p holds, for each input k, the 32 weights of outputs
/// 32p…32p+31 side by side. The kernel then keeps a 6-row × 32-column tile of y in twelve
/// 16-lane accumulators and, for each k, multiplies one broadcast x value into two contiguous
/// weight vectors — every weight loaded is used six times, and the panel streams through the
/// cache in order. On AVX-512 that is one fused multiply-add per cycle and core.
struct PackedLinear: Sendable {
    typealias Lanes = SIMD16<Float>
    static let panelWidth = 32
    /// Rows of x per kernel call: callers pad their row counts to a multiple of it.
    static let tileRows = 6

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
        var panels = [Float](repeating: 0, count: inputs * outputs)
        panels.withUnsafeMutableBufferPointer { packed in
            var position = 0
            for panel in stride(from: 0, to: outputs, by: Self.panelWidth) {
                for input in 0..<inputs {
                    for column in panel..<panel + Self.panelWidth {
                        packed[position] = weight[column * inputs + input] * scale
                        position += 1
                    }
                }
            }
        }
        self.panels = panels
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

    /// y[r] = x[r]·Wᵀ + b for the rows `rows` (their count a multiple of `tileRows`). Rows of
    /// x are `inputs` floats apart, rows of y `outputs` apart.
    func apply(_ x: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        panels.withUnsafeBufferPointer { panels in
            bias.withUnsafeBufferPointer { bias in
                guard let panelBase = panels.baseAddress, let biasBase = bias.baseAddress else { return }
                for panel in 0..<outputs / Self.panelWidth {
                    let weights = panelBase + panel * inputs * Self.panelWidth
                    let column = panel * Self.panelWidth
                    var row = rows.lowerBound
                    while row < rows.upperBound {
                        Self.tile(x + row * inputs, inputs: inputs, weights: weights, bias: biasBase + column,
                                  y + row * outputs + column, stride: outputs)
                        row += Self.tileRows
                    }
                }
            }
        }
    }

    /// One 6 × 32 tile of y over all of k.
    @inline(__always)
    private static func tile(_ x: UnsafePointer<Float>, inputs: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                             _ y: UnsafeMutablePointer<Float>, stride: Int) {
        let bias0 = UnsafeRawPointer(bias).loadUnaligned(as: Lanes.self)
        let bias1 = UnsafeRawPointer(bias + 16).loadUnaligned(as: Lanes.self)
        var y00 = bias0, y01 = bias1, y10 = bias0, y11 = bias1, y20 = bias0, y21 = bias1
        var y30 = bias0, y31 = bias1, y40 = bias0, y41 = bias1, y50 = bias0, y51 = bias1
        var w = weights
        for k in 0..<inputs {
            let w0 = UnsafeRawPointer(w).loadUnaligned(as: Lanes.self)
            let w1 = UnsafeRawPointer(w + 16).loadUnaligned(as: Lanes.self)
            let x0 = Lanes(repeating: x[k]), x1 = Lanes(repeating: x[inputs + k]), x2 = Lanes(repeating: x[2 * inputs + k])
            let x3 = Lanes(repeating: x[3 * inputs + k]), x4 = Lanes(repeating: x[4 * inputs + k]), x5 = Lanes(repeating: x[5 * inputs + k])
            multiplyAdd(&y00, x0, w0); multiplyAdd(&y01, x0, w1)
            multiplyAdd(&y10, x1, w0); multiplyAdd(&y11, x1, w1)
            multiplyAdd(&y20, x2, w0); multiplyAdd(&y21, x2, w1)
            multiplyAdd(&y30, x3, w0); multiplyAdd(&y31, x3, w1)
            multiplyAdd(&y40, x4, w0); multiplyAdd(&y41, x4, w1)
            multiplyAdd(&y50, x5, w0); multiplyAdd(&y51, x5, w1)
            w += panelWidth
        }
        store(y00, y01, at: y)
        store(y10, y11, at: y + stride)
        store(y20, y21, at: y + 2 * stride)
        store(y30, y31, at: y + 3 * stride)
        store(y40, y41, at: y + 4 * stride)
        store(y50, y51, at: y + 5 * stride)
    }

    /// sum += a · b. Fused (`addProduct`) only where the build targets a CPU with FMA
    /// instructions (arm64 always; x86-64 when built with TOOLHOST_FMA, see Package.swift): on
    /// baseline x86-64 `addProduct` becomes a C library call per lane, hundreds of times slower
    /// than a separate multiply and add.
    @inline(__always)
    private static func multiplyAdd(_ sum: inout Lanes, _ a: Lanes, _ b: Lanes) {
        #if arch(arm64) || TOOLHOST_FMA
        sum.addProduct(a, b)
        #else
        sum += a * b
        #endif
    }

    @inline(__always)
    private static func store(_ low: Lanes, _ high: Lanes, at row: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(row).storeBytes(of: low, as: Lanes.self)
        UnsafeMutableRawPointer(row + 16).storeBytes(of: high, as: Lanes.self)
    }
}
