/**
 * @file point.h
 * @brief One parameter point of the model (SPEC §1), per-point results (SPEC §5)
 *        and status codes (SPEC §6).
 */
#ifndef PLATSWEEP_POINT_H
#define PLATSWEEP_POINT_H

#include <stddef.h>
#include <stdint.h>

#include "platsweep/err.h"
#include "platsweep/family.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Per-problem status codes (SPEC §6). */
typedef enum psw_status {
  PSW_STATUS_FILL = -1,
  PSW_STATUS_OK = 0,
  PSW_STATUS_CORNER = 1,
  PSW_STATUS_NO_INTERIOR_OPTIMUM = 2,
  PSW_STATUS_DEGENERATE = 3,
  PSW_STATUS_NOT_CONVERGED = 4,
  PSW_STATUS_INVALID = 5
} psw_status;

/** @brief SPEC §6 name of a status ("ok", "corner", ...). */
const char *psw_status_name(int status);

/** Location of an optimum on one side (SPEC §5 side_m, side_n). */
typedef enum psw_side { PSW_SIDE_INTERIOR = 0, PSW_SIDE_ZERO = 1, PSW_SIDE_CAP = 2 } psw_side;

/** Problems (SPEC §2). */
typedef enum psw_problem {
  PSW_PROBLEM_OPTIMUM = 0,
  PSW_PROBLEM_EQUILIBRIUM = 1,
  PSW_PROBLEM_COUNT
} psw_problem;

/** @brief SPEC name of a problem. */
const char *psw_problem_name(psw_problem p);

/** A parameter point: customers are side m (F), providers side n (G). */
typedef struct psw_point {
  double a, b;     /**< cross-side benefits */
  double e_m, e_n; /**< intra-side benefits */
  double c, d;     /**< costs per customer, per provider */
  double f, g;     /**< fees (equilibrium problem only) */
  psw_family cust; /**< customers' family F, market size M */
  psw_family prov; /**< providers' family G, market size N */
} psw_point;

/** @brief A point with every default of SPEC §1 (a, b, c, d, f, g set to NaN = required). */
void psw_point_init(psw_point *pt, psw_family_kind cust, psw_family_kind prov);

/**
 * @brief Set one parameter by its SPEC name ("a", "e_m", "customers.s",
 *        "providers.family", ...). Changing a family resets that side's parameters
 *        to the new family's defaults.
 * @return PSW_OK, or PSW_ERR_USAGE with psw_err_msg() naming the key (and the nearest
 *         valid key for an unknown one).
 */
psw_err psw_point_set(psw_point *pt, const char *key, const char *value);

/** @brief Address of a numeric parameter by SPEC name, or NULL if none. */
double *psw_point_param(psw_point *pt, const char *key);

/**
 * @brief Domain check of a point for a problem.
 * @param[out] why  message naming the offending parameter
 * @return 0 when valid, -1 otherwise.
 */
int psw_point_check(const psw_point *pt, psw_problem problem, char *why, size_t len);

/** @brief MODEL §0 money scale S. */
double psw_point_scale(const psw_point *pt);

/** Most equilibria a point can report (SPEC §5, dimension eq). */
#define PSW_MAX_EQ 9

/** Result of the equilibrium problem (SPEC §5). Unused slots NaN / -1. */
typedef struct psw_eq_result {
  int8_t status;
  int8_t count;
  int16_t iter;
  double m[PSW_MAX_EQ], n[PSW_MAX_EQ], U[PSW_MAX_EQ], V[PSW_MAX_EQ], det[PSW_MAX_EQ];
  int8_t stable[PSW_MAX_EQ];
} psw_eq_result;

/** Result of the optimum problem (SPEC §5). */
typedef struct psw_opt_result {
  double f, g, m, n, U, V, P;
  double soc_q1, soc_q, h_m, h_n, eq_det;
  int8_t status, side_m, side_n, below_cost_m, below_cost_n, eq_stable, n_eq;
  int16_t iter;
} psw_opt_result;

/** @brief Fill value results (status -1, NaN floats, -1 ints). */
void psw_eq_result_fill(psw_eq_result *r);
void psw_opt_result_fill(psw_opt_result *r);

/** Options of the random point sampler used by tests and benchmarks. */
typedef struct psw_sample_opts {
  int intra;      /**< draw e_m, e_n in [-1, 1] (else 0) */
  int fees;       /**< draw f, g in [-1, 2] (else NaN) */
  double kmax;    /**< a, b drawn in [-0.5, kmax] */
} psw_sample_opts;

/**
 * @brief Draw a reproducible random point of a family pair: point i of stream seed.
 * The same (seed, i) gives the same point on every machine. Thread-safe: yes.
 */
void psw_point_sample(psw_point *pt, psw_family_kind cust, psw_family_kind prov,
                      const psw_sample_opts *o, unsigned long seed, unsigned long i);

#ifdef __cplusplus
}
#endif
#endif
