// The float kernels for AVX2 with FMA (Haswell and Zen onwards): eight lanes, fused
// multiply-add. Compiled into every x86-64 build, run only where the CPU has both
// (kernel_table.c).
#include <math.h>
#include <string.h>
#include "kernel_variants.h"

#if TOOLHOST_X86_VARIANTS
#define FLOAT_LANES 8
#define FUSED_MULTIPLY_ADD 1
#define FLOAT_KERNELS toolhost_float_kernels_avx2
#define FLOAT_KERNELS_VARIANT "avx2"
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "float_kernels_body.h"
#pragma clang attribute pop
#endif
