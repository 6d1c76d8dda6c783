#ifndef TOOLHOST_CVECTOR_KERNELS_H
#define TOOLHOST_CVECTOR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Integer dot products of one int8 query with `rows` int8 vectors of `dimension` codes laid out
/// row after row: `scores[i] = sum over d of query[d] * codes[i * dimension + d]`.
///
/// Codes and query must lie in -127...127 (never -128: the AVX2 kernel negates them). The best
/// kernel this CPU runs is picked once, at the first call: AVX-512 VNNI, AVX2, or portable C
/// (what any x86-64 or aarch64 runs, vectorised by the compiler).
void toolhost_int8_scores(const int8_t *codes, size_t rows, size_t dimension, const int8_t *query, int32_t *scores);

/// The name of the kernel `toolhost_int8_scores` uses on this CPU ("avx512vnni", "avx2" or
/// "portable"), for benchmarks and diagnostics.
const char *toolhost_int8_kernel(void);

#endif
