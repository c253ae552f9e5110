/**
 * @file sweep.h
 * @brief Designs (a point index -> a parameter point) and the sweep driver.
 */
#ifndef PLATSWEEP_SWEEP_H
#define PLATSWEEP_SWEEP_H

#include <signal.h>
#include <stdio.h>

#include <mpi.h>

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
  long batch;           /**< points per work unit = output chunk (<= 0: default 16384) */
  const char *command_line; /**< for the `history` attribute */
  int resume;           /**< continue from OUT.partial + OUT.partial.ckpt if present */
  double checkpoint_interval; /**< seconds between checkpoints (<= 0: 60) */
  MPI_Comm comm;        /**< the ranks of the run; MPI must be initialised (FUNNELED) */
} psw_run_opts;

/** Summary of a finished run. */
typedef struct psw_run_stats {
  long points;          /**< points in the file when the run ended (all ranks) */
  double seconds, write_seconds; /**< this rank: wall time, time in output calls */
  long status_count[PSW_PROBLEM_COUNT][6]; /**< points this rank computed, by status */
  long computed, copied; /**< this rank: points solved, points copied from a checkpoint */
  int stopped;          /**< 1: stopped on a signal after a checkpoint (exit 75) */
  int complete;         /**< 1: the output is complete (renamed to OUT) */
} psw_run_stats;

/** @brief Set by the signal handlers of the app (SIGTERM, SIGUSR1, SIGINT): the run stops
 *  after the unit in hand, checkpoints, and returns with stats.stopped = 1. */
extern volatile sig_atomic_t psw_sweep_stop_signal;

/**
 * @brief Run a sweep over the ranks of opts->comm (collective): every point of the design
 *        through the configured solvers, the results into one netCDF-4/HDF5 file
 *        (PATH.partial, renamed when complete), written by all ranks together.
 *
 * Work units (one output chunk each) are claimed from a shared counter (MPI one-sided
 * atomics), solved by the OpenMP threads of the rank, and written in collective rounds.
 * Checkpoints (flush + the record PATH.partial.ckpt) every checkpoint_interval seconds and
 * on a stop signal. With resume, units recorded done are read back from PATH.partial,
 * verified against their CRC-32 and copied into a fresh file; the rest is computed.
 * Variables are bit-identical for any ranks, threads and unit size.
 * @return PSW_OK (see stats.stopped, stats.complete); PSW_ERR_IO (output: exit 73/74),
 *         PSW_ERR_CONFIG (resume of a file written by another config or version: exit 78),
 *         PSW_ERR_NOMEM, PSW_ERR_MPI. On error before any checkpoint no output is left.
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
