/**
 * @file family.h
 * @brief Demand (participation) families F(U) of SPEC §1 / MODEL §1.
 *
 * Every family is nondecreasing with values in [0, M], smooth and strictly
 * increasing on (u0, u1), flat outside. All functions are pure, not collective,
 * thread-safe: yes.
 */
#ifndef PLATSWEEP_FAMILY_H
#define PLATSWEEP_FAMILY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Family kinds, in SPEC §1 order. */
typedef enum psw_family_kind {
  PSW_FAMILY_LINEAR,
  PSW_FAMILY_UNIFORM,
  PSW_FAMILY_EXPONENTIAL,
  PSW_FAMILY_EXPGROWTH,
  PSW_FAMILY_LOGIT,
  PSW_FAMILY_PROBIT,
  PSW_FAMILY_POWER,
  PSW_FAMILY_COUNT
} psw_family_kind;

/** Largest number of named parameters of a family, M included. */
#define PSW_FAMILY_MAX_PARAMS 4

/**
 * A demand family with its parameters.
 * p[] holds the family's own parameters in canonical order (SPEC §1):
 *   linear: alpha, beta        uniform: lo, hi         exponential: u0, s
 *   expgrowth: A, s            logit: mu, s            probit: mu, sigma
 *   power: A, kappa, u0
 * M is the market size (finite, > 0).
 */
typedef struct psw_family {
  psw_family_kind kind;
  double p[3];
  double M;
} psw_family;

/** @brief SPEC name of a kind ("linear", ...); "?" when out of range. */
const char *psw_family_name(psw_family_kind kind);

/** @brief Kind from its SPEC name. @return 0 on success, -1 if unknown. */
int psw_family_from_name(const char *name, psw_family_kind *kind);

/** @brief Number of named parameters, M included (3 or 4). */
int psw_family_nparams(psw_family_kind kind);

/**
 * @brief Name of parameter i (0 <= i < nparams) as in SPEC §1; the last one is "M".
 * @return NULL if out of range.
 */
const char *psw_family_param_name(psw_family_kind kind, int i);

/** @brief Pointer to the storage of parameter i (p[i] or &M); NULL if out of range. */
double *psw_family_param_ptr(psw_family *fam, int i);

/**
 * @brief Default value of parameter i: M = 1; alpha, lo, u0, mu = 0; hi = 1;
 * beta, s, sigma, A, kappa = 1. NaN if i is out of range.
 */
double psw_family_param_default(psw_family_kind kind, int i);

/**
 * @brief Validate the parameters (SPEC §3 domain: finite, s > 0, hi > lo, M > 0, ...,
 * and a finite spread, which rejects power families whose (M/A)^(1/kappa) overflows).
 * @param[out] why  if non-NULL and invalid, a short message naming the parameter
 * @return 0 when valid, -1 otherwise.
 */
int psw_family_check(const psw_family *fam, char *why, size_t len);

/** @brief u0 = sup{U : F(U) = 0}; -INFINITY for logit, probit, expgrowth. */
double psw_family_u0(const psw_family *fam);

/** @brief u1 = inf{U : F(U) = M}; +INFINITY for logit, probit, exponential. */
double psw_family_u1(const psw_family *fam);

/** @brief The family's spread (MODEL §0 scales). */
double psw_family_spread(const psw_family *fam);

/** @brief F(U), in [0, M]. */
double psw_family_F(const psw_family *fam, double U);

/**
 * @brief F, F', h = F/F' and h' at U in one call (stable forms of MODEL §1).
 *
 * On (u0, u1) the formulas of MODEL §1. Outside (open-interval convention)
 * F' = 0, and h, h' take their one-sided limits at the nearest end
 * (h(u0+) = 0, h(u1-) finite for capped families), so phi(U) = U + h(U) is
 * continuous and nondecreasing on the whole line. Where h or h' exceeds the
 * double range (logit, exponential and probit upper tails) it is +INFINITY,
 * returned without raising FE_OVERFLOW. A NaN U gives a NaN F.
 * Any output pointer may be NULL.
 */
void psw_family_eval(const psw_family *fam, double U, double *F, double *Fp, double *h, double *hp);

/**
 * @brief One-sided derivative of F at U: side = -1 from the left, +1 from the right.
 * Equals F'(U) away from u0 and u1; at a kink it is the limit from that side
 * (0 on the flat side, the interior limit on the other; may be +INFINITY for
 * power with kappa < 1 at u0).
 */
double psw_family_Fp_side(const psw_family *fam, double U, int side);

/**
 * @brief F^{-1}(m) for m in [0, M]: the unique U in [u0, u1] with F(U) = m.
 * Returns u0 for m <= 0 and u1 for m >= M (possibly infinite).
 */
double psw_family_Finv(const psw_family *fam, double m);

/** @brief Surplus S(U) = integral of F from -inf to U (>= 0, nondecreasing). */
double psw_family_surplus(const psw_family *fam, double U);

/**
 * @brief Batched F, F', h, h' for n lanes of one kind, each lane with its own
 * parameters (SoA). Not collective; thread-safe: yes.
 * @param[in] p0,p1,p2,M  shape [n]: parameters of each lane (p2 only for power)
 * @param[in] U           shape [n]
 * @param[out] F,Fp,h,hp  shape [n]; any may be NULL
 */
void psw_family_eval_batch(psw_family_kind kind, int n, const double *p0, const double *p1,
                           const double *p2, const double *M, const double *U, double *F,
                           double *Fp, double *h, double *hp);

/**
 * @brief Batched F^{-1}: U[i] = psw_family_Finv(lane i, m[i]) for n lanes of one kind
 * (to the last bits: logit uses vector log). Not collective; thread-safe: yes.
 * @param[in] p0,p1,p2,M  shape [n]: parameters of each lane (p2 only for power)
 * @param[in] m           shape [n]
 * @param[out] U          shape [n]
 */
void psw_family_Finv_batch(psw_family_kind kind, int n, const double *p0, const double *p1,
                           const double *p2, const double *M, const double *m, double *U);

/**
 * @brief An upper bound of F' on [lo, hi] (exact for the unimodal densities:
 * F' at the mode clamped into the interval); +INFINITY where F' is unbounded.
 * Used to certify that an equilibrium is unique (MODEL §2.2). Thread-safe: yes.
 */
double psw_family_Fp_sup(const psw_family *fam, double lo, double hi);

/**
 * @brief sup over U of F'(U) / (1 + h'(U)), the family's bound in MODEL §3.4's
 * uniqueness condition; +INFINITY where unbounded. Thread-safe: yes.
 */
double psw_family_Fp_over_phip_sup(const psw_family *fam);

#ifdef __cplusplus
}
#endif
#endif
