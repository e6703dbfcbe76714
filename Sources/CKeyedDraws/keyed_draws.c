// The consideration set's keyed draws, eight firms at a time (see keyed_draws.h). Written once
// (SCAN_BODY) and compiled twice on x86-64: for the baseline (SSE2, where a 32-bit vector multiply
// is emulated) and for AVX2, chosen at run time; the arithmetic is integer and IEEE float on
// both, so they keep the same firms.
#include "keyed_draws.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

typedef uint32_t v8u __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v8f __attribute__((vector_size(32)));

/// Inserts (key, position) into the ascending `out` of `*count` entries, keeping at most k: a key
/// not below the largest of a full set stays out; an equal key goes after those already kept (the
/// earlier position first). Returns whether the set is full afterwards.
static inline __attribute__((always_inline)) int insert(suanli_considered_t *out, int *count, int k, double key,
                                                        int32_t position) {
    int c = *count;
    if (c == k) {
        if (!(key < out[k - 1].key)) return 0;
        c -= 1;
    }
    int at = c;
    while (at > 0 && out[at - 1].key > key) {
        out[at] = out[at - 1];
        at -= 1;
    }
    out[at].key = key;
    out[at].position = position;
    *count = c + 1;
    return *count == k;
}

/// The next float above the positive finite `f`.
static inline __attribute__((always_inline)) float next_float_up(float f) {
    uint32_t b;
    __builtin_memcpy(&b, &f, sizeof b);
    b += 1;
    __builtin_memcpy(&f, &b, sizeof f);
    return f;
}

/// lowbias32 of `X` (already key ^ seed), then its top 24 bits, in place: the same operators on a
/// vector of eight lanes (v8u) and on one uint32_t.
#define MIX_TOP24(X)                                                                               \
    do {                                                                                           \
        X ^= X >> 16;                                                                              \
        X *= 0x7feb352du;                                                                          \
        X ^= X >> 15;                                                                              \
        X *= 0x846ca68bu;                                                                          \
        X ^= X >> 16;                                                                              \
        X >>= 8;                                                                                   \
    } while (0)

/// Chunk `C`'s eight draws into the v8u `X` and their float test against `BOUND` times the
/// thresholds into the v8i `PASS`.
#define TEST_CHUNK(C, BOUND, X, PASS)                                                              \
    v8u X;                                                                                         \
    __builtin_memcpy(&X, keys + 8 * (C), sizeof X);                                                \
    X ^= s;                                                                                        \
    MIX_TOP24(X);                                                                                  \
    v8f t_;                                                                                        \
    __builtin_memcpy(&t_, thresholds + 8 * (C), sizeof t_);                                        \
    const v8i PASS = __builtin_convertvector((v8i)X, v8f) <= t_ * (BOUND);

/// For every position seen (u < v) whose draw passes the float test against `BOUND` times its
/// threshold, in position order: `ACTION` with `i`, the position, and `key` = u/v. The draws of a
/// chunk of eight (positions 8c ... 8c + 7) are lowbias32 of key ^ seed, top 24 bits; `MASK`
/// turns the lanes' comparison into eight bits. `BOUND` is read again for every chunk.
#define FOR_EACH_SEEN(MASK, BOUND, ACTION)                                                         \
    for (int c = 0; c < chunks; c++) {                                                             \
        TEST_CHUNK(c, BOUND, x, pass)                                                              \
        unsigned bits = MASK(&pass);                                                               \
        while (bits != 0) {                                                                        \
            const int lane = __builtin_ctz(bits);                                                  \
            bits &= bits - 1;                                                                      \
            const int i = 8 * c + lane;                                                            \
            if (i >= n) break;                                                                     \
            const double v = visibility[i];                                                        \
            const double u = (double)x[lane] * 0x1p-24;                                            \
            if (!(u < v)) continue;                                                                \
            const double key = u / v;                                                              \
            ACTION                                                                                 \
        }                                                                                          \
    }

/// Chunks of eight positions whose pass bits ``FOR_EACH_SEEN_FIXED`` keeps at once (on the stack).
#define SEEN_BLOCK_CHUNKS 512

/// ``FOR_EACH_SEEN`` for a bound that does not change during the scan, in two steps per block of
/// up to 4,096 positions: the block's draws are mixed and tested as vectors with no branch, and
/// their pass bits kept; then each passing position's draw is mixed again (scalar, the same
/// arithmetic) and tested exactly. The same positions, in the same order, as ``FOR_EACH_SEEN``;
/// the branches taken per passing lane rather than per chunk, which the processor predicts far
/// better.
#define FOR_EACH_SEEN_FIXED(MASK, BOUND, ACTION)                                                   \
    for (int c0 = 0; c0 < chunks; c0 += SEEN_BLOCK_CHUNKS) {                                       \
        const int c1 = c0 + SEEN_BLOCK_CHUNKS < chunks ? c0 + SEEN_BLOCK_CHUNKS : chunks;          \
        const int words = (c1 - c0 + 7) / 8;                                                       \
        uint64_t passed[SEEN_BLOCK_CHUNKS / 8];                                                    \
        for (int w = 0; w < words; w++) passed[w] = 0;                                             \
        for (int c = c0; c < c1; c++) {                                                            \
            TEST_CHUNK(c, BOUND, x, pass)                                                          \
            passed[(c - c0) >> 3] |= (uint64_t)MASK(&pass) << (8 * ((c - c0) & 7));                \
        }                                                                                          \
        for (int w = 0; w < words; w++) {                                                          \
            uint64_t bits = passed[w];                                                             \
            while (bits != 0) {                                                                    \
                const int i = 8 * c0 + 64 * w + __builtin_ctzll(bits);                             \
                bits &= bits - 1;                                                                  \
                if (i >= n) break;                                                                 \
                uint32_t y = keys[i] ^ seed;                                                       \
                MIX_TOP24(y);                                                                      \
                const double v = visibility[i];                                                    \
                const double u = (double)y * 0x1p-24;                                              \
                if (!(u < v)) continue;                                                            \
                const double key = u / v;                                                          \
                ACTION                                                                             \
            }                                                                                      \
        }                                                                                          \
    }

