/**
 * @file config.h
 * @brief Sweep configuration (SPEC §3): YAML (or JSON) read through libcyaml, validated,
 *        resolved into values the sweep driver uses.
 *
 * Not collective. Thread-safe: no (load from one thread).
 */
#ifndef PLATSWEEP_CONFIG_H
#define PLATSWEEP_CONFIG_H

#include <stddef.h>

#include "platsweep/err.h"
#include "platsweep/point.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Sweep designs (SPEC §3 `sweep.design`). */
typedef enum psw_design_kind {
  PSW_DESIGN_GRID,
  PSW_DESIGN_LIST,
  PSW_DESIGN_LHS,
  PSW_DESIGN_SOBOL
} psw_design_kind;

/** Longest parameter name, e.g. "providers.sigma". */
#define PSW_NAME_MAX 64

/** One grid axis, in file order (= output dimension order). */
typedef struct psw_axis {
  char name[PSW_NAME_MAX]; /**< SPEC §1 parameter name, e.g. "providers.s" */
  long n;                  /**< number of values, >= 1 */
  double *values;          /**< shape [n]: from/to/num (linear or log spacing) or `values` */
} psw_axis;

/** One sampled range (lhs, sobol), in file order. */
typedef struct psw_range {
  char name[PSW_NAME_MAX];
  double lo, hi; /**< lo < hi */
} psw_range;

/** A resolved configuration. Owns every pointer; psw_config_fini() frees. */
typedef struct psw_config {
  char *path;  /**< the config file as given */
  char *text;  /**< its verbatim text (global attribute `config`) */
  char *title; /**< free text, "" if absent */

  /** Fixed values (`model`), with defaults of SPEC §1 and both families. A parameter
   *  that is an axis, a list column or a range is NaN here. f, g NaN unless given. */
  psw_point base;

  psw_design_kind design;
  int n_axes;       /**< grid */
  psw_axis *axes;   /**< shape [n_axes] */
  char *list_path;  /**< list: the CSV path resolved against the config's directory */
  int n_cols;       /**< list: CSV columns (parameter names) */
  char (*cols)[PSW_NAME_MAX]; /**< shape [n_cols] */
  long n_rows;      /**< list: rows = points */
  double *table;    /**< list: shape [n_rows][n_cols], row-major, input order */
  long n_samples;   /**< lhs, sobol: `points` */
  unsigned long seed; /**< lhs, sobol: `seed` */
  int n_ranges;     /**< lhs, sobol */
  psw_range *ranges; /**< shape [n_ranges] */

  unsigned problems; /**< bit (1u << psw_problem) for each requested problem */
  char solver[PSW_PROBLEM_COUNT][PSW_NAME_MAX]; /**< variant per problem (defaults filled) */
  double tol;        /**< solver.tol (default 1e-12) */
  int max_iter;      /**< solver.max_iter (default 100) */

  char *out_path;    /**< output.path (default: config file name with .nc) */
  int compression;   /**< 0..9 (default 1) */
  int all_variables; /**< output.variables: all (default) */
  int n_vars;        /**< else the listed SPEC §5 names */
  char (*vars)[PSW_NAME_MAX];
} psw_config;

/**
 * @brief Read, validate and resolve a config file.
 *
 * Errors name the file, line, column and key in one line, e.g.
 * `sweep.yaml:7:5: sweep.axes.b.num: 0 is out of range (need >= 1)` or
 * `sweep.yaml:3:3: model.cc: unknown key (did you mean 'c'?)`.
 * @return PSW_OK; PSW_ERR_INPUT when the file (or the list CSV) is missing
 *         (exit 66); PSW_ERR_CONFIG for every invalid content (exit 78);
 *         psw_err_msg() holds the line.
 */
psw_err psw_config_load(const char *path, psw_config *cfg);

/** @brief Free everything a loaded config owns; safe on a zeroed or failed config. */
void psw_config_fini(psw_config *cfg);

/** @brief Number of points of the design (product of axis sizes, rows or samples). */
long psw_config_npoints(const psw_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
