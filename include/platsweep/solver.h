/**
 * @file solver.h
 * @brief Solver variants, registered by name (STYLE §5).
 *
 * Every variant solves a batch of points of one family pair. Statuses are data.
 */
#ifndef PLATSWEEP_SOLVER_H
#define PLATSWEEP_SOLVER_H

#include "platsweep/err.h"
#include "platsweep/point.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options shared by the variants. */
typedef struct psw_solver_opts {
  double tol;   /**< relative tolerance of iterative refinements (default 1e-12) */
  int max_iter; /**< iteration cap per iterative solve (default 100) */
} psw_solver_opts;

/** @brief Defaults: tol 1e-12, max_iter 100. */
void psw_solver_opts_default(psw_solver_opts *o);

/** A registered variant. */
typedef struct psw_solver_ops {
  const char *name;        /**< config: solver.<problem> */
  const char *description; /**< one line for `platsweep solvers` */
  unsigned problems;       /**< bit (1u << psw_problem) per problem it solves */
  /**
   * Solve n points of one problem. pts shape [n]; out shape [n] of
   * psw_opt_result (optimum) or psw_eq_result (equilibrium).
   * Thread-safe: yes (call from several threads on disjoint batches).
   */
  void (*solve_optimum)(const psw_solver_opts *o, int n, const psw_point *pts,
                        psw_opt_result *out);
  void (*solve_equilibrium)(const psw_solver_opts *o, int n, const psw_point *pts,
                            psw_eq_result *out);
} psw_solver_ops;

/** @brief Number of registered variants. */
int psw_solver_count(void);

/** @brief Variant i (0 <= i < count). */
const psw_solver_ops *psw_solver_get(int i);

/**
 * @brief Look a variant up by name for a problem.
 * @return PSW_OK, or PSW_ERR_CONFIG with a message listing the valid names.
 */
psw_err psw_solver_find(const char *name, psw_problem problem, const psw_solver_ops **out);

/** @brief Name of the default variant for a problem. */
const char *psw_solver_default(psw_problem problem);

/**
 * @brief Counters of the fast variants since the last reset: lanes solved and
 * lanes escalated to the reference path. Thread-safe: yes (atomic).
 */
void psw_solver_fast_stats(long *lanes, long *escalated);

/** @brief Reset the fast-path counters. */
void psw_solver_fast_stats_reset(void);

/** @brief One-time process set-up (GSL error handler off). Idempotent. */
void psw_init(void);

#ifdef __cplusplus
}
#endif
#endif
