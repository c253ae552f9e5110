/* Tests of the config loader (include/platsweep/config.h, SPEC §3).
 *
 * Bad configs live in tests/configs/bad/: one file per error class (YAML, a few JSON, list
 * CSVs). Each test asserts the exact error code, that the message starts with
 * "<file>:<line>:<col>: <key>: " (the file the error is in: the config, or its CSV) and
 * that it contains the expected explanation. Good configs in tests/configs/good/ are
 * checked value by value. Paths are found from __FILE__ (CMake compiles with absolute
 * source paths). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"
#include "platsweep/config.h"
#include "platsweep/family.h"
#include "platsweep/solver.h"
#include "test_util.h"

static void fixture(char *out, size_t len, const char *sub, const char *name) {
  const char *file = __FILE__;
  const char *slash = strrchr(file, '/');
  int dl = slash ? (int)(slash - file) : 1;
  snprintf(out, len, "%.*s/configs/%s/%s", dl, slash ? file : ".", sub, name);
}

/* Load tests/configs/bad/<name>; expect `code` and a message that starts with
 * "<dir>/<msgfile>:<loc_key>: " and contains `what`. */
static void expect_bad(const char *name, psw_err code, const char *msgfile, const char *loc_key,
                       const char *what) {
  char path[1024], named[1024], prefix[1200];
  fixture(path, sizeof path, "bad", name);
  fixture(named, sizeof named, "bad", msgfile ? msgfile : name);
  snprintf(prefix, sizeof prefix, "%s:%s: ", named, loc_key);
  psw_config cfg;
  psw_err e = psw_config_load(path, &cfg);
  const char *msg = psw_err_msg();
  cr_assert_eq(e, code, "%s: error %d (%s), expected %d; message: %s", name, e, psw_err_str(e),
               code, msg);
  cr_assert(strncmp(msg, prefix, strlen(prefix)) == 0, "%s: message\n  %s\nshould start with\n  %s",
            name, msg, prefix);
  cr_assert(strstr(msg, what) != NULL, "%s: message\n  %s\nshould contain\n  %s", name, msg, what);
  cr_assert(strchr(msg, '\n') == NULL, "%s: one line expected: %s", name, msg);
  /* a failed load owns nothing */
  cr_assert_null(cfg.path);
  cr_assert_null(cfg.axes);
  cr_assert_null(cfg.table);
  psw_config_fini(&cfg);
}

