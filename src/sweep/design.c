/* Designs: a point index -> a parameter point, without materialising the design. */
#include <gsl/gsl_qrng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "platsweep/sweep.h"

struct psw_design {
  const psw_config *cfg;
  gsl_qrng *qrng;     /* sobol */
  long qpos;          /* index of the next sobol point */
  double *qbuf;       /* shape [n_ranges] */
  uint64_t lhs_bits;  /* lhs: permutation domain 2^bits >= n_samples */
};

psw_err psw_design_create(const psw_config *cfg, psw_design **out) {
  psw_design *d = calloc(1, sizeof *d);
  PSW_CHECK(d, PSW_ERR_NOMEM, "design: out of memory");
  d->cfg = cfg;
  if (cfg->design == PSW_DESIGN_SOBOL) {
    d->qrng = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)cfg->n_ranges);
    d->qbuf = malloc((size_t)cfg->n_ranges * sizeof *d->qbuf);
    if (!d->qrng || !d->qbuf) {
      psw_design_destroy(&d);
      return psw_err_set(PSW_ERR_CONFIG, __FILE__, __LINE__,
                         "sobol: GSL cannot make a %d-dimensional sequence", cfg->n_ranges);
    }
  }
  if (cfg->design == PSW_DESIGN_LHS) {
    uint64_t bits = 2;
    while (bits < 62 && (1ull << bits) < (uint64_t)cfg->n_samples) ++bits;
    d->lhs_bits = bits + (bits & 1u); /* even: two equal Feistel halves */
  }
  *out = d;
  return PSW_OK;
}

void psw_design_destroy(psw_design **d) {
  if (!d || !*d) return;
  if ((*d)->qrng) gsl_qrng_free((*d)->qrng);
  free((*d)->qbuf);
  free(*d);
  *d = NULL;
}

/* SplitMix64 finaliser (Steele, Lea & Flood 2014): a keyed hash for LHS. */
static uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/* A keyed bijection of [0, 2^bits) (4-round balanced Feistel network), restricted to
 * [0, n) by cycle walking: a random-access permutation for Latin hypercube strata. */
static uint64_t permute(uint64_t i, uint64_t n, uint64_t bits, uint64_t key) {
  uint64_t half = bits / 2, mask = (1ull << half) - 1;
  do {
    uint64_t l = i >> half, r = i & mask;
    for (uint64_t round = 0; round < 4; ++round) {
      uint64_t f = mix64(r ^ mix64(key + round)) & mask;
      uint64_t t = r;
      r = l ^ f;
      l = t;
    }
    i = (l << half) | r;
  } while (i >= n);
  return i;
}

static void set_param(psw_point *pt, const char *name, double v) {
  double *slot = psw_point_param(pt, name);
  if (slot) *slot = v;
}

void psw_design_point(psw_design *d, long i, psw_point *pt) {
  const psw_config *cfg = d->cfg;
  *pt = cfg->base;
  switch (cfg->design) {
  case PSW_DESIGN_GRID: {
    long rem = i;
    for (int k = cfg->n_axes - 1; k >= 0; --k) {
      const psw_axis *ax = &cfg->axes[k];
      set_param(pt, ax->name, ax->values[rem % ax->n]);
      rem /= ax->n;
    }
    break;
  }
  case PSW_DESIGN_LIST:
    for (int k = 0; k < cfg->n_cols; ++k)
      set_param(pt, cfg->cols[k], cfg->table[(size_t)i * (size_t)cfg->n_cols + (size_t)k]);
    break;
  case PSW_DESIGN_LHS: {
    uint64_t n = (uint64_t)cfg->n_samples;
    for (int k = 0; k < cfg->n_ranges; ++k) {
      uint64_t key = mix64(cfg->seed * 0x100000001B3ull + (uint64_t)k);
      uint64_t stratum = permute((uint64_t)i, n, d->lhs_bits, key);
      double u = (double)(mix64(key ^ mix64((uint64_t)i)) >> 11) * 0x1.0p-53;
      const psw_range *r = &cfg->ranges[k];
      set_param(pt, r->name, r->lo + (r->hi - r->lo) * (((double)stratum + u) / (double)n));
    }
    break;
  }
  case PSW_DESIGN_SOBOL:
    if (i < d->qpos) {
      gsl_qrng_init(d->qrng);
      d->qpos = 0;
    }
    while (d->qpos <= i) {
      gsl_qrng_get(d->qrng, d->qbuf);
      ++d->qpos;
    }
    for (int k = 0; k < cfg->n_ranges; ++k) {
      const psw_range *r = &cfg->ranges[k];
      set_param(pt, r->name, r->lo + (r->hi - r->lo) * d->qbuf[k]);
    }
    break;
  }
}
