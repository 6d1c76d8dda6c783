import CVectorKernels

/// One instruction set's float kernels from CVectorKernels — the encoder's matrix products,
/// GELU, residual layer norms and attention — as a table of C functions.
///
/// They are C, compiled for AVX-512, for AVX2 with FMA and for the baseline instruction set
/// side by side, because Swift compiles a whole module for one target: in the portable build
/// the encoder's Swift SIMD was SSE2 without fused multiply-add, 32 texts per CPU-second on this
/// AVX-512 machine against 134 with these kernels (Benchmarks/embedder_bench.py).
typealias FloatKernels = toolhost_float_kernels

extension FloatKernels {
    /// Row lengths (a head's size, the hidden and intermediate widths) must be multiples of this.
    static let lanes = Int(TOOLHOST_FLOAT_LANES)

    /// The variant this CPU runs best, chosen once per process.
    static var best: FloatKernels { toolhost_chosen_float_kernels().pointee }

    /// Every variant this CPU runs, best first.
    static var runnable: [FloatKernels] {
        var variants: [FloatKernels] = []
        while let next = toolhost_runnable_float_kernels(variants.count) { variants.append(next.pointee) }
        return variants
    }

    var variant: String { String(cString: name) }
}
