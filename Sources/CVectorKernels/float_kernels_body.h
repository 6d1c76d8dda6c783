// One instruction set's float kernels and their table. Each float_kernels_*.c includes it once,
// having defined FLOAT_LANES and FUSED_MULTIPLY_ADD (see float_lanes.h), FLOAT_KERNELS (the
// table's symbol, declared in kernel_variants.h) and FLOAT_KERNELS_VARIANT (its name), and
// having included <math.h>, <string.h> and kernel_variants.h before its `#pragma clang
// attribute`, so that the C library's declarations keep their own targets.

#include "float_lanes.h"
#include "packed_matmul.h"
#include "bert_rows.h"

__attribute__((visibility("hidden")))
const struct toolhost_float_kernels FLOAT_KERNELS = {
    .name = FLOAT_KERNELS_VARIANT,
    .packed_matmul = packed_matmul,
    .gelu = gelu,
    .add_layer_norm = add_layer_norm,
    .attention = attention,
};
