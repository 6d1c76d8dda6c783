#ifndef TOOLHOST_CVECTOR_KERNELS_H
#define TOOLHOST_CVECTOR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__clang__)
#pragma clang assume_nonnull begin
#endif

// Every kernel here comes in variants for several instruction sets, compiled side by side into
// the same portable binary; the best this CPU runs is picked once, at the first call
// (kernel_table.c), so the binary still needs nothing beyond baseline x86-64 or aarch64.

// MARK: - int8 scores (the quantized vector scan)

/// Integer dot products of one int8 query with `rows` int8 vectors of `dimension` codes laid out
/// row after row: `scores[i] = sum over d of query[d] * codes[i * dimension + d]`.
///
/// Codes and query must lie in -127...127 (never -128: the AVX2 kernel negates them). Variants:
/// AVX-512 VNNI, AVX2, or portable C (what any x86-64 or aarch64 runs, vectorised by the compiler).
void toolhost_int8_scores(const int8_t *codes, size_t rows, size_t dimension, const int8_t *query, int32_t *scores);

/// The name of the kernel `toolhost_int8_scores` uses on this CPU ("avx512vnni", "avx2" or
/// "portable"), for benchmarks and diagnostics.
const char *toolhost_int8_kernel(void);

// MARK: - float kernels (the in-process BERT encoder)

/// Output columns per panel of a packed weight matrix (see `toolhost_pack_panels`).
#define TOOLHOST_PANEL_WIDTH 32
/// The float kernels work on rows whose length is a multiple of this many floats (a head's
/// size, a hidden or intermediate width): the widest variant's vector.
#define TOOLHOST_FLOAT_LANES 16

/// One instruction set's float kernels. Rows are `float` arrays; "rows of n" means n floats
/// each, one after the other, unless a stride is given.
struct toolhost_float_kernels {
    /// "avx512", "avx2" (with FMA) or "portable" (SSE2 on x86-64, NEON on aarch64).
    const char *name;
    /// y[r] = x[r] · Wᵀ + b for `rows` rows (any count) of `inputs` floats, into rows of
    /// `outputs` floats; W packed by `toolhost_pack_panels`, `outputs` a multiple of
    /// TOOLHOST_PANEL_WIDTH, `bias` `outputs` floats.
    void (*packed_matmul)(const float *x, size_t rows, size_t inputs, const float *panels, const float *bias, size_t outputs, float *y);
    /// values[i] = GELU(values[i]) (the exact, erf form) for `count` floats, a multiple of
    /// TOOLHOST_FLOAT_LANES.
    void (*gelu)(float *values, size_t count);
    /// row = LayerNorm(row + addend) · weight + bias over `count` floats, a multiple of
    /// TOOLHOST_FLOAT_LANES: a residual connection and its layer normalisation in one pass.
    void (*add_layer_norm)(float *row, const float *addend, size_t count, const float *weight, const float *bias, float epsilon);
    /// Scaled-dot-product attention of one head over one sequence of `count` tokens: for each
    /// token i, `context[i]` = Σⱼ softmax(qᵢ · kⱼ)ⱼ vⱼ. Query, key and value rows (`size` floats,
    /// a multiple of TOOLHOST_FLOAT_LANES) are `stride` floats apart, context rows
    /// `context_stride` apart; `scores` is room for `count` floats. The 1/√size scale is the
    /// caller's (folded into the queries).
    void (*attention)(const float *queries, const float *keys, const float *values, size_t stride, size_t count, size_t size,
                      float *context, size_t context_stride, float *scores);
};

/// The float kernels this CPU runs best, picked once.
const struct toolhost_float_kernels *toolhost_chosen_float_kernels(void);

/// The float kernels this CPU runs, best first (index 0 is the chosen one), NULL past the last:
/// tests run every variant the machine has against the same references.
const struct toolhost_float_kernels *_Nullable toolhost_runnable_float_kernels(size_t index);

/// Repacks a linear layer's weight W (`outputs` × `inputs`, row-major: PyTorch's layout), times
/// `scale`, into the panels `packed_matmul` streams: panel p holds, for each input k, the
/// TOOLHOST_PANEL_WIDTH weights of outputs 32p…32p+31 side by side. `panels` holds
/// `inputs × outputs` floats; `outputs` is a multiple of TOOLHOST_PANEL_WIDTH. Layers packed
/// one after the other in one buffer act as one layer with their outputs side by side.
void toolhost_pack_panels(const float *weight, size_t inputs, size_t outputs, float scale, float *panels);

#if defined(__clang__)
#pragma clang assume_nonnull end
#endif

#endif
