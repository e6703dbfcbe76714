#ifndef SUANLI_KEYED_DRAWS_H
#define SUANLI_KEYED_DRAWS_H

#include <stdint.h>

/// A firm kept in a consideration set: its key u/v and its position in the market's active list.
typedef struct {
    double key;
    int32_t position;
} suanli_considered_t;

/// Draws a round's bounded consideration set (the market's `consideration(_:max:)`). For every
/// position i < n the 24-bit word w_i = lowbias32(keys[i] ^ seed) >> 8 gives u_i = w_i * 2^-24;
/// position i is seen when u_i < visibility[i]; of those seen, the `k` with the smallest
/// u_i / visibility[i] are kept, ties to the earlier position, and written to `out` in ascending
/// key order. Returns how many were kept (at most k).
///
/// `thresholds[i]` is visibility[i] * 2^24 * (1 + 2^-20) rounded to float: the draws are mixed
/// eight at a time and tested in float against it, so that only positions that could be kept are
/// tested exactly. First only the keys below `tau` are gathered (`tau` near 2k / Σ visibility
/// leaves about 2k of them): when k or more are below it, the k smallest are among them; otherwise
/// every position is scanned again with the running k-th key as the bound. The result does not
/// depend on `tau`, only the work does.
///
/// `keys` and `thresholds` hold n rounded up to a multiple of 8 entries (the padding is never
/// kept), `visibility` n, `scratch` room for n entries, `out` room for k. The same on every
/// machine: AVX2 is used when the CPU and the OS have it, with integer and float arithmetic
/// identical to the baseline instructions'.
int suanli_consideration_scan(const uint32_t *keys, const float *thresholds, const double *visibility, int n,
                              uint32_t seed, int k, double tau, suanli_considered_t *scratch,
                              suanli_considered_t *out);

/// The same, with the target's baseline vector instructions only (tests compare the two).
int suanli_consideration_scan_baseline(const uint32_t *keys, const float *thresholds, const double *visibility,
                                       int n, uint32_t seed, int k, double tau, suanli_considered_t *scratch,
                                       suanli_considered_t *out);

/// Whether `suanli_consideration_scan` uses AVX2 on this machine.
int suanli_consideration_uses_avx2(void);

#endif
