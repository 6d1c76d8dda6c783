// The float kernels for the instruction set the whole binary targets: SSE2 on x86-64 (four
// lanes, no fused multiply-add), NEON on aarch64 (four lanes, fused). Any CPU runs them.
#include <math.h>
#include <string.h>
#include "kernel_variants.h"

#define FLOAT_LANES 4
#if defined(__aarch64__)
#define FUSED_MULTIPLY_ADD 1
#else
#define FUSED_MULTIPLY_ADD 0
#endif
#define FLOAT_KERNELS toolhost_float_kernels_portable
#define FLOAT_KERNELS_VARIANT "portable"
#include "float_kernels_body.h"
