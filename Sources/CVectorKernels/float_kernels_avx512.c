// The float kernels for AVX-512F (Skylake-SP, Ice Lake, Zen 4 onwards): sixteen lanes, fused
// multiply-add. Compiled into every x86-64 build, run only where the CPU has it
// (kernel_table.c).
#include <math.h>
#include <string.h>
#include "kernel_variants.h"

#if TOOLHOST_X86_VARIANTS
#define FLOAT_LANES 16
#define FUSED_MULTIPLY_ADD 1
#define FLOAT_KERNELS toolhost_float_kernels_avx512
#define FLOAT_KERNELS_VARIANT "avx512"
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#include "float_kernels_body.h"
#pragma clang attribute pop
#endif
