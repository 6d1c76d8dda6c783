// The variants of each kernel, as kernel_table.c chooses among them. Private to CVectorKernels.
#ifndef TOOLHOST_KERNEL_VARIANTS_H
#define TOOLHOST_KERNEL_VARIANTS_H

#include <stdint.h>
#include "CVectorKernels.h"

/// The AVX2 and AVX-512 variants exist on x86-64 built with clang (target attributes and
/// `#pragma clang attribute`); elsewhere only the portable ones do.
#if defined(__x86_64__) && defined(__clang__)
#define TOOLHOST_X86_VARIANTS 1
#else
#define TOOLHOST_X86_VARIANTS 0
#endif

typedef void (*toolhost_int8_scores_kernel)(const int8_t *codes, size_t rows, size_t dimension, const int8_t *query, int32_t *scores);

__attribute__((visibility("hidden"))) void toolhost_int8_scores_portable(const int8_t *, size_t, size_t, const int8_t *, int32_t *);
__attribute__((visibility("hidden"))) extern const struct toolhost_float_kernels toolhost_float_kernels_portable;

#if TOOLHOST_X86_VARIANTS
__attribute__((visibility("hidden"))) void toolhost_int8_scores_avx2(const int8_t *, size_t, size_t, const int8_t *, int32_t *);
__attribute__((visibility("hidden"))) void toolhost_int8_scores_avx512vnni(const int8_t *, size_t, size_t, const int8_t *, int32_t *);
__attribute__((visibility("hidden"))) extern const struct toolhost_float_kernels toolhost_float_kernels_avx2;
__attribute__((visibility("hidden"))) extern const struct toolhost_float_kernels toolhost_float_kernels_avx512;
#endif

#endif
