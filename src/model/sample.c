/* Reproducible random points for tests and benchmarks (GSL's MT19937, one
 * stream per (seed, index), so the same point comes out on every layout). */
#include <gsl/gsl_rng.h>
#include <math.h>

#include "platsweep/point.h"

static double unif(gsl_rng *r, double lo, double hi) { return lo + (hi - lo) * gsl_rng_uniform(r); }

static double logunif(gsl_rng *r, double lo, double hi) {
  return exp(unif(r, log(lo), log(hi)));
}

static void sample_family(gsl_rng *r, psw_family *fam, psw_family_kind kind) {
  fam->kind = kind;
  fam->p[0] = fam->p[1] = fam->p[2] = 0.0;
  fam->M = logunif(r, 0.5, 2.0);
  switch (kind) {
  case PSW_FAMILY_LINEAR:
    fam->p[0] = unif(r, -0.5, 0.5);
    fam->p[1] = logunif(r, 0.2, 3.0);
    break;
  case PSW_FAMILY_UNIFORM:
    fam->p[0] = unif(r, -2.0, 0.5);
    fam->p[1] = fam->p[0] + logunif(r, 0.3, 3.0);
    break;
  case PSW_FAMILY_EXPONENTIAL:
    fam->p[0] = unif(r, -1.0, 0.5);
    fam->p[1] = logunif(r, 0.1, 2.0);
    break;
  case PSW_FAMILY_EXPGROWTH:
    fam->p[0] = logunif(r, 0.05, 0.8) * fam->M;
    fam->p[1] = logunif(r, 0.1, 2.0);
    break;
  case PSW_FAMILY_LOGIT:
    fam->p[0] = unif(r, -1.0, 1.0);
    fam->p[1] = logunif(r, 0.05, 2.0);
    break;
  case PSW_FAMILY_PROBIT:
    fam->p[0] = unif(r, -1.0, 1.0);
    fam->p[1] = logunif(r, 0.05, 2.0);
    break;
  case PSW_FAMILY_POWER:
    fam->p[0] = logunif(r, 0.2, 2.0);
    fam->p[1] = logunif(r, 0.3, 3.0);
    fam->p[2] = unif(r, -1.0, 0.5);
    break;
  default:
    break;
  }
}

void psw_point_sample(psw_point *pt, psw_family_kind cust, psw_family_kind prov,
                      const psw_sample_opts *o, unsigned long seed, unsigned long i) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed * 0x9E3779B97F4A7C15ul + i * 0xBF58476D1CE4E5B9ul + 1ul);
  psw_point_init(pt, cust, prov);
  double kmax = o && o->kmax > 0.0 ? o->kmax : 3.0;
  pt->a = unif(r, -0.5, kmax);
  pt->b = unif(r, -0.5, kmax);
  pt->c = unif(r, -0.5, 1.5);
  pt->d = unif(r, -0.5, 1.5);
  sample_family(r, &pt->cust, cust);
  sample_family(r, &pt->prov, prov);
  if (o && o->intra) {
    pt->e_m = unif(r, -1.0, 1.0);
    pt->e_n = unif(r, -1.0, 1.0);
  }
  if (o && o->fees) {
    pt->f = unif(r, -1.0, 2.0);
    pt->g = unif(r, -1.0, 2.0);
  }
  gsl_rng_free(r);
}
