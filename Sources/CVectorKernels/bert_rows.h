// The rest of a BERT layer, row by row: GELU, residual + layer norm, and one head's attention.
// A template included by float_kernels_*.c after float_lanes.h.

/// x · Φ(x), BERT's exact GELU. Φ(-|x|) = erfc(|x|/√2)/2 by Abramowitz–Stegun 7.1.26
/// (absolute error below 1.5e-7), the same formula as the reference server. Polynomials rather
/// than the C library's erff and expf, which take one value per call: GELU runs on 1,536 values
/// per token and layer, and a call each for them costs about as much as the layer's products.
static void gelu(float *values, size_t count) {
    for (size_t index = 0; index < count; index += FLOAT_LANES) {
        const lanes x = load(values + index);
        const lanes z = (lanes)((lane_bits)x & 0x7fffffffu) * 0.7071067811865476f;
        const lanes t = 1.0f / (z * 0.3275911f + 1.0f);
        lanes poly = t * 1.061405429f - 1.453152027f;
        poly = poly * t + 1.421413741f;
        poly = poly * t - 0.284496736f;
        poly = poly * t + 0.254829592f;
        poly = poly * t;
        const lanes lower = poly * exp_lanes(-(z * z)) * 0.5f;
        store(values + index, x * select((lane_bits)(x >= 0.0f), 1.0f - lower, lower));
    }
}

static void add_layer_norm(float *row, const float *addend, size_t count, const float *weight, const float *bias, float epsilon) {
    lanes sum = splat(0);
    for (size_t index = 0; index < count; index += FLOAT_LANES) {
        const lanes value = load(row + index) + load(addend + index);
        store(row + index, value);
        sum += value;
    }
    const float mean = lane_sum(sum) / (float)count;
    lanes squares = splat(0);
    for (size_t index = 0; index < count; index += FLOAT_LANES) {
        const lanes centered = load(row + index) - mean;
        squares = multiply_add(centered, centered, squares);
    }
    const float scale = 1.0f / sqrtf(lane_sum(squares) / (float)count + epsilon);
    for (size_t index = 0; index < count; index += FLOAT_LANES) {
        const lanes normalized = (load(row + index) - mean) * scale;
        store(row + index, multiply_add(normalized, load(weight + index), load(bias + index)));
    }
}

/// One query's softmax over `scores` (its largest is `maximum`), left unnormalised: the sum
/// of the exponentials is returned for the caller to divide by once, on the context row.
KERNEL float exponentiate(float *scores, size_t count, float maximum) {
    lanes total = splat(0);
    size_t key = 0;
    for (; key + FLOAT_LANES <= count; key += FLOAT_LANES) {
        const lanes exponentials = exp_lanes(load(scores + key) - maximum);
        store(scores + key, exponentials);
        total += exponentials;
    }
    float sum = lane_sum(total);
    for (; key < count; key++) {
        scores[key] = exp_lanes(splat(scores[key] - maximum)).x;
        sum += scores[key];
    }
    return sum;
}

static void attention(const float *queries, const float *keys, const float *values, size_t stride, size_t count, size_t size,
                      float *context, size_t context_stride, float *scores) {
    for (size_t query = 0; query < count; query++) {
        const float *q = queries + query * stride;
        float maximum = -__builtin_inff();
        for (size_t key = 0; key < count; key++) {
            const float *k = keys + key * stride;
            lanes dot = splat(0);
            for (size_t column = 0; column < size; column += FLOAT_LANES) dot = multiply_add(load(q + column), load(k + column), dot);
            scores[key] = lane_sum(dot);
            if (scores[key] > maximum) maximum = scores[key];
        }
        const lanes scale = splat(1.0f / exponentiate(scores, count, maximum));
        float *out = context + query * context_stride;
        for (size_t column = 0; column < size; column += FLOAT_LANES) {
            lanes sum = splat(0);
            for (size_t key = 0; key < count; key++) sum = multiply_add(splat(scores[key]), load(values + key * stride + column), sum);
            store(out + column, sum * scale);
        }
    }
}