/// The scan, with `MASK` the target's way to turn a lane comparison into eight bits.
#define SCAN_BODY(MASK)                                                                            \
    if (k <= 0 || n <= 0) return 0;                                                                \
    const v8u s = {seed, seed, seed, seed, seed, seed, seed, seed};                               \
    const int chunks = (n + 7) / 8;                                                                \
    int count = 0;                                                                                 \
    if (tau < 1) {                                                                                 \
        /* Gather the seen positions with a key below tau, in position order. tf >= tau, and */   \
        /* the thresholds' margin covers the float product's rounding: none is missed. */        \
        float tf = (float)tau;                                                                     \
        if ((double)tf < tau) tf = next_float_up(tf);                                              \
        int gathered = 0;                                                                          \
        FOR_EACH_SEEN_FIXED(MASK, tf, if (key < tau) {                                             \
            scratch[gathered].key = key;                                                           \
            scratch[gathered].position = i;                                                        \
            gathered += 1;                                                                         \
        })                                                                                         \
        if (gathered >= k) {                                                                       \
            for (int g = 0; g < gathered; g++) insert(out, &count, k, scratch[g].key, scratch[g].position); \
            return count;                                                                          \
        }                                                                                          \
    }                                                                                              \
    /* Every position, the bound the running k-th key (the float above 1 until k are kept). */   \
    float scale = 0x1.000002p0f;                                                                   \
    FOR_EACH_SEEN(MASK, scale, if (insert(out, &count, k, key, i)) scale = (float)(out[k - 1].key * (1 + 0x1p-20));) \
    return count;

#if defined(__x86_64__)
static inline __attribute__((always_inline)) unsigned mask_sse(const v8i *m) {
    typedef int32_t v4i __attribute__((vector_size(16)));
    v4i lo, hi;
    __builtin_memcpy(&lo, m, sizeof lo);
    __builtin_memcpy(&hi, (const char *)m + sizeof lo, sizeof hi);
    return (unsigned)_mm_movemask_ps((__m128)lo) | ((unsigned)_mm_movemask_ps((__m128)hi) << 4);
}

__attribute__((target("avx2"))) static inline __attribute__((always_inline)) unsigned mask_avx(const v8i *m) {
    __m256 f;
    __builtin_memcpy(&f, m, sizeof f);
    return (unsigned)_mm256_movemask_ps(f);
}

__attribute__((target("avx2"))) static int scan_avx2(const uint32_t *keys, const float *thresholds,
                                                     const double *visibility, int n, uint32_t seed, int k,
                                                     double tau, suanli_considered_t *scratch,
                                                     suanli_considered_t *out) {
    SCAN_BODY(mask_avx)
}

int suanli_consideration_scan_baseline(const uint32_t *keys, const float *thresholds, const double *visibility,
                                       int n, uint32_t seed, int k, double tau, suanli_considered_t *scratch,
                                       suanli_considered_t *out) {
    SCAN_BODY(mask_sse)
}

/// AVX2 in the CPU (CPUID leaf 7, EBX bit 5) and its registers saved by the OS (OSXSAVE, AVX, and
/// XCR0 with the SSE and AVX states).
static int detect_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & bit_AVX2) != 0;
}

static int avx2_state = -1; /* not yet known; two threads racing only compute the same answer */

int suanli_consideration_uses_avx2(void) {
    int s = __atomic_load_n(&avx2_state, __ATOMIC_RELAXED);
    if (s < 0) {
        s = detect_avx2();
        __atomic_store_n(&avx2_state, s, __ATOMIC_RELAXED);
    }
    return s;
}

int suanli_consideration_scan(const uint32_t *keys, const float *thresholds, const double *visibility, int n,
                              uint32_t seed, int k, double tau, suanli_considered_t *scratch,
                              suanli_considered_t *out) {
    if (suanli_consideration_uses_avx2())
        return scan_avx2(keys, thresholds, visibility, n, seed, k, tau, scratch, out);
    return suanli_consideration_scan_baseline(keys, thresholds, visibility, n, seed, k, tau, scratch, out);
}
#else
static inline __attribute__((always_inline)) unsigned mask_generic(const v8i *m) {
    unsigned bits = 0;
    for (int l = 0; l < 8; l++) bits |= (unsigned)((*m)[l] & 1) << l;
    return bits;
}

int suanli_consideration_scan_baseline(const uint32_t *keys, const float *thresholds, const double *visibility,
                                       int n, uint32_t seed, int k, double tau, suanli_considered_t *scratch,
                                       suanli_considered_t *out) {
    SCAN_BODY(mask_generic)
}

int suanli_consideration_uses_avx2(void) { return 0; }

int suanli_consideration_scan(const uint32_t *keys, const float *thresholds, const double *visibility, int n,
                              uint32_t seed, int k, double tau, suanli_considered_t *scratch,
                              suanli_considered_t *out) {
    return suanli_consideration_scan_baseline(keys, thresholds, visibility, n, seed, k, tau, scratch, out);
}
#endif
