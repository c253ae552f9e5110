/* The sweep driver: design -> batches of points -> solvers (OpenMP threads) -> output.
 * Threads only compute; HDF5 is called from the main thread (CONVENTIONS §1.6). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "platsweep/io.h"
#include "platsweep/solver.h"
#include "platsweep/sweep.h"
#include "platsweep/version.h"

/* ---- the output variables of SPEC §5 ---- */

static const char *STATUS_FLAGS = "ok corner no_interior_optimum degenerate not_converged invalid";

typedef struct var_def {
  const char *name;
  psw_problem prob;
  psw_vtype type;
  int eq;
  size_t off; /* into psw_opt_result / psw_eq_result */
  const char *units, *long_name, *flags;
} var_def;


static const var_def VARS[] = {
    {"f_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, f), "1", "optimal customer fee", NULL},
    {"g_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, g), "1", "optimal provider fee", NULL},
    {"m_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, m), "1", "customer participation at the optimum", NULL},
    {"n_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, n), "1", "provider participation at the optimum", NULL},
    {"U_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, U), "1", "customer net benefit at the optimum", NULL},
    {"V_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, V), "1", "provider net benefit at the optimum", NULL},
    {"P_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, P), "1", "platform profit at the optimum", NULL},
    {"status_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_I8, 0, offsetof(psw_opt_result, status), "1", "status of the optimum problem", NULL},
    {"side_m", PSW_PROBLEM_OPTIMUM, PSW_VT_I8, 0, offsetof(psw_opt_result, side_m), "1", "customer side of the optimum", "interior zero cap"},
    {"side_n", PSW_PROBLEM_OPTIMUM, PSW_VT_I8, 0, offsetof(psw_opt_result, side_n), "1", "provider side of the optimum", "interior zero cap"},
    {"soc_q1", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, soc_q1), "1", "second-order number q1 = A'(U*)", NULL},
    {"soc_q", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, soc_q), "1", "second-order number q = A'B' - k^2 F'G'", NULL},
    {"h_m", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, h_m), "1", "customer markup F/F' at the optimum", NULL},
    {"h_n", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, h_n), "1", "provider markup G/G' at the optimum", NULL},
    {"below_cost_m", PSW_PROBLEM_OPTIMUM, PSW_VT_I8, 0, offsetof(psw_opt_result, below_cost_m), "1", "customers charged below cost (Proposition 1)", "no yes"},
    {"below_cost_n", PSW_PROBLEM_OPTIMUM, PSW_VT_I8, 0, offsetof(psw_opt_result, below_cost_n), "1", "providers charged below cost (Proposition 1)", "no yes"},
    {"eq_stable_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_I8, 0, offsetof(psw_opt_result, eq_stable), "1", "stability of the equilibrium the optimum selects", "unstable stable"},
    {"eq_det_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_F64, 0, offsetof(psw_opt_result, eq_det), "1", "det(I - A) at the selected equilibrium", NULL},
    {"n_eq_opt", PSW_PROBLEM_OPTIMUM, PSW_VT_I8, 0, offsetof(psw_opt_result, n_eq), "1", "number of equilibria at the optimal fees", NULL},
    {"iter_optimum", PSW_PROBLEM_OPTIMUM, PSW_VT_I16, 0, offsetof(psw_opt_result, iter), "1", "solver iterations, optimum", NULL},
    {"status_eq", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_I8, 0, offsetof(psw_eq_result, status), "1", "status of the equilibrium problem", NULL},
    {"eq_count", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_I8, 0, offsetof(psw_eq_result, count), "1", "number of participation equilibria", NULL},
    {"eq_m", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_F64, 1, offsetof(psw_eq_result, m), "1", "customer participation at each equilibrium", NULL},
    {"eq_n", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_F64, 1, offsetof(psw_eq_result, n), "1", "provider participation at each equilibrium", NULL},
    {"eq_U", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_F64, 1, offsetof(psw_eq_result, U), "1", "customer net benefit at each equilibrium", NULL},
    {"eq_V", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_F64, 1, offsetof(psw_eq_result, V), "1", "provider net benefit at each equilibrium", NULL},
    {"eq_det", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_F64, 1, offsetof(psw_eq_result, det), "1", "det(I - A) at each equilibrium", NULL},
    {"eq_stable", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_I8, 1, offsetof(psw_eq_result, stable), "1", "stability of each equilibrium", "unstable stable"},
    {"iter_equilibrium", PSW_PROBLEM_EQUILIBRIUM, PSW_VT_I16, 0, offsetof(psw_eq_result, iter), "1", "solver iterations, equilibrium", NULL},
};
enum { NVARS = sizeof VARS / sizeof VARS[0] };

static size_t vt_size(psw_vtype t) {
  return t == PSW_VT_F64 || t == PSW_VT_I64 ? 8 : t == PSW_VT_I16 ? 2 : 1;
}

static int var_selected(const psw_config *cfg, const var_def *v) {
  if (!(cfg->problems & (1u << v->prob))) return 0;
  if (cfg->all_variables) return 1;
  for (int i = 0; i < cfg->n_vars; ++i)
    if (!strcmp(cfg->vars[i], v->name)) return 1;
  return 0;
}

/* The parameter columns of a point design: every numeric parameter of the point. */
typedef struct pcol {
  char name[PSW_NAME_MAX];    /* SPEC name, "providers.s" */
  char ncname[PSW_NAME_MAX];  /* netCDF name, "providers_s" */
} pcol;

static int point_columns(const psw_config *cfg, pcol *cols, int max) {
  static const char *top[] = {"a", "b", "e_m", "e_n", "c", "d", "f", "g"};
  int n = 0;
  int eq = (cfg->problems >> PSW_PROBLEM_EQUILIBRIUM) & 1u;
  for (int i = 0; i < 8 && n < max; ++i) {
    if (!eq && (!strcmp(top[i], "f") || !strcmp(top[i], "g"))) continue;
    snprintf(cols[n].name, PSW_NAME_MAX, "%s", top[i]);
    ++n;
  }
  const psw_family *fams[2] = {&cfg->base.cust, &cfg->base.prov};
  const char *pre[2] = {"customers.", "providers."};
  for (int s = 0; s < 2; ++s)
    for (int i = 0; i < psw_family_nparams(fams[s]->kind) && n < max; ++i, ++n)
      snprintf(cols[n].name, PSW_NAME_MAX, "%s%s", pre[s], psw_family_param_name(fams[s]->kind, i));
  for (int i = 0; i < n; ++i) {
    snprintf(cols[i].ncname, PSW_NAME_MAX, "%s", cols[i].name);
    for (char *c = cols[i].ncname; *c; ++c)
      if (*c == '.') *c = '_';
  }
  return n;
}

/* Readable names of the parameters, for long_name attributes and plot labels. */
static const char *param_long_name(const char *name) {
  static const struct {
    const char *key, *text;
  } t[] = {{"a", "customer benefit per provider"},   {"b", "provider benefit per customer"},
           {"e_m", "intra-side benefit, customers"}, {"e_n", "intra-side benefit, providers"},
           {"c", "platform cost per customer"},      {"d", "platform cost per provider"},
           {"f", "customer fee"},                    {"g", "provider fee"}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; ++i)
    if (!strcmp(name, t[i].key)) return t[i].text;
  return name; /* customers.s etc. are self-explaining */
}

/* ---- progress (SPEC §4: done/total, rate, ETA on stderr) ---- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void hms(double s, char *buf, size_t len) {
  long t = (long)(s + 0.5);
  snprintf(buf, len, "%02ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
}

static void progress(long done, long total, double t0, int tty, int final) {
  double el = now_s() - t0, rate = el > 0 ? (double)done / el : 0.0;
  char e[32], eta[32], stamp[32];
  hms(el, e, sizeof e);
  hms(rate > 0 ? (double)(total - done) / rate : 0.0, eta, sizeof eta);
  time_t tt = time(NULL);
  struct tm tmv;
  gmtime_r(&tt, &tmv);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  if (tty)
    fprintf(stderr, "\r%ld/%ld points (%.1f%%) %.4g pts/s elapsed %s ETA %s%s", done, total,
            100.0 * (double)done / (double)total, rate, e, eta, final ? "\n" : "   ");
  else
    fprintf(stderr, "%s [info] progress %ld/%ld points (%.1f%%) %.4g pts/s elapsed %s ETA %s\n",
            stamp, done, total, 100.0 * (double)done / (double)total, rate, e, eta);
  fflush(stderr);
}

/* ---- solving a range of points ---- */

typedef struct solvers {
  const psw_solver_ops *ops[PSW_PROBLEM_COUNT];
  psw_solver_opts opts;
} solvers;

static psw_err solvers_init(const psw_config *cfg, solvers *s) {
  memset(s, 0, sizeof *s);
  psw_solver_opts_default(&s->opts);
  s->opts.tol = cfg->tol;
  s->opts.max_iter = cfg->max_iter;
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (cfg->problems & (1u << p)) PSW_TRY(psw_solver_find(cfg->solver[p], (psw_problem)p, &s->ops[p]));
  return PSW_OK;
}

enum { LANE_BATCH = 64, DEFAULT_GROUP = 16384 };

/* Solve n points with `threads` threads, in sub-batches of 64 (dynamic schedule). */
static void solve_range(const solvers *s, long n, const psw_point *pts, psw_opt_result *ro,
                        psw_eq_result *re, int threads) {
  long nsub = (n + LANE_BATCH - 1) / LANE_BATCH;
  (void)threads;
#pragma omp parallel for schedule(dynamic) num_threads(threads) default(none) \
    shared(s, n, pts, ro, re, nsub)
  for (long b = 0; b < nsub; ++b) {
    long lo = b * LANE_BATCH;
    int cnt = (int)(n - lo < LANE_BATCH ? n - lo : LANE_BATCH);
    if (s->ops[PSW_PROBLEM_OPTIMUM])
      s->ops[PSW_PROBLEM_OPTIMUM]->solve_optimum(&s->opts, cnt, pts + lo, ro + lo);
    if (s->ops[PSW_PROBLEM_EQUILIBRIUM])
      s->ops[PSW_PROBLEM_EQUILIBRIUM]->solve_equilibrium(&s->opts, cnt, pts + lo, re + lo);
  }
}

static int resolve_threads(int t) {
#ifdef _OPENMP
  return t > 0 ? t : omp_get_max_threads();
#else
  (void)t;
  return 1;
#endif
}

/* ---- run ---- */

static void pack(const var_def *v, long n, const psw_opt_result *ro, const psw_eq_result *re,
                 void *buf) {
  size_t esz = vt_size(v->type), width = v->eq ? PSW_MAX_EQ : 1;
  for (long i = 0; i < n; ++i) {
    const char *rec = v->prob == PSW_PROBLEM_OPTIMUM ? (const char *)&ro[i] : (const char *)&re[i];
    memcpy((char *)buf + (size_t)i * esz * width, rec + v->off, esz * width);
  }
}

psw_err psw_sweep_run(const psw_config *cfg, const psw_run_opts *o, psw_run_stats *st) {
  memset(st, 0, sizeof *st);
  const char *out_path = o->out_path ? o->out_path : cfg->out_path;
  struct stat sb;
  PSW_CHECK(o->overwrite || stat(out_path, &sb) != 0, PSW_ERR_IO,
            "output '%s' exists (use --overwrite to replace it)", out_path);
  solvers sv;
  PSW_TRY(solvers_init(cfg, &sv));
  int threads = resolve_threads(o->threads);
  long N = psw_config_npoints(cfg);
  /* points per group: generated, solved by all threads, then written by this thread as
   * whole chunks (the chunk shape follows the group, so no chunk is written twice) */
  long G = o->batch > 0 ? o->batch : DEFAULT_GROUP;
  if (G > N) G = N;

  /* dimensions */
  int point_design = cfg->design != PSW_DESIGN_GRID;
  int ndims = point_design ? 1 : cfg->n_axes;
  psw_h5_dim *dims = calloc((size_t)ndims, sizeof *dims);
  char (*dnames)[PSW_NAME_MAX] = calloc((size_t)ndims, sizeof *dnames);
  pcol cols[40];
  int ncols = point_design ? point_columns(cfg, cols, 40) : 0;
  if (!dims || !dnames) {
    free(dims), free(dnames);
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "run: out of memory");
  }
  if (point_design) {
    dims[0] = (psw_h5_dim){"point", N, NULL, "1", "point index, in input order"};
  } else {
    for (int k = 0; k < ndims; ++k) {
      snprintf(dnames[k], PSW_NAME_MAX, "%s", cfg->axes[k].name);
      for (char *c = dnames[k]; *c; ++c)
        if (*c == '.') *c = '_';
      dims[k] = (psw_h5_dim){dnames[k], cfg->axes[k].n, cfg->axes[k].values, "1",
                             param_long_name(cfg->axes[k].name)};
    }
  }
  /* variables: results, then (point designs) the parameter columns */
  psw_h5_var vars[NVARS + 40];
  const var_def *vdef[NVARS];
  int nres = 0;
  for (int i = 0; i < NVARS; ++i)
    if (var_selected(cfg, &VARS[i])) {
      const var_def *v = &VARS[i];
      vdef[nres] = v;
      int is_status = !strncmp(v->name, "status_", 7);
      vars[nres++] = (psw_h5_var){v->name, v->type, v->eq, v->units, v->long_name,
                                  is_status ? STATUS_FLAGS : v->flags};
    }
  for (int c = 0; c < ncols; ++c)
    vars[nres + c] = (psw_h5_var){cols[c].ncname, PSW_VT_F64, 0, "1", param_long_name(cols[c].name), NULL};
  int nvars = nres + ncols;

  /* global attributes */
  char source[256], history[1024], thr[16], solv[PSW_PROBLEM_COUNT][PSW_NAME_MAX + 8], stamp[32];
  snprintf(source, sizeof source, "platsweep %s (%s)", PSW_VERSION, PSW_GIT_DESCRIBE);
  time_t tt = time(NULL);
  struct tm tmv;
  gmtime_r(&tt, &tmv);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  snprintf(history, sizeof history, "%s %s", stamp, o->command_line ? o->command_line : "platsweep run");
  snprintf(thr, sizeof thr, "%d", threads);
  psw_h5_attr attrs[10];
  int nattrs = 0;
  attrs[nattrs++] = (psw_h5_attr){"title", cfg->title ? cfg->title : ""};
  attrs[nattrs++] = (psw_h5_attr){"config", cfg->text ? cfg->text : ""};
  attrs[nattrs++] = (psw_h5_attr){"source", source};
  attrs[nattrs++] = (psw_h5_attr){"history", history};
  attrs[nattrs++] = (psw_h5_attr){"ranks", "1"};
  attrs[nattrs++] = (psw_h5_attr){"threads", thr};
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (sv.ops[p]) {
      snprintf(solv[p], sizeof solv[p], "%s", sv.ops[p]->name);
      attrs[nattrs++] = (psw_h5_attr){p == PSW_PROBLEM_OPTIMUM ? "solver_optimum" : "solver_equilibrium",
                                      solv[p]};
    }
  attrs[nattrs++] = (psw_h5_attr){"comment", point_design ? "one row per point, in input order"
                                                          : "dimensions in config axis order (C order); "
                                                            "column-major readers see them reversed"};

  /* buffers: bounded by the group size, not by the number of points */
  psw_point *pts = malloc((size_t)G * sizeof *pts);
  psw_opt_result *ro = malloc((size_t)G * sizeof *ro);
  psw_eq_result *re = malloc((size_t)G * sizeof *re);
  void *buf = malloc((size_t)G * PSW_MAX_EQ * 8);
  psw_design *des = NULL;
  psw_h5out *h = NULL;
  psw_err err = PSW_OK;
  if (!pts || !ro || !re || !buf)
    err = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "run: out of memory for %ld points", G);
  if (!err) err = psw_design_create(cfg, &des);
  if (!err) err = psw_h5out_create(out_path, ndims, dims, nvars, vars, nattrs, attrs,
                                   cfg->compression, G, &h);
  double t0 = now_s(), last = t0, tw = 0.0;
  int tty = isatty(2);
  for (long start = 0; !err && start < N; start += G) {
    long n = N - start < G ? N - start : G;
    for (long i = 0; i < n; ++i) psw_design_point(des, start + i, &pts[i]);
    solve_range(&sv, n, pts, ro, re, threads);
    double tw0 = now_s();
    for (int v = 0; v < nres && !err; ++v) {
      pack(vdef[v], n, ro, re, buf);
      err = psw_h5out_write(h, v, start, n, buf);
    }
    for (int c = 0; c < ncols && !err; ++c) {
      double *col = buf;
      for (long i = 0; i < n; ++i) col[i] = *psw_point_param(&pts[i], cols[c].name);
      err = psw_h5out_write(h, nres + c, start, n, buf);
    }
    tw += now_s() - tw0;
    for (long i = 0; i < n; ++i) {
      if (sv.ops[PSW_PROBLEM_OPTIMUM] && ro[i].status >= 0 && ro[i].status < 6)
        st->status_count[PSW_PROBLEM_OPTIMUM][ro[i].status]++;
      if (sv.ops[PSW_PROBLEM_EQUILIBRIUM] && re[i].status >= 0 && re[i].status < 6)
        st->status_count[PSW_PROBLEM_EQUILIBRIUM][re[i].status]++;
    }
    st->points = start + n;
    double t = now_s();
    if (!o->quiet && (t - last >= (tty ? 0.5 : o->progress_interval) || start + n == N)) {
      progress(start + n, N, t0, tty, start + n == N);
      last = t;
    }
  }
  if (!err) {
    double tw0 = now_s();
    err = psw_h5out_close(&h);
    tw += now_s() - tw0;
  }
  if (err) psw_h5out_abort(&h);
  st->seconds = now_s() - t0;
  st->write_seconds = tw;
  psw_design_destroy(&des);
  free(pts), free(ro), free(re), free(buf), free(dims), free(dnames);
  return err;
}

/* ---- plan ---- */

psw_err psw_sweep_plan(const psw_config *cfg, int ranks, int threads, FILE *out) {
  solvers sv;
  PSW_TRY(solvers_init(cfg, &sv));
  threads = resolve_threads(threads);
  if (ranks < 1) ranks = 1;
  long N = psw_config_npoints(cfg);
  fprintf(out, "config      %s\n", cfg->path);
  if (cfg->title && *cfg->title) fprintf(out, "title       %s\n", cfg->title);
  static const char *dn[] = {"grid", "list", "lhs", "sobol"};
  fprintf(out, "design      %s, %ld points\n", dn[cfg->design], N);
  if (cfg->design == PSW_DESIGN_GRID) {
    fprintf(out, "dimensions ");
    for (int k = 0; k < cfg->n_axes; ++k) fprintf(out, " %s(%ld)", cfg->axes[k].name, cfg->axes[k].n);
    fprintf(out, "\n");
  } else {
    fprintf(out, "dimensions  point(%ld)\n", N);
  }
  size_t per_point = 0;
  int nv = 0;
  fprintf(out, "variables  ");
  for (int i = 0; i < NVARS; ++i)
    if (var_selected(cfg, &VARS[i])) {
      per_point += vt_size(VARS[i].type) * (VARS[i].eq ? PSW_MAX_EQ : 1);
      fprintf(out, " %s", VARS[i].name);
      ++nv;
    }
  fprintf(out, "\n");
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (sv.ops[p]) fprintf(out, "solver      %s: %s\n", psw_problem_name((psw_problem)p), sv.ops[p]->name);
  double bytes = (double)per_point * (double)N;
  fprintf(out, "output      %s, %.3g MB before compression (deflate level %d)\n", cfg->out_path,
          bytes / 1e6, cfg->compression);
  long G = DEFAULT_GROUP;
  double mem = (double)G * (double)(sizeof(psw_point) + sizeof(psw_opt_result) + sizeof(psw_eq_result) + PSW_MAX_EQ * 8);
  fprintf(out, "memory      %.3g MB per rank for buffers (bounded by the batch, not the points)\n",
          mem / 1e6);
  /* calibration: up to 256 points spread over the design, one thread */
  long nc = N < 256 ? N : 256;
  psw_point *pts = malloc((size_t)nc * sizeof *pts);
  psw_opt_result *ro = malloc((size_t)nc * sizeof *ro);
  psw_eq_result *re = malloc((size_t)nc * sizeof *re);
  psw_design *des = NULL;
  psw_err err = pts && ro && re ? psw_design_create(cfg, &des)
                                : psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "plan: out of memory");
  if (!err) {
    for (long i = 0; i < nc; ++i) psw_design_point(des, (long)((double)i * (double)N / (double)nc), &pts[i]);
    double t0 = now_s();
    solve_range(&sv, nc, pts, ro, re, 1);
    double dt = now_s() - t0, rate = dt > 0 ? (double)nc / dt : 0.0;
    double wall = rate > 0 ? (double)N / (rate * threads * ranks) : 0.0;
    char w[32];
    hms(wall, w, sizeof w);
    fprintf(out, "calibration %ld points in %.3g s on one thread: %.4g points/s\n", nc, dt, rate);
    fprintf(out, "estimate    %s wall time on %d rank(s) x %d thread(s), %.3g core-hours\n", w,
            ranks, threads, wall * threads * ranks / 3600.0);
  }
  psw_design_destroy(&des);
  free(pts), free(ro), free(re);
  return err;
}
