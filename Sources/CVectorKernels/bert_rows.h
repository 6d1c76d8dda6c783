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

/// q · k over `size` floats, a vector's worth of lanes at a time.
KERNEL float dot(const float *q, const float *k, size_t size) {
    lanes sum = splat(0);
    for (size_t column = 0; column < size; column += FLOAT_LANES) sum = multiply_add(load(q + column), load(k + column), sum);
    return lane_sum(sum);
}

/// Dot products with four keys at once: four independent chains of multiply-adds (one would
/// wait on each add) sharing each query load.
KERNEL void dot4(const float *q, const float *keys, size_t stride, size_t size, float *scores) {
    lanes sum0 = splat(0), sum1 = splat(0), sum2 = splat(0), sum3 = splat(0);
    for (size_t column = 0; column < size; column += FLOAT_LANES) {
        const lanes query = load(q + column);
        sum0 = multiply_add(query, load(keys + column), sum0);
        sum1 = multiply_add(query, load(keys + stride + column), sum1);
        sum2 = multiply_add(query, load(keys + 2 * stride + column), sum2);
        sum3 = multiply_add(query, load(keys + 3 * stride + column), sum3);
    }
    scores[0] = lane_sum(sum0);
    scores[1] = lane_sum(sum1);
    scores[2] = lane_sum(sum2);
    scores[3] = lane_sum(sum3);
}

static void attention(const float *queries, const float *keys, const float *values, size_t stride, size_t count, size_t size,
                      float *context, size_t context_stride, float *scores) {
    for (size_t query = 0; query < count; query++) {
        const float *q = queries + query * stride;
        size_t key = 0;
        for (; key + 4 <= count; key += 4) dot4(q, keys + key * stride, stride, size, scores + key);
        for (; key < count; key++) scores[key] = dot(q, keys + key * stride, size);
        float maximum = scores[0];
        for (key = 1; key < count; key++) maximum = scores[key] > maximum ? scores[key] : maximum;
        const float scale = 1.0f / exponentiate(scores, count, maximum);
        // The weighted sum of the values, even and odd keys in two chains.
        float *out = context + query * context_stride;
        for (size_t column = 0; column < size; column += FLOAT_LANES) {
            const float *v = values + column;
            lanes even = splat(0), odd = splat(0);
            for (key = 0; key + 2 <= count; key += 2) {
                even = multiply_add(splat(scores[key]), load(v + key * stride), even);
                odd = multiply_add(splat(scores[key + 1]), load(v + (key + 1) * stride), odd);
            }
            if (key < count) even = multiply_add(splat(scores[key]), load(v + key * stride), even);
            store(out + column, (even + odd) * scale);
        }
    }
}
