// The matrix product of a linear layer, y = x · Wᵀ + b, over W packed in panels
// (toolhost_pack_panels). A template included by float_kernels_*.c after float_lanes.h.
//
// Register blocking: a tile of y, MATMUL_TILE_ROWS rows × 2·FLOAT_LANES columns, stays in
// twelve vector accumulators over all of k; for each k, two contiguous weight vectors are
// loaded and each is multiplied by six broadcast x values, so every weight loaded is used six
// times and a panel streams through the cache in order. Twelve accumulators, two weights and a
// broadcast fit the sixteen registers of SSE2 and AVX2 (AVX-512 has thirty-two, but on the
// cores measured here it is the multiply-add rate, not the registers, that bounds the tile).
// A 32-column panel is one pass of 2 × 16 lanes on AVX-512, two passes of 2 × 8 on AVX2, four
// of 2 × 4 on SSE2 or NEON.

#define MATMUL_TILE_ROWS 6

/// `rows` (at most MATMUL_TILE_ROWS, a constant once inlined: the loops unroll and the
/// accumulators become registers) rows of y, 2·FLOAT_LANES columns from `y`, over all inputs.
KERNEL void matmul_tile(int rows, const float *x, size_t inputs, const float *weights, const float *bias, float *y, size_t outputs) {
    lanes sums[MATMUL_TILE_ROWS][2];
    const lanes bias_low = load(bias), bias_high = load(bias + FLOAT_LANES);
    for (int row = 0; row < rows; row++) {
        sums[row][0] = bias_low;
        sums[row][1] = bias_high;
    }
    for (size_t k = 0; k < inputs; k++) {
        const lanes low = load(weights + k * TOOLHOST_PANEL_WIDTH), high = load(weights + k * TOOLHOST_PANEL_WIDTH + FLOAT_LANES);
        for (int row = 0; row < rows; row++) {
            const lanes value = splat(x[row * inputs + k]);
            sums[row][0] = multiply_add(value, low, sums[row][0]);
            sums[row][1] = multiply_add(value, high, sums[row][1]);
        }
    }
    for (int row = 0; row < rows; row++) {
        store(y + row * outputs, sums[row][0]);
        store(y + row * outputs + FLOAT_LANES, sums[row][1]);
    }
}

static void packed_matmul(const float *x, size_t rows, size_t inputs, const float *panels, const float *bias, size_t outputs, float *y) {
    for (size_t column = 0; column < outputs; column += TOOLHOST_PANEL_WIDTH) {
        const float *panel = panels + column * inputs;
        for (size_t pass = column; pass < column + TOOLHOST_PANEL_WIDTH; pass += 2 * FLOAT_LANES) {
            const float *weights = panel + (pass - column);
            size_t row = 0;
            for (; row + MATMUL_TILE_ROWS <= rows; row += MATMUL_TILE_ROWS) {
                matmul_tile(MATMUL_TILE_ROWS, x + row * inputs, inputs, weights, bias + pass, y + row * outputs + pass, outputs);
            }
            // The last rows, fewer than a tile: each count its own unrolled copy.
            const float *last_x = x + row * inputs;
            float *last_y = y + row * outputs + pass;
            switch (rows - row) {
            case 5: matmul_tile(5, last_x, inputs, weights, bias + pass, last_y, outputs); break;
            case 4: matmul_tile(4, last_x, inputs, weights, bias + pass, last_y, outputs); break;
            case 3: matmul_tile(3, last_x, inputs, weights, bias + pass, last_y, outputs); break;
            case 2: matmul_tile(2, last_x, inputs, weights, bias + pass, last_y, outputs); break;
            case 1: matmul_tile(1, last_x, inputs, weights, bias + pass, last_y, outputs); break;
            default: break;
            }
        }
    }
}
