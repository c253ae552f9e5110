/**
 * @file sweep.h
 * @brief Designs (a point index -> a parameter point) and the sweep driver.
 */
#ifndef PLATSWEEP_SWEEP_H
#define PLATSWEEP_SWEEP_H

#include <stdio.h>

#include "platsweep/config.h"
#include "platsweep/err.h"
#include "platsweep/point.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A design's point generator. Grid and list map any index directly; lhs maps any
 * index directly (a keyed random-access permutation per dimension, so nothing is
 * materialised); sobol draws GSL's sequence forward from its current position
 * (indices must be asked in increasing order for O(1) cost each).
 * Not thread-safe: one generator per thread.
 */
typedef struct psw_design psw_design;

/** @brief Create a generator for a loaded config. Keeps a reference to cfg. */
psw_err psw_design_create(const psw_config *cfg, psw_design **out);

/** @brief Point i (0 <= i < npoints) of the design. */
void psw_design_point(psw_design *d, long i, psw_point *pt);

/** @brief NULL-safe; sets *d = NULL. */
void psw_design_destroy(psw_design **d);

/** Options of a run (the command line's part). */
typedef struct psw_run_opts {
  const char *out_path; /**< overrides output.path when non-NULL */
  int threads;          /**< OpenMP threads (<= 0: OMP_NUM_THREADS / all) */
  int overwrite;        /**< replace an existing output */
  int quiet;            /**< no progress */
  int verbose;          /**< more log lines */
  double progress_interval; /**< seconds between plain progress lines (non-TTY) */
  long batch;           /**< points per batch = output chunk (<= 0: default 16384) */
  const char *command_line; /**< for the `history` attribute */
} psw_run_opts;

/** Summary of a finished run. */
typedef struct psw_run_stats {
  long points;
  double seconds, write_seconds;
  long status_count[PSW_PROBLEM_COUNT][6];
} psw_run_stats;

/**
 * @brief Run a sweep: every point of the design through the configured solvers, the
 *        results into a netCDF-4/HDF5 file (PATH.partial, renamed when complete).
 * @return PSW_OK; PSW_ERR_IO (output), PSW_ERR_CONFIG, PSW_ERR_NOMEM. On error no
 *         output file is left behind.
 */
psw_err psw_sweep_run(const psw_config *cfg, const psw_run_opts *opts, psw_run_stats *stats);

/**
 * @brief Print the plan of a run (points, dimensions, variables, sizes, memory,
 *        estimated time from a short calibration on this machine) to out; writes no file.
 * @param[in] ranks, threads  the layout to estimate core-hours for
 */
psw_err psw_sweep_plan(const psw_config *cfg, int ranks, int threads, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
