#ifndef SUANLI_XOSHIRO_H
#define SUANLI_XOSHIRO_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* xoshiro256** 1.0 (Blackman & Vigna, public domain reference algorithm),
   registered as a GSL generator type so every gsl_ran_* function can draw from it.

   - 256 bits of state, period 2^256 - 1, 64-bit output.
   - gsl_rng_set(r, seed) takes the full 64-bit seed (unsigned long is 64 bits on
     LP64 Linux and macOS) and expands it with SplitMix64 into the four state words,
     so distinct seeds give distinct, well-mixed states. */
const gsl_rng_type *suanli_rng_xoshiro256ss(void);

/* SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection on 64-bit words. */
static inline uint64_t suanli_splitmix64_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
