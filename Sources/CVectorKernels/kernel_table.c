#include <pthread.h>
#include <stdbool.h>
#include "kernel_variants.h"

// Which variant of each kernel runs is decided once per process, from the CPU's features, and
// kept in one table. The choice is made at run time rather than at build time because a binary
// built for the newest instruction set (-target-cpu) runs only on CPUs that have it, and one
// built for baseline x86-64 (SSE2, no fused multiply-add) leaves the encoder's matrix products
// three times slower than the CPU allows. The variants are compiled side by side with target
// attributes, so the binary itself needs nothing beyond baseline x86-64 or aarch64; a call pays
// one indirect jump.

/// Room for every float variant: AVX-512, AVX2 with FMA, portable.
#define FLOAT_VARIANTS 3

struct kernel_table {
    toolhost_int8_scores_kernel int8_scores;
    const char *int8_name;
    /// The float variants this CPU runs, best first: the first is the one used.
    const struct toolhost_float_kernels *floats[FLOAT_VARIANTS];
    size_t float_count;
};

static struct kernel_table table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void choose_kernels(void) {
    table.int8_scores = toolhost_int8_scores_portable;
    table.int8_name = "portable";
#if TOOLHOST_X86_VARIANTS
    // Also checks that the operating system saves the wide registers (XCR0), not just CPUID.
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2"), fma = __builtin_cpu_supports("fma");
    const bool avx512f = __builtin_cpu_supports("avx512f");
    if (avx512f && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni")) {
        table.int8_scores = toolhost_int8_scores_avx512vnni;
        table.int8_name = "avx512vnni";
    } else if (avx2) {
        table.int8_scores = toolhost_int8_scores_avx2;
        table.int8_name = "avx2";
    }
    if (avx512f) table.floats[table.float_count++] = &toolhost_float_kernels_avx512;
    if (avx2 && fma) table.floats[table.float_count++] = &toolhost_float_kernels_avx2;
#endif
    table.floats[table.float_count++] = &toolhost_float_kernels_portable;
}

static const struct kernel_table *kernels(void) {
    pthread_once(&table_once, choose_kernels);
    return &table;
}

void toolhost_int8_scores(const int8_t *codes, size_t rows, size_t dimension, const int8_t *query, int32_t *scores) {
    kernels()->int8_scores(codes, rows, dimension, query, scores);
}

const char *toolhost_int8_kernel(void) {
    return kernels()->int8_name;
}

const struct toolhost_float_kernels *toolhost_chosen_float_kernels(void) {
    return kernels()->floats[0];
}

const struct toolhost_float_kernels *toolhost_runnable_float_kernels(size_t index) {
    const struct kernel_table *chosen = kernels();
    return index < chosen->float_count ? chosen->floats[index] : NULL;
}
