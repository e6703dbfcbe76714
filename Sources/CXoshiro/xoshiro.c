#include "xoshiro.h"
#include <limits.h>

typedef struct { uint64_t s[4]; } xoshiro_state_t;

static inline uint64_t rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next(xoshiro_state_t *st) {
    uint64_t *s = st->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void xoshiro_set(void *vstate, unsigned long int seed) {
    xoshiro_state_t *st = (xoshiro_state_t *)vstate;
    uint64_t x = (uint64_t)seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        st->s[i] = suanli_splitmix64_mix(x);
    }
    /* The all-zero state is the one fixed point; SplitMix64 output cannot be
       zero in all four words for consecutive counters, but guard anyway. */
    if ((st->s[0] | st->s[1] | st->s[2] | st->s[3]) == 0) st->s[0] = 1;
}

static unsigned long int xoshiro_get(void *vstate) {
    return (unsigned long int)next((xoshiro_state_t *)vstate);
}

static double xoshiro_get_double(void *vstate) {
    /* 53 high bits → [0, 1) with spacing 2^-53. */
    return (double)(next((xoshiro_state_t *)vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**",
    ULONG_MAX,
    0,
    sizeof(xoshiro_state_t),
    &xoshiro_set,
    &xoshiro_get,
    &xoshiro_get_double
};

const gsl_rng_type *suanli_rng_xoshiro256ss(void) { return &xoshiro_type; }
