#ifndef SUANLI_CGSL_SHIM_H
#define SUANLI_CGSL_SHIM_H

#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_qrng.h>

/* Swift 6 rejects GSL's generator-type globals as shared mutable state;
   these accessors hand out the (immutable) type descriptors. */
static inline const gsl_rng_type *suanli_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *suanli_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *suanli_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }
static inline const gsl_rng_type *suanli_rng_ranlxs2(void) { return gsl_rng_ranlxs2; }
static inline const gsl_rng_type *suanli_rng_ran3(void) { return gsl_rng_ran3; }
static inline const gsl_qrng_type *suanli_qrng_sobol(void) { return gsl_qrng_sobol; }

#endif