#define BAD(test, file, code, loc_key, what)                                                       \
  Test(config, bad_##test) { expect_bad(file, code, NULL, loc_key, what); }
#define BAD_CSV(test, file, csv, loc_key, what)                                                    \
  Test(config, bad_##test) { expect_bad(file, PSW_ERR_CONFIG, csv, loc_key, what); }

#define CFG PSW_ERR_CONFIG

/* ---- unknown keys (with "did you mean") ---- */
BAD(unknown_top_key, "unknown_top_key.yaml", CFG, "2:1: modle",
    "unknown key (did you mean 'model'?)")
BAD(unknown_model_key, "unknown_model_key.yaml", CFG, "3:3: model.cc",
    "unknown key (did you mean 'c'?)")
BAD(unknown_family_key, "unknown_family_key.yaml", CFG, "8:5: model.customers.S",
    "unknown key (did you mean 's'?)")
BAD(param_not_in_family, "param_not_in_family.yaml", CFG, "6:30: model.customers.sigma",
    "not a parameter of the logit family (its parameters: mu, s, M)")
BAD(unknown_axis, "unknown_axis.yaml", CFG, "11:5: sweep.axes.bb",
    "unknown key (did you mean 'b'?)")
BAD(axis_not_in_family, "axis_not_in_family.yaml", CFG, "11:5: sweep.axes.providers.sigma",
    "not a parameter of the logit family")
BAD(unknown_axis_key, "unknown_axis_key.yaml", CFG, "10:25: sweep.axes.b.nun",
    "unknown key (did you mean 'num'?)")
BAD(unknown_family, "unknown_family.yaml", CFG, "6:23: model.customers.family",
    "unknown family 'logti' (did you mean 'logit'?)")
BAD(unknown_design, "unknown_design.yaml", CFG, "9:11: sweep.design",
    "unknown design 'gird' (did you mean 'grid'?)")
BAD(design_key_mismatch, "design_key_mismatch.yaml", CFG, "9:3: sweep.points",
    "not used by the grid design (it takes: design, axes)")
BAD(family_axis, "family_axis.yaml", CFG, "11:5: sweep.axes.customers.family",
    "a family cannot be swept")
BAD(unknown_spacing, "unknown_spacing.yaml", CFG, "10:44: sweep.axes.a.spacing",
    "unknown spacing 'logarithmic' (valid: linear, log)")

/* ---- wrong types ---- */
BAD(not_a_number, "not_a_number.yaml", CFG, "4:6: model.c", "'abc' is not a number")
/* libcyaml 1.3.1 alone would load this as 2.5 */
BAD(trailing_garbage, "trailing_garbage.yaml", CFG, "3:6: model.b", "'2.5abc' is not a number")
BAD(model_is_sequence, "model_is_sequence.yaml", CFG, "2:8: model",
    "expected a mapping, got a sequence")
BAD(title_is_sequence, "title_is_sequence.yaml", CFG, "1:8: title",
    "expected a string, got a sequence")
BAD(num_not_integer, "num_not_integer.yaml", CFG, "10:30: sweep.axes.b.num",
    "2.5 is not an integer")
BAD(variables_wrong_type, "variables_wrong_type.yaml", CFG, "9:14: output.variables",
    "expected 'all' or a sequence")
BAD(problems_scalar, "problems_scalar.yaml", CFG, "8:11: problems",
    "expected a sequence, got 'optimum'")
BAD(no_value, "no_value.yaml", CFG, "6:8: model.e_m", "no value given (expected a number)")
BAD(top_level_sequence, "top_level_sequence.yaml", CFG, "1:1",
    "expected a mapping of top-level keys")
BAD(empty, "empty.yaml", CFG, "1:1", "empty config")

/* ---- missing required values ---- */
BAD(missing_family, "missing_family.yaml", CFG, "6:3: model.customers.family",
    "missing required key")
BAD(missing_customers, "missing_customers.yaml", CFG, "1:1: model.customers",
    "missing required key")
BAD(missing_providers, "missing_providers.yaml", CFG, "1:1: model.providers",
    "missing required key")
BAD(missing_a, "missing_a.yaml", CFG, "2:1: model.a", "missing required value")
BAD(missing_fee, "missing_fee.yaml", CFG, "1:1: model.g", "the equilibrium problem needs the fees")
BAD(missing_design, "missing_design.yaml", CFG, "8:1: sweep.design", "missing required key")
BAD(missing_num, "missing_num.yaml", CFG, "10:5: sweep.axes.a.num", "missing required key")
BAD(missing_points, "missing_points.yaml", CFG, "7:1: sweep.points",
    "missing required key (the lhs design needs it)")

/* ---- out of domain ---- */
BAD(s_zero, "s_zero.yaml", CFG, "6:33: model.customers.s", "0 is out of range (need s > 0)")
BAD(sigma_negative, "sigma_negative.yaml", CFG, "9:12: model.providers.sigma",
    "-1 is out of range (need sigma > 0)")
BAD(hi_le_lo, "hi_le_lo.yaml", CFG, "6:43: model.customers.hi", "lo = 1 >= hi = 1 (need lo < hi)")
BAD(num_zero, "num_zero.yaml", CFG, "13:12: sweep.axes.b.num", "0 is out of range (need 1 <= num")
BAD(nan_value, "nan_value.yaml", CFG, "4:6: model.c", "'.nan' is not a finite number")
BAD(inf_value, "inf_value.yaml", CFG, "3:6: model.b", "'1e999' is not a finite number")
BAD(log_nonpositive, "log_nonpositive.yaml", CFG, "10:15: sweep.axes.a.from",
    "0 is out of range (log spacing needs from > 0)")
BAD(axis_out_of_domain, "axis_out_of_domain.yaml", CFG, "11:25: sweep.axes.providers.s.from",
    "0 is out of range (need providers.s > 0)")
BAD(values_out_of_domain, "values_out_of_domain.yaml", CFG,
    "11:34: sweep.axes.providers.M.values[2]", "-3 is out of range (need providers.M > 0)")
BAD(uniform_axis_below_lo, "uniform_axis_below_lo.yaml", CFG,
    "11:32: sweep.axes.customers.hi.values[1]",
    "0.5 is out of range (need customers.hi > customers.lo = 1)")
BAD(empty_values, "empty_values.yaml", CFG, "10:17: sweep.axes.b.values", "empty list")
BAD(values_repeated, "values_repeated.yaml", CFG, "10:26: sweep.axes.b.values[2]",
    "0.5 repeats values[0]")
BAD(axis_both_forms, "axis_both_forms.yaml", CFG, "10:5: sweep.axes.b",
    "give either values or from/to/num, not both")
BAD(compression, "compression.yaml", CFG, "10:16: output.compression",
    "10 is out of range (need 0 <= compression <= 9)")
BAD(seed_negative, "seed_negative.yaml", CFG, "10:9: sweep.seed", "-1 is out of range")
BAD(points_zero, "points_zero.yaml", CFG, "9:11: sweep.points", "0 is out of range")
BAD(sobol_too_many_points, "sobol_too_many_points.yaml", CFG, "9:11: sweep.points",
    "1073741824 is out of range (need 1 <= points <= 1073741823")
BAD(range_lo_ge_hi, "range_lo_ge_hi.yaml", CFG, "11:8: sweep.ranges.a",
    "lo = 2 >= hi = 1 (need lo < hi)")
BAD(range_count, "range_count.yaml", CFG, "11:8: sweep.ranges.a", "expected [lo, hi], got 3 values")
BAD(range_out_of_domain, "range_out_of_domain.yaml", CFG, "12:19: sweep.ranges.customers.M[0]",
    "0 is out of range (need customers.M > 0)")
BAD(tol, "tol.yaml", CFG, "9:8: solver.tol", "0 is out of range (need 0 < tol < 1)")
BAD(max_iter, "max_iter.yaml", CFG, "9:13: solver.max_iter", "0.5 is not an integer")

/* ---- a parameter fixed and swept, duplicates ---- */
BAD(value_and_axis, "value_and_axis.yaml", CFG, "11:5: sweep.axes.a",
    "also given as a value in model (line 2, column 3)")
BAD(family_value_and_range, "family_value_and_range.yaml", CFG, "12:5: sweep.ranges.customers.s",
    "also given as a value in model (line 5, column 37)")
BAD(duplicate_axis, "duplicate_axis.yaml", CFG, "11:5: sweep.axes.b",
    "duplicate key (first given at line 10, column 5)")
BAD(duplicate_key, "duplicate_key.yaml", CFG, "4:3: model.a",
    "duplicate key (first given at line 2, column 3)")

/* ---- solver, output, problems ---- */
BAD(unknown_solver, "unknown_solver.yaml", CFG, "9:12: solver.optimum",
    "unknown optimum solver 'newtn' (valid: newton, ")
Test(config, bad_unknown_solver_suggests) {
  expect_bad("unknown_solver.yaml", CFG, NULL, "9:12: solver.optimum", "did you mean 'newton'?");
}
BAD(solver_wrong_problem, "solver_wrong_problem.yaml", CFG, "9:16: solver.equilibrium",
    "'newton' solves the optimum problem")
BAD(unknown_variable, "unknown_variable.yaml", CFG, "9:22: output.variables[1]",
    "unknown variable 'g_optt' (did you mean 'g_opt'?)")
BAD(variable_of_other_problem, "variable_of_other_problem.yaml", CFG, "10:22: output.variables[1]",
    "'eq_m' is a variable of the equilibrium problem, which is not in problems")
BAD(variable_repeated, "variable_repeated.yaml", CFG, "11:7: output.variables[1]",
    "'f_opt' is listed twice")
BAD(problems_empty, "problems_empty.yaml", CFG, "8:11: problems", "empty list")
BAD(problems_duplicated, "problems_duplicated.yaml", CFG, "10:34: problems[2]",
    "'equilibrium' is listed twice")
BAD(problems_social, "problems_social.yaml", CFG, "8:21: problems[1]",
    "unknown problem 'social' (valid: optimum, equilibrium)")

/* ---- YAML syntax ---- */
BAD(syntax_error, "syntax_error.yaml", CFG, "3:5: model", "syntax error")
BAD(alias, "alias.yaml", CFG, "3:6: model.b", "aliases (*one) are not supported")

/* ---- list design: the CSV ---- */
BAD(list_missing_csv, "list_missing_csv.yaml", PSW_ERR_INPUT, "9:9: sweep.file",
    "no_such_points.csv: No such file or directory")
BAD_CSV(list_bad_number, "list_bad_number.yaml", "points_bad_number.csv", "5:3: column 'b'",
        "'x1' is not a number")
BAD_CSV(list_field_count, "list_field_count.yaml", "points_field_count.csv", "3:5",
        "2 fields, but the header has 3")
BAD_CSV(list_unknown_column, "list_unknown_column.yaml", "points_unknown_column.csv",
        "1:3: column 'bb'", "unknown parameter (did you mean 'b'?)")
BAD_CSV(list_column_in_model, "list_column_in_model.yaml", "points_a_b.csv", "1:3: column 'a'",
        "also given as a value in model (")
BAD_CSV(list_column_domain, "list_column_domain.yaml", "points_domain.csv",
        "3:5: column 'customers.s'", "-0.5 is out of range (need customers.s > 0)")

/* ---- JSON, same schema ---- */
BAD(json_unknown_key, "json_unknown_key.json", CFG, "10:3: outptu",
    "unknown key (did you mean 'output'?)")
BAD(json_wrong_type, "json_wrong_type.json", CFG, "6:47: sweep.axes.b.num",
    "'many' is not a number")
BAD(json_s_zero, "json_s_zero.json", CFG, "4:49: model.providers.s",
    "0 is out of range (need s > 0)")
BAD(json_value_and_axis, "json_value_and_axis.json", CFG, "6:5: sweep.axes.c",
    "also given as a value in model (line 2, column 29)")
BAD(json_syntax, "json_syntax.json", CFG, "2:23: model", "syntax error")

Test(config, missing_file) {
  char path[1024], want[1100];
  fixture(path, sizeof path, "bad", "does_not_exist.yaml");
  psw_config cfg;
  cr_assert_eq(psw_config_load(path, &cfg), PSW_ERR_INPUT);
  snprintf(want, sizeof want, "%s: No such file or directory", path);
  cr_assert_str_eq(psw_err_msg(), want);
  psw_config_fini(&cfg);
}

/* Every fixture in bad/ is rejected, every one in good/ loads (none is left untested). */
Test(config, every_fixture) {
  const char *subs[2] = {"bad", "good"};
  for (int k = 0; k < 2; ++k) {
    char dir[1024];
    fixture(dir, sizeof dir, subs[k], "");
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    int n = 0;
    for (struct dirent *de; (de = readdir(d));) {
      size_t l = strlen(de->d_name);
      if (!(l > 5 &&
            (strcmp(de->d_name + l - 5, ".yaml") == 0 || strcmp(de->d_name + l - 5, ".json") == 0)))
        continue;
      char path[1300];
      snprintf(path, sizeof path, "%s%s", dir, de->d_name);
      psw_config cfg;
      psw_err e = psw_config_load(path, &cfg);
      if (k == 0)
        cr_assert(e == PSW_ERR_CONFIG || e == PSW_ERR_INPUT, "%s loaded", de->d_name);
      else
        cr_assert_eq(e, PSW_OK, "%s: %s", de->d_name, psw_err_msg());
      psw_config_fini(&cfg);
      ++n;
    }
    closedir(d);
    cr_assert_geq(n, k == 0 ? 70 : 6, "%d fixtures in %s", n, subs[k]);
  }
}

/* ---- good configs ---- */
static void load_good(const char *name, psw_config *cfg) {
  char path[1024];
  fixture(path, sizeof path, "good", name);
  psw_err e = psw_config_load(path, cfg);
  cr_assert_eq(e, PSW_OK, "%s: %s", name, psw_err_msg());
  cr_assert_str_eq(cfg->path, path);
}

static void assert_values(const psw_axis *ax, const char *name, long n, const double *want,
                          double rtol) {
  cr_assert_str_eq(ax->name, name);
  cr_assert_eq(ax->n, n, "%s: %ld values, expected %ld", name, ax->n, n);
  for (long i = 0; i < n; ++i)
    cr_assert(fabs(ax->values[i] - want[i]) <= rtol * fabs(want[i]),
              "%s[%ld] = %.17g, expected %.17g", name, i, ax->values[i], want[i]);
}

Test(config, good_grid_axes_in_file_order) {
  psw_config cfg;
  load_good("grid.yaml", &cfg);
  cr_assert_eq(cfg.design, PSW_DESIGN_GRID);
  cr_assert_eq(cfg.n_axes, 3);
  static const double s[] = {2.0, 0.25, 1.0}, b[] = {4, 3, 2, 1, 0};
  static const double a[] = {0.01, 0.1, 1.0, 10.0};
  assert_values(&cfg.axes[0], "providers.s", 3, s, 0);
  assert_values(&cfg.axes[1], "a", 4, a, 4e-16); /* exp(log ...): a few ulps inside */
  assert_values(&cfg.axes[2], "b", 5, b, 0);
  cr_assert_eq(cfg.axes[1].values[0], 0.01); /* exact endpoints */
  cr_assert_eq(cfg.axes[1].values[3], 10.0);
  cr_assert_eq(psw_config_npoints(&cfg), 60);
  /* base: swept parameters NaN, the rest given or default */
  cr_assert(isnan(cfg.base.a) && isnan(cfg.base.b) && isnan(cfg.base.prov.p[1]));
  cr_assert(isnan(cfg.base.f) && isnan(cfg.base.g));
  cr_assert_eq(cfg.base.c, 0.5);
  cr_assert_eq(cfg.base.d, 0.25);
  cr_assert_eq(cfg.base.e_m, -0.1);
  cr_assert_eq(cfg.base.e_n, 0.0);
  cr_assert_eq(cfg.base.cust.kind, PSW_FAMILY_PROBIT);
  cr_assert_eq(cfg.base.cust.p[0], 0.5);
  cr_assert_eq(cfg.base.cust.p[1], 2.0);
  cr_assert_eq(cfg.base.cust.M, 1.0);
  cr_assert_eq(cfg.base.prov.kind, PSW_FAMILY_LOGIT);
  cr_assert_eq(cfg.base.prov.p[0], 0.0);
  cr_assert_eq(cfg.base.prov.M, 3.0);
  /* defaults */
  cr_assert_str_eq(cfg.title, "grid: values, log and linear axes");
  cr_assert_eq(cfg.problems, 1u << PSW_PROBLEM_OPTIMUM); /* no fees given: optimum only */
  cr_assert_str_eq(cfg.solver[PSW_PROBLEM_OPTIMUM], psw_solver_default(PSW_PROBLEM_OPTIMUM));
  cr_assert_str_eq(cfg.solver[PSW_PROBLEM_EQUILIBRIUM],
                   psw_solver_default(PSW_PROBLEM_EQUILIBRIUM));
  cr_assert_eq(cfg.tol, 1e-12);
  cr_assert_eq(cfg.max_iter, 100);
  cr_assert_str_eq(cfg.out_path, "grid.nc");
  cr_assert_eq(cfg.compression, 1);
  cr_assert_eq(cfg.all_variables, 1);
  cr_assert_eq(cfg.n_vars, 0);
  cr_assert(strstr(cfg.text, "providers.s: {values: [2.0, 0.25, 1.0]}") != NULL);
  psw_config_fini(&cfg);
  cr_assert_null(cfg.axes);
  psw_config_fini(&cfg); /* twice is safe */
}

Test(config, good_json_grid_order) {
  psw_config cfg;
  load_good("grid_order.json", &cfg);
  cr_assert_eq(cfg.n_axes, 4);
  static const double hi[] = {0.5, 2}, b[] = {0, 1, 2, 3}, lo[] = {1, -1}, a[] = {3};
  assert_values(&cfg.axes[0], "customers.hi", 2, hi, 0);
  assert_values(&cfg.axes[1], "b", 4, b, 0);
  assert_values(&cfg.axes[2], "customers.lo", 2, lo, 0);
  assert_values(&cfg.axes[3], "a", 1, a, 0);
  cr_assert_eq(psw_config_npoints(&cfg), 16);
  /* lo and hi both swept: lo >= hi points are data (status invalid), not a config error */
  cr_assert(isnan(cfg.base.cust.p[0]) && isnan(cfg.base.cust.p[1]));
  cr_assert_eq(cfg.base.prov.p[1], 0.5);
  /* fees given, no problems key: both problems, as `platsweep point` does */
  cr_assert_eq(cfg.problems, (1u << PSW_PROBLEM_OPTIMUM) | (1u << PSW_PROBLEM_EQUILIBRIUM));
  cr_assert_eq(cfg.base.f, 1.5);
  cr_assert_eq(cfg.base.g, 1.5);
  cr_assert_str_eq(cfg.out_path, "grid_order.nc");
  psw_config_fini(&cfg);
}

Test(config, good_list_csv) {
  psw_config cfg;
  load_good("list.yaml", &cfg);
  cr_assert_eq(cfg.design, PSW_DESIGN_LIST);
  char csv[1024];
  fixture(csv, sizeof csv, "good", "points.csv");
  cr_assert_str_eq(cfg.list_path, csv);
  cr_assert_eq(cfg.n_cols, 4);
  static const char *cols[] = {"a", "b", "f", "providers.s"};
  for (int j = 0; j < 4; ++j)
    cr_assert_str_eq(cfg.cols[j], cols[j]);
  cr_assert_eq(cfg.n_rows, 3);
  cr_assert_eq(psw_config_npoints(&cfg), 3);
  static const double t[3][4] = {{0.5, 3, 0.1, 0.2}, {1, 1, 0, 1}, {-0.25, 0.25, 7, 0.75}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      cr_assert_eq(cfg.table[i * 4 + j], t[i][j], "row %d col %d: %g", i, j, cfg.table[i * 4 + j]);
  /* f is a column but only optimum is requested: accepted (SPEC §3) */
  cr_assert_eq(cfg.problems, 1u << PSW_PROBLEM_OPTIMUM);
  cr_assert(isnan(cfg.base.a) && isnan(cfg.base.b) && isnan(cfg.base.f) &&
            isnan(cfg.base.prov.p[1]));
  cr_assert_eq(cfg.base.cust.kind, PSW_FAMILY_UNIFORM);
  cr_assert_eq(cfg.base.cust.p[0], -1.0);
  cr_assert_eq(cfg.base.cust.p[1], 2.0);
  cr_assert_str_eq(cfg.out_path, "out/list.nc");
  cr_assert_eq(cfg.all_variables, 0);
  cr_assert_eq(cfg.n_vars, 4);
  static const char *vars[] = {"f_opt", "g_opt", "status_opt", "iter_optimum"};
  for (int j = 0; j < 4; ++j)
    cr_assert_str_eq(cfg.vars[j], vars[j]);
  psw_config_fini(&cfg);
}

Test(config, good_lhs) {
  psw_config cfg;
  load_good("lhs.yaml", &cfg);
  cr_assert_eq(cfg.design, PSW_DESIGN_LHS);
  cr_assert_eq(cfg.n_samples, 1000000); /* written 1e6 */
  cr_assert_eq(psw_config_npoints(&cfg), 1000000);
  cr_assert_eq(cfg.seed, 7ul);
  cr_assert_eq(cfg.n_ranges, 3);
  cr_assert_str_eq(cfg.ranges[0].name, "b");
  cr_assert_str_eq(cfg.ranges[1].name, "a");
  cr_assert_str_eq(cfg.ranges[2].name, "customers.kappa");
  cr_assert(cfg.ranges[0].lo == 0 && cfg.ranges[0].hi == 4);
  cr_assert(cfg.ranges[1].lo == -1 && cfg.ranges[1].hi == 2);
  cr_assert(cfg.ranges[2].lo == 0.5 && cfg.ranges[2].hi == 3);
  cr_assert_eq(cfg.base.cust.kind, PSW_FAMILY_POWER);
  cr_assert_eq(cfg.base.cust.p[0], 2.0);  /* A */
  cr_assert(isnan(cfg.base.cust.p[1]));   /* kappa: a range */
  cr_assert_eq(cfg.base.cust.p[2], -0.5); /* u0 */
  cr_assert_eq(cfg.base.prov.kind, PSW_FAMILY_EXPGROWTH);
  cr_assert_eq(cfg.problems, (1u << PSW_PROBLEM_OPTIMUM) | (1u << PSW_PROBLEM_EQUILIBRIUM));
  cr_assert_str_eq(cfg.solver[PSW_PROBLEM_OPTIMUM], "reference");
  cr_assert_str_eq(cfg.solver[PSW_PROBLEM_EQUILIBRIUM], "bracket");
  cr_assert_eq(cfg.tol, 1e-10);
  cr_assert_eq(cfg.max_iter, 250);
  cr_assert_str_eq(cfg.title, "");
  psw_config_fini(&cfg);
}

Test(config, good_sobol_json) {
  psw_config cfg;
  load_good("sobol.json", &cfg);
  cr_assert_eq(cfg.design, PSW_DESIGN_SOBOL);
  cr_assert_eq(cfg.n_samples, 1024);
  cr_assert_eq(cfg.seed, 0ul);
  cr_assert_eq(cfg.n_ranges, 3);
  cr_assert_str_eq(cfg.ranges[0].name, "c");
  cr_assert_str_eq(cfg.ranges[1].name, "providers.beta");
  cr_assert_str_eq(cfg.ranges[2].name, "f");
  cr_assert(cfg.ranges[2].lo == -0.5 && cfg.ranges[2].hi == 0.5);
  cr_assert_eq(cfg.base.e_n, 0.3);
  cr_assert(isnan(cfg.base.c) && isnan(cfg.base.f) && isnan(cfg.base.prov.p[1]));
  cr_assert_eq(cfg.base.g, 0.25);
  cr_assert_eq(cfg.base.cust.kind, PSW_FAMILY_EXPONENTIAL);
  cr_assert(cfg.base.cust.p[0] == -1 && cfg.base.cust.p[1] == 2);
  cr_assert_eq(cfg.base.prov.kind, PSW_FAMILY_LINEAR);
  cr_assert_eq(cfg.base.prov.p[0], 0.1);
  cr_assert_eq(cfg.problems, (1u << PSW_PROBLEM_OPTIMUM) | (1u << PSW_PROBLEM_EQUILIBRIUM));
  cr_assert_str_eq(cfg.solver[PSW_PROBLEM_OPTIMUM], "fixed_point");
  cr_assert_str_eq(cfg.solver[PSW_PROBLEM_EQUILIBRIUM], "reference");
  cr_assert_str_eq(cfg.out_path, "sobol_out.nc");
  cr_assert_eq(cfg.compression, 0);
  cr_assert_eq(cfg.n_vars, 2);
  cr_assert_str_eq(cfg.vars[0], "eq_m");
  cr_assert_str_eq(cfg.vars[1], "f_opt");
  cr_assert_str_eq(cfg.title, "sobol, JSON");
  psw_config_fini(&cfg);
}

Test(config, good_minimal_one_point) {
  psw_config cfg;
  load_good("minimal.yaml", &cfg);
  cr_assert_eq(cfg.design, PSW_DESIGN_GRID);
  cr_assert_eq(cfg.n_axes, 0);
  cr_assert_eq(psw_config_npoints(&cfg), 1);
  cr_assert(cfg.base.a == 0.5 && cfg.base.b == 3 && cfg.base.c == 0.5 && cfg.base.d == 0.5);
  cr_assert_eq(cfg.base.cust.p[1], 0.2);
  char why[200];
  cr_assert_eq(psw_point_check(&cfg.base, PSW_PROBLEM_OPTIMUM, why, sizeof why), 0, "%s", why);
  cr_assert_str_eq(cfg.out_path, "minimal.nc");
  psw_config_fini(&cfg);
}

Test(config, fini_on_zeroed) {
  psw_config cfg;
  memset(&cfg, 0, sizeof cfg);
  psw_config_fini(&cfg);
  cr_assert_null(cfg.path);
}

/* The schema's parameter-name union (config_impl.h) is exactly family.h's names. */
Test(config, parameter_names_match_families) {
  int used[FP_COUNT] = {0};
  for (int k = 0; k < PSW_FAMILY_COUNT; ++k)
    for (int i = 0; i < psw_family_nparams((psw_family_kind)k); ++i) {
      const char *name = psw_family_param_name((psw_family_kind)k, i);
      int found = -1;
      for (int j = 0; j < FP_COUNT; ++j)
        if (strcmp(name, cfg_famp_names[j]) == 0)
          found = j;
      cr_assert_geq(found, 0, "%s of family %d is missing from PSW_CFG_FAMP", name, k);
      used[found] = 1;
    }
  for (int j = 0; j < FP_COUNT; ++j)
    cr_assert(used[j], "PSW_CFG_FAMP lists '%s', which no family has", cfg_famp_names[j]);
  cr_assert_eq(PP_COUNT, PP_NTOP + 2 * FP_COUNT);
  cr_assert_str_eq(cfg_param_names[PP_providers_s], "providers.s");
}

/* The loader's "must be > 0" list (beta, s, sigma, A, kappa, M) agrees with
 * psw_family_check: each of those parameters at 0 fails it, every other one at -1 passes. */
Test(config, positive_parameters_match_family_check) {
  static const char *const pos[] = {"beta", "s", "sigma", "A", "kappa", "M"};
  for (int k = 0; k < PSW_FAMILY_COUNT; ++k) {
    psw_family_kind kind = (psw_family_kind)k;
    for (int i = 0; i < psw_family_nparams(kind); ++i) {
      const char *name = psw_family_param_name(kind, i);
      int positive = 0;
      for (int j = 0; j < 6; ++j)
        positive |= strcmp(name, pos[j]) == 0;
      psw_family fam = {.kind = kind};
      for (int j = 0; j < psw_family_nparams(kind); ++j)
        *psw_family_param_ptr(&fam, j) = psw_family_param_default(kind, j);
      if (kind == PSW_FAMILY_UNIFORM && strcmp(name, "lo") == 0)
        fam.p[1] = 1; /* hi > -1 */
      *psw_family_param_ptr(&fam, i) = positive ? 0.0 : -1.0;
      if (kind == PSW_FAMILY_UNIFORM && strcmp(name, "hi") == 0)
        fam.p[0] = -2; /* lo < -1 */
      int bad = psw_family_check(&fam, NULL, 0) != 0;
      cr_assert_eq(bad, positive, "%s.%s: family check %s, loader %s", psw_family_name(kind), name,
                   bad ? "rejects" : "accepts", positive ? "rejects" : "accepts");
    }
  }
}

/* Strict numbers: libcyaml's strtod takes a prefix; the loader takes whole numbers only. */
Test(config, strict_number_syntax) {
  double v;
  static const char *const ok[] = {"1", "-2.5", "1e6", "+3", ".5", "0x10", "1.0e-12"};
  static const char *const bad[] = {"", " 1", "2.5abc", "1_000", "0x", "1 2", "one", "1e"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; ++i)
    cr_assert_eq(cfg_parse_number(ok[i], &v), 0, "'%s' rejected", ok[i]);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i)
    cr_assert_eq(cfg_parse_number(bad[i], &v), -1, "'%s' accepted", bad[i]);
  cr_assert_eq(cfg_parse_number("-.inf", &v), 0);
  cr_assert(isinf(v) && v < 0);
  cr_assert_eq(cfg_parse_number(".NaN", &v), 0);
  cr_assert(isnan(v));
}

Test(config, suggestions) {
  static const char *const c[] = {"model", "sweep", "output"};
  char out[200];
  cfg_suggest("modle", c, 3, out, sizeof out);
  cr_assert_str_eq(out, " (did you mean 'model'?)");
  cfg_suggest("OUTPUT", c, 3, out, sizeof out);
  cr_assert_str_eq(out, " (did you mean 'output'?)");
  cfg_suggest("zzz", c, 3, out, sizeof out);
  cr_assert_str_eq(out, " (valid: model, sweep, output)");
}

/* Every prefix of every good config either loads or fails with one line
 * "<file>:<line>:<col>: ..." and PSW_ERR_CONFIG / PSW_ERR_INPUT (a list config without its
 * CSV), leaking nothing (sanitizer and valgrind stages). */
Test(config, truncated_configs_fail_cleanly) {
  static const char *const names[] = {"grid.yaml", "grid_order.json", "list.yaml",
                                      "lhs.yaml",  "sobol.json",      "minimal.yaml"};
  char tmpl[] = "/tmp/psw_test_config_XXXXXX";
  cr_assert_not_null(mkdtemp(tmpl));
  char out[256];
  snprintf(out, sizeof out, "%s/cut.yaml", tmpl);
  int loaded = 0, failed = 0;
  for (size_t k = 0; k < sizeof names / sizeof names[0]; ++k) {
    char path[1024];
    fixture(path, sizeof path, "good", names[k]);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    char text[4096];
    size_t n = fread(text, 1, sizeof text, fp);
    fclose(fp);
    int cuts = psw_test_count((int)n + 1, 40);
    size_t stride = (n + 1) / (size_t)cuts > 0 ? (n + 1) / (size_t)cuts : 1;
    for (size_t cut = 0; cut <= n; cut += stride) {
      fp = fopen(out, "wb");
      cr_assert_not_null(fp);
      fwrite(text, 1, cut, fp);
      fclose(fp);
      psw_config cfg;
      psw_err e = psw_config_load(out, &cfg);
      if (e == PSW_OK) {
        ++loaded;
      } else {
        ++failed;
        const char *msg = psw_err_msg();
        int line = 0, col = 0;
        cr_assert(e == PSW_ERR_CONFIG || e == PSW_ERR_INPUT, "%s cut at %zu: error %d: %s",
                  names[k], cut, e, msg);
        cr_assert(strncmp(msg, out, strlen(out)) == 0 &&
                      sscanf(msg + strlen(out), ":%d:%d: ", &line, &col) == 2 && line >= 1 &&
                      col >= 1,
                  "%s cut at %zu: %s", names[k], cut, msg);
        cr_assert(strchr(msg, '\n') == NULL, "%s cut at %zu: %s", names[k], cut, msg);
      }
      psw_config_fini(&cfg);
    }
  }
  remove(out);
  remove(tmpl);
  cr_assert_gt(loaded, 0);
  cr_assert_gt(failed, 100);
}
