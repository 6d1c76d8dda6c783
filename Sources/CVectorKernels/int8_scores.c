#include "kernel_variants.h"

// One scan over a collection's int8 codes is memory-bound only when the multiply-adds keep up
// with memory: the portable loop (SSE2 on x86-64, NEON on aarch64) does not at 1M × 384 on a
// machine with AVX-512, so the wider kernels are compiled beside it with target attributes and
// chosen at run time (kernel_table.c). The binary itself still needs nothing beyond baseline
// x86-64.

void toolhost_int8_scores_portable(const int8_t *codes, size_t rows, size_t dimension, const int8_t *query, int32_t *scores) {
    for (size_t row = 0; row < rows; row++) {
        const int8_t *vector = codes + row * dimension;
        int32_t sum = 0;
        for (size_t d = 0; d < dimension; d++) sum += (int32_t)query[d] * (int32_t)vector[d];
        scores[row] = sum;
    }
}

#if TOOLHOST_X86_VARIANTS
#include <immintrin.h>

static int32_t tail_sum(const int8_t *vector, const int8_t *query, size_t from, size_t dimension) {
    int32_t sum = 0;
    for (size_t d = from; d < dimension; d++) sum += (int32_t)query[d] * (int32_t)vector[d];
    return sum;
}

// vpdpbusd multiplies unsigned by signed bytes: a code c is read as c + 128 (its sign bit
// flipped), and 128 × sum(query) taken off again at the end.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
void toolhost_int8_scores_avx512vnni(const int8_t *codes, size_t rows, size_t dimension, const int8_t *query, int32_t *scores) {
    size_t blocks = dimension / 64, covered = blocks * 64;
    int32_t offset = 0;
    for (size_t d = 0; d < covered; d++) offset += 128 * (int32_t)query[d];
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    __m512i q[blocks > 0 ? blocks : 1];
    for (size_t b = 0; b < blocks; b++) q[b] = _mm512_loadu_si512((const void *)(query + b * 64));
    for (size_t row = 0; row < rows; row++) {
        const int8_t *vector = codes + row * dimension;
        __m512i sum = _mm512_setzero_si512();
        for (size_t b = 0; b < blocks; b++) {
            __m512i v = _mm512_xor_si512(_mm512_loadu_si512((const void *)(vector + b * 64)), flip);
            sum = _mm512_dpbusd_epi32(sum, v, q[b]);
        }
        scores[row] = _mm512_reduce_add_epi32(sum) - offset + tail_sum(vector, query, covered, dimension);
    }
}

// vpmaddubsw multiplies unsigned by signed bytes into saturating 16-bit pairs: |query| times the
// code carrying the query's sign stays within 2 × 127 × 127.
__attribute__((target("avx2")))
void toolhost_int8_scores_avx2(const int8_t *codes, size_t rows, size_t dimension, const int8_t *query, int32_t *scores) {
    size_t blocks = dimension / 32, covered = blocks * 32;
    const __m256i ones = _mm256_set1_epi16(1);
    for (size_t row = 0; row < rows; row++) {
        const int8_t *vector = codes + row * dimension;
        __m256i sum = _mm256_setzero_si256();
        for (size_t b = 0; b < blocks; b++) {
            __m256i qv = _mm256_loadu_si256((const __m256i *)(query + b * 32));
            __m256i v = _mm256_loadu_si256((const __m256i *)(vector + b * 32));
            __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(qv, qv), _mm256_sign_epi8(v, qv));
            sum = _mm256_add_epi32(sum, _mm256_madd_epi16(pairs, ones));
        }
        __m128i half = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
        half = _mm_add_epi32(half, _mm_shuffle_epi32(half, 0x4E));
        half = _mm_add_epi32(half, _mm_shuffle_epi32(half, 0xB1));
        scores[row] = _mm_cvtsi128_si32(half) + tail_sum(vector, query, covered, dimension);
    }
}
#endif
