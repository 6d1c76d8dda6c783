// FLOAT_LANES-wide float vectors and the arithmetic the float kernels share: loads, stores,
// multiply-add, a lane sum, a select, and e^x.
//
// A template, not a header: each float_kernels_*.c includes it once, after defining
// FLOAT_LANES (4, 8 or 16 floats: one SSE/NEON, AVX or AVX-512 register) and
// FUSED_MULTIPLY_ADD (1 where the instruction set has it), inside a `#pragma clang attribute`
// that compiles every function for that instruction set. The kernels are thereby written once,
// in clang's portable vector extension, and each translation unit turns them into one
// instruction set's code (the idea of Highway's foreach_target.h, without its machinery).

typedef float lanes __attribute__((ext_vector_type(FLOAT_LANES)));
typedef uint32_t lane_bits __attribute__((ext_vector_type(FLOAT_LANES)));

#define KERNEL static inline __attribute__((always_inline))

KERNEL lanes splat(float value) { return (lanes)(value); }

/// Unaligned: rows start wherever the caller's arrays put them.
KERNEL lanes load(const float *from) {
    lanes value;
    memcpy(&value, from, sizeof value);
    return value;
}

KERNEL void store(float *to, lanes value) { memcpy(to, &value, sizeof value); }

/// sum + a · b. Fused where the instruction set has it; on baseline x86-64 (SSE2) a fused
/// multiply-add would be a C library call per lane, so there it is a multiply and an add.
KERNEL lanes multiply_add(lanes a, lanes b, lanes sum) {
#if FUSED_MULTIPLY_ADD
    return __builtin_elementwise_fma(a, b, sum);
#else
    return sum + a * b;
#endif
}

/// The sum of the lanes, halving the vector at each step (a chain of FLOAT_LANES scalar adds
/// would wait on each one).
KERNEL float lane_sum(lanes value) {
#if FLOAT_LANES == 16
    __auto_type eight = value.lo + value.hi;
    __auto_type four = eight.lo + eight.hi;
#elif FLOAT_LANES == 8
    __auto_type four = value.lo + value.hi;
#else
    lanes four = value;
#endif
    __auto_type two = four.lo + four.hi;
    return two.x + two.y;
}

/// `when_true` where `condition` holds (all bits set, as vector comparisons give), else `when_false`.
KERNEL lanes select(lane_bits condition, lanes when_true, lanes when_false) {
    return (lanes)((condition & (lane_bits)when_true) | (~condition & (lane_bits)when_false));
}

/// e^x, with a relative error below 2e-7 for x in [-87, 88] (Cephes' expf: x = n·ln 2 + r,
/// |r| ≤ ln 2 / 2, a degree-6 polynomial for e^r, times 2^n). Smaller x give about 1e-38
/// rather than 0, which no sum here can tell apart.
///
/// n is rounded, and 2^n made, without a float-to-integer conversion: adding 1.5·2²³ + 127
/// leaves n + 127 in the low mantissa bits, and shifting those bits into the exponent field
/// gives 2^n.
KERNEL lanes exp_lanes(lanes x) {
    lanes clamped = __builtin_elementwise_min(__builtin_elementwise_max(x, splat(-87.3f)), splat(88.3f));
    const lanes magic = splat(12582912.0f + 127.0f);
    lanes shifted = clamped * 1.44269504f + magic;
    lanes n = shifted - magic;
    lanes r = clamped - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    lanes p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    return p * (lanes)((lane_bits)shifted << 23);
}
