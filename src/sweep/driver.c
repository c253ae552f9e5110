/* The sweep driver: design -> batches of points -> solvers (OpenMP threads) -> output.
 * Threads only compute; HDF5 is called from the main thread (CONVENTIONS §1.6). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_SET */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <zlib.h>
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

#include "core/fault.h"
#include "io/h5out_impl.h"
#include "platsweep/io.h"
#include "platsweep/solver.h"
#include "platsweep/sweep.h"
#include "platsweep/version.h"
#include "sweep/ckpt.h"

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

/* ---- run: work units, collective rounds, checkpoints, resume ----
 *
 * A work unit is one output chunk: a contiguous range of flat point indices
 * (psw_h5out_chunk_shape with `batch` points). Units are claimed from a counter on rank 0
 * (MPI_Fetch_and_op in a passive-target epoch), solved by the rank's OpenMP threads and
 * queued. The main thread polls between 64-point sub-batches: a rank with a queued unit
 * enters an MPI_Ibarrier; once every rank has entered, all do a round together (flags
 * Allreduce, one collective write per variable, the units' CRCs gathered to rank 0, a
 * checkpoint when due). The main thread does every MPI and HDF5 call (FUNNELED); the
 * other threads keep solving meanwhile. */

volatile sig_atomic_t psw_sweep_stop_signal = 0;

enum { QCAP = 4 };              /* queued units per rank before it waits for a round */
#define STOP_MARK (1L << 40)    /* added to the counter by a rank that got a stop signal */

typedef struct unit_buf {
  long unit, start, count;
  uint32_t crc;
  unsigned char *data; /* variable 0's points, then variable 1's, ... */
  psw_h5_chunk *enc;   /* [nvars] the unit's chunks encoded, when the file lets us (R->enc) */
} unit_buf;

typedef struct units_layout {
  int split;               /* the axis the chunks cut */
  long rows, len_split;    /* chunk rows on it, its length */
  long trail, per_prefix;  /* points per row; units per position of the axes before it */
  long nunits;
} units_layout;

static void units_init(units_layout *L, int nd, const long *len, long G) {
  long chunk[64];
  psw_h5out_chunk_shape(nd, len, G, chunk);
  int split = 0;
  for (int k = nd - 1; k >= 0; --k)
    if (chunk[k] < len[k]) {
      split = k;
      break;
    }
  long trail = 1, prefix = 1;
  for (int k = split + 1; k < nd; ++k) trail *= len[k];
  for (int k = 0; k < split; ++k) prefix *= len[k];
  L->split = split;
  L->rows = chunk[split];
  L->len_split = len[split];
  L->trail = trail;
  L->per_prefix = (len[split] + L->rows - 1) / L->rows;
  L->nunits = prefix * L->per_prefix;
}

static void unit_range(const units_layout *L, long u, long *start, long *count) {
  long p = u / L->per_prefix, j = u % L->per_prefix;
  long r0 = j * L->rows, r = L->len_split - r0 < L->rows ? L->len_split - r0 : L->rows;
  *start = (p * L->len_split + r0) * L->trail;
  *count = r * L->trail;
}

typedef struct run {
  const psw_config *cfg;
  const psw_run_opts *o;
  psw_run_stats *st;
  solvers sv;
  int threads;
  MPI_Comm comm;
  int rank, nranks;
  long G, N;
  units_layout L;
  /* output variables: results, then parameter columns (point designs) */
  int nres, ncols, nvars;
  const var_def *vdef[NVARS];
  pcol cols[40];
  size_t col_off[40];          /* offset of the column's value in psw_point */
  const char *vname[NVARS + 40];
  psw_vtype vtype[NVARS + 40];
  int veq[NVARS + 40];
  size_t vbytes[NVARS + 40];   /* bytes per point */
  size_t vpre[NVARS + 40];     /* bytes per point of the variables before */
  size_t pp;                   /* bytes per point, all variables */
  psw_h5out *h;
  psw_design *des;
  psw_point *pts;
  psw_opt_result *ro;
  psw_eq_result *re;
  /* claims */
  MPI_Win win;
  long *ctr;
  long *todo, ntodo;
  /* resume */
  psw_h5in *src;
  unsigned char *src_done;
  uint32_t *src_crc;
  char *fingerprint;
  char *partial_path, *new_path, *ckpt_path;
  int switched; /* the file written is at partial_path */
  /* queue */
  unit_buf pool[QCAP + 1];
  int busy[QCAP + 1];
  int queue[QCAP], qn;
  unsigned char *wbuf;
  int enc; /* serial file with deflate: threads encode each unit's chunks (psw_h5out_encode_chunk) */
  psw_h5_encoder **encoders; /* [threads] when enc */
  MPI_Request ib;
  int ib_active;
  int exhausted, stop_seen, computing, finished;
  /* rank 0 */
  unsigned char *done;
  uint32_t *crc;
  long ndone, done_points, pending_src, units_done_here;
  double t0, last_ckpt, last_progress;
  int tty, any_ckpt;
  double tw;
  psw_err err;
} run;

static size_t vt_bytes(psw_vtype t, int eq) { return vt_size(t) * (eq ? PSW_MAX_EQ : 1); }

/* An error on one rank in the middle of a collective phase cannot be agreed on without
 * risking a hang: with more than one rank the job is aborted (the last checkpoint stays for
 * --resume); with one rank the error unwinds normally. */
static void fail(run *R, psw_err e) {
  if (R->err) return;
  R->err = e;
  if (R->nranks > 1) {
    fprintf(stderr, "platsweep run: rank %d: %s\n", R->rank, psw_err_msg());
    fflush(stderr);
    MPI_Abort(R->comm, e == PSW_ERR_IO ? 74 : 1);
  }
}

#define FAIL_RET(R, e)                                                                             \
  do {                                                                                             \
    fail((R), (e));                                                                                \
    return;                                                                                        \
  } while (0)

static void raise_stop(run *R) {
  long add = STOP_MARK, old = 0;
  if (MPI_Fetch_and_op(&add, &old, MPI_LONG, 0, 0, MPI_SUM, R->win) != MPI_SUCCESS ||
      MPI_Win_flush(0, R->win) != MPI_SUCCESS)
    fail(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "stop: MPI_Fetch_and_op failed"));
}

/* A stop signal seen here is passed to every rank through the counter (once). */
static void pass_stop_signal(run *R) {
  if (psw_sweep_stop_signal && !R->stop_seen) {
    R->stop_seen = 1;
    raise_stop(R);
  }
}

static long claim(run *R) {
  long one = 1, old = 0;
  if (MPI_Fetch_and_op(&one, &old, MPI_LONG, 0, 0, MPI_SUM, R->win) != MPI_SUCCESS ||
      MPI_Win_flush(0, R->win) != MPI_SUCCESS)
    fail(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "claim: MPI_Fetch_and_op failed"));
  return old;
}

static void report_progress(run *R, int final) {
  if (R->rank != 0 || R->o->quiet) return;
  double t = now_s();
  if (!final && t - R->last_progress < (R->tty ? 0.5 : R->o->progress_interval)) return;
  R->last_progress = t;
  progress(R->done_points, R->N, R->t0, R->tty, final);
}

/* Flush, then (first checkpoint of a resumed run) move the new file over the old one, then
 * replace the record. Collective. */
static void checkpoint(run *R) {
  double tw0 = now_s();
  psw_err e = psw_h5out_flush(R->h);
  if (e) FAIL_RET(R, e);
  if (!R->switched) {
    if (R->rank == 0 && rename(R->new_path, R->partial_path) != 0)
      FAIL_RET(R, psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: rename to '%s': %s",
                                 R->new_path, R->partial_path, strerror(errno)));
    MPI_Barrier(R->comm);
    psw_h5in_close(&R->src);
    if ((e = psw_h5out_set_partial(R->h, R->partial_path))) FAIL_RET(R, e);
    R->switched = 1;
  }
  if (R->rank == 0) {
    psw_ckpt c = {R->fingerprint, R->G, R->L.nunits, R->done, R->crc};
    if ((e = psw_ckpt_write(R->ckpt_path, &c))) FAIL_RET(R, e);
  }
  R->any_ckpt = 1;
  R->last_ckpt = now_s();
  R->tw += R->last_ckpt - tw0;
}

static void sort_queue(run *R) { /* by first point; insertion sort: at most QCAP entries */
  for (int i = 1; i < R->qn; ++i)
    for (int j = i; j > 0 && R->pool[R->queue[j - 1]].start > R->pool[R->queue[j]].start; --j) {
      int t = R->queue[j];
      R->queue[j] = R->queue[j - 1];
      R->queue[j - 1] = t;
    }
}

/* Every rank, together: write the queued units, tell rank 0 their CRCs, checkpoint when due,
 * finish when no rank has work left. Main thread only. */
static void do_round(run *R) {
  if (R->err) return;
  int loc[3] = {R->stop_seen, R->computing || (!R->exhausted && !R->stop_seen),
                R->rank == 0 && now_s() - R->last_ckpt >= R->o->checkpoint_interval};
  int glob[3];
  if (MPI_Allreduce(loc, glob, 3, MPI_INT, MPI_MAX, R->comm) != MPI_SUCCESS)
    FAIL_RET(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "round: MPI_Allreduce failed"));
  double tw0 = now_s();
  sort_queue(R);
  long starts[QCAP], counts[QCAP];
  for (int q = 0; q < R->qn; ++q) {
    starts[q] = R->pool[R->queue[q]].start;
    counts[q] = R->pool[R->queue[q]].count;
  }
  for (int v = 0; v < R->nvars; ++v) {
    if (v == R->nvars / 2) psw_fault("write"); /* crash tests: half the variables written */
    if (R->enc) { /* chunks encoded by the threads: only stored here */
      for (int q = 0; q < R->qn; ++q) {
        psw_err e = psw_h5out_write_chunk(R->h, v, &R->pool[R->queue[q]].enc[v]);
        if (e) FAIL_RET(R, e);
      }
      continue;
    }
    size_t off = 0;
    for (int q = 0; q < R->qn; ++q) {
      const unit_buf *b = &R->pool[R->queue[q]];
      size_t n = (size_t)b->count * R->vbytes[v];
      memcpy(R->wbuf + off, b->data + (size_t)b->count * R->vpre[v], n);
      off += n;
    }
    psw_err e = psw_h5out_write_ranges(R->h, v, R->qn, starts, counts, R->wbuf);
    if (e) FAIL_RET(R, e);
  }
  R->tw += now_s() - tw0;
  /* rank 0 learns which units are in the file, with their CRCs */
  int n = R->qn, *cnt = NULL, *displ = NULL, total = 0;
  long ids[QCAP];
  uint32_t crcs[QCAP];
  for (int q = 0; q < n; ++q) {
    ids[q] = R->pool[R->queue[q]].unit;
    crcs[q] = R->pool[R->queue[q]].crc;
  }
  long *all_ids = NULL;
  uint32_t *all_crc = NULL;
  if (R->rank == 0) {
    cnt = malloc((size_t)R->nranks * sizeof *cnt);
    displ = malloc((size_t)R->nranks * sizeof *displ);
    all_ids = malloc((size_t)R->nranks * QCAP * sizeof *all_ids);
    all_crc = malloc((size_t)R->nranks * QCAP * sizeof *all_crc);
    if (!cnt || !displ || !all_ids || !all_crc) {
      free(cnt), free(displ), free(all_ids), free(all_crc);
      FAIL_RET(R, psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "round: out of memory"));
    }
  }
  int ok = MPI_Gather(&n, 1, MPI_INT, cnt, 1, MPI_INT, 0, R->comm) == MPI_SUCCESS;
  if (ok && R->rank == 0)
    for (int r = 0; r < R->nranks; ++r) {
      displ[r] = total;
      total += cnt[r];
    }
  ok = ok && MPI_Gatherv(ids, n, MPI_LONG, all_ids, cnt, displ, MPI_LONG, 0, R->comm) == MPI_SUCCESS;
  ok = ok && MPI_Gatherv(crcs, n, MPI_UINT32_T, all_crc, cnt, displ, MPI_UINT32_T, 0, R->comm) ==
                 MPI_SUCCESS;
  if (ok && R->rank == 0)
    for (int i = 0; i < total; ++i) {
      long u = all_ids[i], s0, c0;
      unit_range(&R->L, u, &s0, &c0);
      if (!R->done[u]) {
        R->done[u] = 1;
        ++R->ndone;
        R->done_points += c0;
        if (R->src_done && R->src_done[u]) --R->pending_src;
      }
      R->crc[u] = all_crc[i];
    }
  free(cnt), free(displ), free(all_ids), free(all_crc);
  if (!ok) FAIL_RET(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "round: MPI_Gatherv failed"));
  for (int q = 0; q < R->qn; ++q) R->busy[R->queue[q]] = 0;
  R->qn = 0;
  /* rank 0 decides: checkpoint now? complete? (a resumed run checkpoints only once every
   * unit the old record had is in the new file, so the switch loses nothing) */
  int dec[3] = {0, 0, 0}; /* checkpoint allowed, complete, points written */
  if (R->rank == 0) {
    dec[0] = R->pending_src == 0;
    dec[1] = R->ndone == R->L.nunits;
  }
  if (MPI_Bcast(dec, 2, MPI_INT, 0, R->comm) != MPI_SUCCESS)
    FAIL_RET(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "round: MPI_Bcast failed"));
  int final = !glob[1];
  if (final) {
    R->finished = 1;
    R->st->complete = dec[1];
    if (!dec[1]) { /* stopped: checkpoint if the record can move on, else keep the old one */
      R->st->stopped = 1;
      if (dec[0]) checkpoint(R);
    }
  } else if (glob[2] && dec[0]) {
    checkpoint(R);
  }
  report_progress(R, final && dec[1]);
}

/* Wait for the round the rank has entered (a rank with nothing to compute, or a full queue);
 * a stop signal is still passed on meanwhile. */
static void wait_round(run *R) {
  if (!R->ib_active) {
    if (MPI_Ibarrier(R->comm, &R->ib) != MPI_SUCCESS)
      FAIL_RET(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "MPI_Ibarrier failed"));
    R->ib_active = 1;
  }
  for (;;) {
    int flag = 0;
    if (MPI_Test(&R->ib, &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS)
      FAIL_RET(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "MPI_Test failed"));
    if (flag) break;
    pass_stop_signal(R);
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
  }
  R->ib_active = 0;
  do_round(R);
}

/* Between sub-batches (main thread): pass a stop signal on, enter a round once a unit is
 * queued, run the round when every rank has entered. */
static void poll_round(run *R) {
  if (R->err) return;
  pass_stop_signal(R);
  if (!R->ib_active && R->qn > 0) {
    if (MPI_Ibarrier(R->comm, &R->ib) != MPI_SUCCESS)
      FAIL_RET(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "MPI_Ibarrier failed"));
    R->ib_active = 1;
  }
  if (R->ib_active) {
    int flag = 0;
    if (MPI_Test(&R->ib, &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS)
      FAIL_RET(R, psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "MPI_Test failed"));
    if (flag) {
      R->ib_active = 0;
      do_round(R);
    }
  }
}

/* Read unit u back from the old file into b and check its CRC; 0 if it cannot be trusted. */
static int copy_unit(run *R, unit_buf *b) {
  if (!R->src || !R->src_done || !R->src_done[b->unit]) return 0;
  for (int v = 0; v < R->nvars; ++v)
    if (psw_h5in_read(R->src, R->vname[v], R->vtype[v], R->veq[v], b->start, b->count,
                      b->data + (size_t)b->count * R->vpre[v]) != PSW_OK) {
      fprintf(stderr, "platsweep run: warning: %s; unit %ld is computed again\n", psw_err_msg(),
              b->unit);
      return 0;
    }
  b->crc = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), b->data, (size_t)b->count * R->pp);
  if (b->crc != R->src_crc[b->unit]) {
    fprintf(stderr, "platsweep run: warning: unit %ld of %s does not match its checkpoint CRC; "
                    "computed again\n", b->unit, R->partial_path);
    return 0;
  }
  return 1;
}

/* Solve unit b with the rank's threads; the main thread polls for rounds in between. */
static void compute_unit(run *R, unit_buf *b) {
  long n = b->count;
  for (long i = 0; i < n; ++i) psw_design_point(R->des, b->start + i, &R->pts[i]);
  long nsub = (n + LANE_BATCH - 1) / LANE_BATCH;
  R->computing = 1;
#pragma omp parallel for schedule(dynamic) num_threads(R->threads) default(none) shared(R, b, n, nsub)
  for (long s = 0; s < nsub; ++s) {
#ifdef _OPENMP
    if (omp_get_thread_num() == 0) poll_round(R);
#else
    poll_round(R);
#endif
    long lo = s * LANE_BATCH;
    int cnt = (int)(n - lo < LANE_BATCH ? n - lo : LANE_BATCH);
    const solvers *sv = &R->sv;
    if (sv->ops[PSW_PROBLEM_OPTIMUM])
      sv->ops[PSW_PROBLEM_OPTIMUM]->solve_optimum(&sv->opts, cnt, R->pts + lo, R->ro + lo);
    if (sv->ops[PSW_PROBLEM_EQUILIBRIUM])
      sv->ops[PSW_PROBLEM_EQUILIBRIUM]->solve_equilibrium(&sv->opts, cnt, R->pts + lo, R->re + lo);
    for (int v = 0; v < R->nres; ++v) {
      const var_def *d = R->vdef[v];
      size_t vb = R->vbytes[v];
      unsigned char *dst = b->data + (size_t)n * R->vpre[v] + (size_t)lo * vb;
      for (int i = 0; i < cnt; ++i) {
        const char *rec = d->prob == PSW_PROBLEM_OPTIMUM ? (const char *)&R->ro[lo + i]
                                                         : (const char *)&R->re[lo + i];
        memcpy(dst + (size_t)i * vb, rec + d->off, vb);
      }
    }
    for (int c = 0; c < R->ncols; ++c) {
      int v = R->nres + c;
      double *dst = (double *)(void *)(b->data + (size_t)n * R->vpre[v]) + lo;
      for (int i = 0; i < cnt; ++i)
        memcpy(&dst[i], (const char *)&R->pts[lo + i] + R->col_off[c], sizeof(double));
    }
  }
  R->computing = 0;
  b->crc = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), b->data, (size_t)n * R->pp);
  psw_run_stats *st = R->st;
  for (long i = 0; i < n; ++i) {
    if (R->sv.ops[PSW_PROBLEM_OPTIMUM] && R->ro[i].status >= 0 && R->ro[i].status < 6)
      st->status_count[PSW_PROBLEM_OPTIMUM][R->ro[i].status]++;
    if (R->sv.ops[PSW_PROBLEM_EQUILIBRIUM] && R->re[i].status >= 0 && R->re[i].status < 6)
      st->status_count[PSW_PROBLEM_EQUILIBRIUM][R->re[i].status]++;
  }
  st->computed += n;
}

/* Encode unit b's chunks, a variable per thread; the main thread polls for rounds between
 * its variables, as between sub-batches. */
static void encode_unit(run *R, unit_buf *b) {
  double t0 = now_s(), tw0 = R->tw;
  /* still working: a round run from here must not be the last one (unit b is not queued
   * yet; a stop signal would otherwise end the run without it) */
  R->computing = 1;
  psw_err first = PSW_OK;
  char msg[512] = "";
#pragma omp parallel for schedule(dynamic) num_threads(R->threads) default(none) \
    shared(R, b, first, msg)
  for (int v = 0; v < R->nvars; ++v) {
#ifdef _OPENMP
    if (omp_get_thread_num() == 0) poll_round(R);
#else
    poll_round(R);
#endif
#ifdef _OPENMP
    psw_h5_encoder *en = R->encoders[omp_get_thread_num()];
#else
    psw_h5_encoder *en = R->encoders[0];
#endif
    psw_err e = psw_h5out_encode_chunk(R->h, en, v, b->start, b->count,
                                       b->data + (size_t)b->count * R->vpre[v], &b->enc[v]);
    if (e) {
#pragma omp critical(psw_encode_err)
      if (!first) {
        first = e;
        snprintf(msg, sizeof msg, "%s", psw_err_msg());
      }
    }
  }
  R->computing = 0;
  /* counted as writing (the run's "% writing"), though both threads encode: the share stays
   * the time output costs the run, not only the main thread's time inside HDF5. Rounds run
   * in here added their own time already: the phase counts once. */
  R->tw = tw0 + (now_s() - t0);
  if (first) FAIL_RET(R, psw_err_set(first, __FILE__, __LINE__, "%s", msg));
}

static void work_loop(run *R) {
  while (!R->err && !R->finished) {
    /* Rounds run inside compute_unit, on the main thread while the others go on solving
     * (with one rank too: a round here would leave the other threads idle during the write);
     * here only a stop signal is passed on. */
    pass_stop_signal(R);
    if (R->exhausted || R->stop_seen) { /* no more work here: join rounds until the last */
      wait_round(R);
      continue;
    }
    if (R->qn == QCAP) { /* the others are slow to write: wait for the round */
      wait_round(R);
      continue;
    }
    long v = claim(R);
    if (R->err) break;
    if (v >= STOP_MARK) {
      R->stop_seen = 1;
      continue;
    }
    if (v >= R->ntodo) {
      R->exhausted = 1;
      continue;
    }
    int slot = 0;
    while (R->busy[slot]) ++slot; /* QCAP + 1 slots, at most QCAP queued */
    unit_buf *b = &R->pool[slot];
    R->busy[slot] = 1;
    b->unit = R->todo[v];
    unit_range(&R->L, b->unit, &b->start, &b->count);
    if (copy_unit(R, b)) {
      R->st->copied += b->count;
      for (int k = 0; k < R->nres; ++k) { /* the summary counts copied points too */
        int p = !strcmp(R->vname[k], "status_opt") ? PSW_PROBLEM_OPTIMUM
                : !strcmp(R->vname[k], "status_eq") ? PSW_PROBLEM_EQUILIBRIUM
                                                    : -1;
        const int8_t *sv = (const int8_t *)(b->data + (size_t)b->count * R->vpre[k]);
        for (long i = 0; p >= 0 && i < b->count; ++i)
          if (sv[i] >= 0 && sv[i] < 6) R->st->status_count[p][sv[i]]++;
      }
    } else {
      compute_unit(R, b);
    }
    if (R->enc) encode_unit(R, b);
    if (R->err) break;
    ++R->units_done_here;
    R->queue[R->qn++] = slot;
  }
}

/* ---- run: set-up ---- */

typedef enum { MODE_FRESH, MODE_RESUME, MODE_COMPLETE } run_mode;

static char *cat2(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  char *s = malloc(n + m + 1);
  if (s) {
    memcpy(s, a, n);
    memcpy(s + n, b, m + 1);
  }
  return s;
}

/* Rank 0: which mode, from the files on disk and the options. *ck gets the record to resume. */
static psw_err decide_mode(run *R, const char *out, run_mode *mode, psw_ckpt *ck) {
  struct stat sb;
  int have_out = stat(out, &sb) == 0, have_ck = stat(R->ckpt_path, &sb) == 0;
  int have_partial = stat(R->partial_path, &sb) == 0;
  *mode = MODE_FRESH;
  char diff[600];
  if (!R->o->resume) {
    PSW_CHECK(R->o->overwrite || !have_out, PSW_ERR_IO,
              "output '%s' exists (use --overwrite to replace it)", out);
    PSW_CHECK(R->o->overwrite || !have_ck, PSW_ERR_IO,
              "%s holds the checkpoint of an unfinished run: continue it with --resume, or "
              "start again with --overwrite", R->ckpt_path);
    if (have_ck && unlink(R->ckpt_path) != 0)
      return psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: remove: %s", R->ckpt_path,
                         strerror(errno));
    return PSW_OK;
  }
  if (have_out) { /* finished before: nothing to do if it is this config's output */
    psw_h5in *in = NULL;
    char *fp = NULL;
    psw_err e = psw_h5in_open(out, &in);
    if (!e) e = psw_h5in_attr(in, "platsweep_fingerprint", &fp);
    psw_h5in_close(&in);
    if (e) {
      free(fp);
      return psw_err_set(PSW_ERR_CONFIG, __FILE__, __LINE__,
                         "cannot resume: '%s' exists and has no platsweep fingerprint (%s)", out,
                         psw_err_msg());
    }
    int d = psw_fingerprint_diff(fp, R->fingerprint, "in the file", "in the config", diff,
                                 sizeof diff);
    free(fp);
    PSW_CHECK(!d, PSW_ERR_CONFIG, "cannot resume: '%s' was written by another config or version: %s",
              out, diff);
    if (have_ck) (void)unlink(R->ckpt_path); /* stale: the final rename happened */
    *mode = MODE_COMPLETE;
    return PSW_OK;
  }
  if (!have_ck) {
    if (have_partial && !R->o->quiet)
      fprintf(stderr, "platsweep run: %s has no checkpoint yet: starting from the beginning\n",
              R->partial_path);
    return PSW_OK;
  }
  psw_err e = psw_ckpt_read(R->ckpt_path, ck);
  if (e) {
    fprintf(stderr, "platsweep run: warning: %s; starting from the beginning\n", psw_err_msg());
    return PSW_OK;
  }
  int d = psw_fingerprint_diff(ck->fingerprint, R->fingerprint, "in the checkpoint",
                               "in the config", diff, sizeof diff);
  if (d) {
    psw_ckpt_fini(ck);
    return psw_err_set(PSW_ERR_CONFIG, __FILE__, __LINE__,
                       "cannot resume %s: it was written by another config or version: %s",
                       R->partial_path, diff);
  }
  *mode = MODE_RESUME;
  return PSW_OK;
}

/* Rank 0's verdict (and message) to every rank. */
static psw_err share_err(run *R, psw_err e) {
  int code = (int)e;
  char msg[1024] = "";
  if (R->rank == 0 && e) snprintf(msg, sizeof msg, "%s", psw_err_msg());
  if (MPI_Bcast(&code, 1, MPI_INT, 0, R->comm) != MPI_SUCCESS ||
      MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, 0, R->comm) != MPI_SUCCESS)
    return psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "MPI_Bcast failed");
  if (code && R->rank != 0) return psw_err_set((psw_err)code, __FILE__, __LINE__, "%s", msg);
  return (psw_err)code;
}

/* "0-1,4" from the CPU affinity mask. */
static void affinity_text(char *buf, size_t len) {
  cpu_set_t set;
  CPU_ZERO(&set);
  buf[0] = '\0';
  if (sched_getaffinity(0, sizeof set, &set) != 0) {
    snprintf(buf, len, "?");
    return;
  }
  size_t n = 0;
  for (int c = 0; c < CPU_SETSIZE && n < len; ++c) {
    if (!CPU_ISSET(c, &set) || (c > 0 && CPU_ISSET(c - 1, &set))) continue;
    int e = c;
    while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set)) ++e;
    n += (size_t)snprintf(buf + n, len - n, n ? ",%d" : "%d", c);
    if (e > c && n < len) n += (size_t)snprintf(buf + n, len - n, "-%d", e);
  }
}

/* Rank 0 prints one line per rank: host, pid, CPUs (the resolved layout). */
static void print_layout(run *R) {
  char mine[256], host[128] = "?", aff[96];
  gethostname(host, sizeof host);
  host[sizeof host - 1] = '\0';
  affinity_text(aff, sizeof aff);
  cpu_set_t set;
  CPU_ZERO(&set);
  int ncpu = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  snprintf(mine, sizeof mine, "host %s, pid %ld, cpus %s%s", host, (long)getpid(), aff,
           ncpu > 0 && ncpu < R->threads ? " (fewer cpus than threads: oversubscribed)" : "");
  char *all = R->rank == 0 ? malloc((size_t)R->nranks * sizeof mine) : NULL;
  if (R->rank == 0 && !all) return;
  MPI_Gather(mine, (int)sizeof mine, MPI_CHAR, all, (int)sizeof mine, MPI_CHAR, 0, R->comm);
  if (R->rank == 0 && !R->o->quiet) {
    fprintf(stderr, "platsweep run: %d rank%s x %d thread%s, %ld points in %ld units of <= %ld\n",
            R->nranks, R->nranks > 1 ? "s" : "", R->threads, R->threads > 1 ? "s" : "", R->N,
            R->L.nunits, R->L.rows * R->L.trail);
    int over = 0;
    for (int r = 0; r < R->nranks; ++r) {
      fprintf(stderr, "  rank %d: %s\n", r, all + (size_t)r * sizeof mine);
      over |= strstr(all + (size_t)r * sizeof mine, "oversubscribed") != NULL;
    }
    if (over)
      fprintf(stderr, "platsweep run: warning: ranks are bound to fewer cpus than threads; with "
                      "Open MPI use `mpirun --map-by slot:PE=%d` (or --bind-to none), with Slurm "
                      "`srun --cpus-per-task=%d`\n", R->threads, R->threads);
  }
  free(all);
}

/* Rank 0 prints what each rank did (after the run). */
static void print_work(run *R) {
  long mine[3] = {R->units_done_here, R->st->computed, R->st->copied};
  long *all = R->rank == 0 ? malloc((size_t)R->nranks * sizeof mine) : NULL;
  if (R->rank == 0 && !all) return;
  MPI_Gather(mine, 3, MPI_LONG, all, 3, MPI_LONG, 0, R->comm);
  if (R->rank == 0 && !R->o->quiet)
    for (int r = 0; r < R->nranks; ++r)
      fprintf(stderr, "  rank %d: %ld units, %ld points computed, %ld copied from the checkpoint\n",
              r, all[3 * r], all[3 * r + 1], all[3 * r + 2]);
  free(all);
}

static void run_free(run *R) {
  psw_h5in_close(&R->src);
  psw_design_destroy(&R->des);
  for (int i = 0; i <= QCAP; ++i) {
    free(R->pool[i].data);
    for (int v = 0; R->pool[i].enc && v < R->nvars; ++v) psw_h5_chunk_free(&R->pool[i].enc[v]);
    free(R->pool[i].enc);
  }
  for (int t = 0; R->encoders && t < R->threads; ++t) psw_h5_encoder_free(&R->encoders[t]);
  free(R->encoders);
  free(R->wbuf), free(R->pts), free(R->ro), free(R->re), free(R->todo);
  free(R->src_done), free(R->src_crc), free(R->done), free(R->crc);
  free(R->fingerprint), free(R->partial_path), free(R->new_path), free(R->ckpt_path);
}

psw_err psw_sweep_run(const psw_config *cfg, const psw_run_opts *o, psw_run_stats *st) {
  memset(st, 0, sizeof *st);
  run R_, *R = &R_;
  memset(R, 0, sizeof *R);
  R->cfg = cfg;
  R->o = o;
  R->st = st;
  R->comm = o->comm ? o->comm : MPI_COMM_WORLD;
  R->win = MPI_WIN_NULL;
  MPI_Comm_rank(R->comm, &R->rank);
  MPI_Comm_size(R->comm, &R->nranks);
  R->t0 = now_s();
  psw_err err = solvers_init(cfg, &R->sv);
  if (err) return err;
  R->threads = resolve_threads(o->threads);
  R->N = psw_config_npoints(cfg);
  const char *out = o->out_path ? o->out_path : cfg->out_path;
  R->partial_path = cat2(out, ".partial");
  R->new_path = cat2(out, ".partial.new");
  R->ckpt_path = cat2(out, ".partial.ckpt");
  if (!R->partial_path || !R->new_path || !R->ckpt_path)
    err = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "run: out of memory");
  if (!err) err = psw_fingerprint(cfg, &R->fingerprint);
  if (err) {
    run_free(R);
    return err;
  }

  /* mode: rank 0 looks at the files, every rank follows */
  run_mode mode = MODE_FRESH;
  psw_ckpt ck;
  memset(&ck, 0, sizeof ck);
  if (R->rank == 0) err = decide_mode(R, out, &mode, &ck);
  err = share_err(R, err);
  long hdr[3] = {(long)mode, ck.unit_points, ck.units};
  if (!err && MPI_Bcast(hdr, 3, MPI_LONG, 0, R->comm) != MPI_SUCCESS)
    err = psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "MPI_Bcast failed");
  if (err) {
    psw_ckpt_fini(&ck);
    run_free(R);
    return err;
  }
  mode = (run_mode)hdr[0];
  if (mode == MODE_COMPLETE) {
    st->complete = 1;
    st->points = R->N;
    if (R->rank == 0 && !o->quiet)
      fprintf(stderr, "platsweep run: %s is complete: nothing to resume\n", out);
    run_free(R);
    return PSW_OK;
  }
  R->G = o->batch > 0 ? o->batch : DEFAULT_GROUP;
  if (mode == MODE_RESUME) {
    if (R->rank == 0 && o->batch > 0 && o->batch != hdr[1] && !o->quiet)
      fprintf(stderr, "platsweep run: resuming with the checkpoint's %ld points per unit "
                      "(--batch %ld ignored)\n", hdr[1], o->batch);
    R->G = hdr[1];
  }
  if (R->G > R->N) R->G = R->N;

  /* units */
  int point_design = cfg->design != PSW_DESIGN_GRID;
  int ndims = point_design ? 1 : cfg->n_axes;
  long len[64];
  if (point_design) len[0] = R->N;
  else
    for (int k = 0; k < ndims; ++k) len[k] = cfg->axes[k].n;
  units_init(&R->L, ndims, len, R->G);
  long nu = R->L.nunits;
  if (mode == MODE_RESUME && hdr[2] != nu) {
    /* the record does not fit this layout: it cannot be trusted */
    if (R->rank == 0)
      fprintf(stderr, "platsweep run: warning: %s has %ld units, this run %ld: starting from the "
                      "beginning\n", R->ckpt_path, hdr[2], nu);
    mode = MODE_FRESH;
  }
  R->src_done = calloc((size_t)nu, 1);
  R->src_crc = calloc((size_t)nu, sizeof *R->src_crc);
  R->todo = malloc((size_t)nu * sizeof *R->todo);
  if (R->rank == 0) {
    R->done = calloc((size_t)nu, 1);
    R->crc = calloc((size_t)nu, sizeof *R->crc);
  }
  if (!R->src_done || !R->src_crc || !R->todo || (R->rank == 0 && (!R->done || !R->crc))) {
    psw_ckpt_fini(&ck);
    run_free(R);
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "run: out of memory for %ld units", nu);
  }
  if (mode == MODE_RESUME) {
    if (R->rank == 0) {
      memcpy(R->src_done, ck.done, (size_t)nu);
      memcpy(R->src_crc, ck.crc, (size_t)nu * sizeof *R->src_crc);
    }
    MPI_Bcast(R->src_done, (int)nu, MPI_UNSIGNED_CHAR, 0, R->comm);
    MPI_Bcast(R->src_crc, (int)nu, MPI_UINT32_T, 0, R->comm);
  }
  psw_ckpt_fini(&ck);
  /* claim order: units the checkpoint has first (copied, so the record can move on soon),
   * then the others, each in increasing order */
  for (long u = 0; u < nu; ++u)
    if (R->src_done[u]) R->todo[R->ntodo++] = u;
  long nsrc = R->ntodo;
  for (long u = 0; u < nu; ++u)
    if (!R->src_done[u]) R->todo[R->ntodo++] = u;
  R->pending_src = nsrc;

  /* variables */
  for (int i = 0; i < NVARS; ++i)
    if (var_selected(cfg, &VARS[i])) R->vdef[R->nres++] = &VARS[i];
  R->ncols = point_design ? point_columns(cfg, R->cols, 40) : 0;
  R->nvars = R->nres + R->ncols;
  for (int v = 0; v < R->nvars; ++v) {
    if (v < R->nres) {
      R->vname[v] = R->vdef[v]->name;
      R->vtype[v] = R->vdef[v]->type;
      R->veq[v] = R->vdef[v]->eq;
    } else {
      R->vname[v] = R->cols[v - R->nres].ncname;
      R->vtype[v] = PSW_VT_F64;
      R->veq[v] = 0;
    }
    R->vbytes[v] = vt_bytes(R->vtype[v], R->veq[v]);
    R->vpre[v] = R->pp;
    R->pp += R->vbytes[v];
  }
  psw_point probe = cfg->base; /* the families decide where "customers.s" lives */
  for (int c = 0; c < R->ncols; ++c) {
    const double *q = psw_point_param(&probe, R->cols[c].name);
    if (!q) {
      run_free(R);
      return psw_err_set(PSW_ERR_BUG, __FILE__, __LINE__, "run: no parameter '%s'", R->cols[c].name);
    }
    R->col_off[c] = (size_t)((const char *)q - (const char *)&probe);
  }

  /* buffers: bounded by the unit size, not by the number of points */
  size_t ucap = (size_t)R->L.rows * (size_t)R->L.trail;
  int okm = 1;
  for (int i = 0; i <= QCAP; ++i) okm = okm && (R->pool[i].data = malloc(ucap * R->pp));
  R->wbuf = malloc((size_t)QCAP * ucap * PSW_MAX_EQ * 8);
  R->pts = malloc(ucap * sizeof *R->pts);
  R->ro = malloc(ucap * sizeof *R->ro);
  R->re = malloc(ucap * sizeof *R->re);
  if (!okm || !R->wbuf || !R->pts || !R->ro || !R->re)
    err = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "run: out of memory for units of %zu points",
                      ucap);
  if (!err) err = psw_design_create(cfg, &R->des);
  if (err) { /* local failures (memory): fatal for the job */
    if (R->nranks > 1) fail(R, err);
    run_free(R);
    return err;
  }

  /* the file: dimensions, variables, attributes */
  psw_h5_dim *dims = calloc((size_t)ndims, sizeof *dims);
  char(*dnames)[PSW_NAME_MAX] = calloc((size_t)ndims, sizeof *dnames);
  if (!dims || !dnames) {
    free(dims), free(dnames);
    run_free(R);
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "run: out of memory");
  }
  if (point_design) {
    dims[0] = (psw_h5_dim){"point", R->N, NULL, "1", "point index, in input order"};
  } else {
    for (int k = 0; k < ndims; ++k) {
      snprintf(dnames[k], PSW_NAME_MAX, "%s", cfg->axes[k].name);
      for (char *c = dnames[k]; *c; ++c)
        if (*c == '.') *c = '_';
      dims[k] = (psw_h5_dim){dnames[k], cfg->axes[k].n, cfg->axes[k].values, "1",
                             param_long_name(cfg->axes[k].name)};
    }
  }
  psw_h5_var vars[NVARS + 40];
  for (int v = 0; v < R->nres; ++v) {
    const var_def *d = R->vdef[v];
    int is_status = !strncmp(d->name, "status_", 7);
    vars[v] = (psw_h5_var){d->name, d->type, d->eq, d->units, d->long_name,
                           is_status ? STATUS_FLAGS : d->flags};
  }
  for (int c = 0; c < R->ncols; ++c)
    vars[R->nres + c] = (psw_h5_var){R->cols[c].ncname, PSW_VT_F64, 0, "1",
                                     param_long_name(R->cols[c].name), NULL};
  char source[256], history[1024], thr[16], rk[16], solv[PSW_PROBLEM_COUNT][PSW_NAME_MAX + 8];
  snprintf(source, sizeof source, "platsweep %s (%s)", PSW_VERSION, PSW_GIT_DESCRIBE);
  if (R->rank == 0) { /* one time stamp for every rank: attributes are written collectively */
    char stamp[32];
    time_t tt = time(NULL);
    struct tm tmv;
    gmtime_r(&tt, &tmv);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    snprintf(history, sizeof history, "%s %s%s", stamp, o->command_line ? o->command_line : "platsweep run",
             mode == MODE_RESUME ? " (resumed)" : "");
  }
  MPI_Bcast(history, (int)sizeof history, MPI_CHAR, 0, R->comm);
  snprintf(thr, sizeof thr, "%d", R->threads);
  snprintf(rk, sizeof rk, "%d", R->nranks);
  psw_h5_attr attrs[12];
  int nattrs = 0;
  attrs[nattrs++] = (psw_h5_attr){"title", cfg->title ? cfg->title : ""};
  attrs[nattrs++] = (psw_h5_attr){"config", cfg->text ? cfg->text : ""};
  attrs[nattrs++] = (psw_h5_attr){"source", source};
  attrs[nattrs++] = (psw_h5_attr){"history", history};
  attrs[nattrs++] = (psw_h5_attr){"ranks", rk};
  attrs[nattrs++] = (psw_h5_attr){"threads", thr};
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (R->sv.ops[p]) {
      snprintf(solv[p], sizeof solv[p], "%s", R->sv.ops[p]->name);
      attrs[nattrs++] = (psw_h5_attr){p == PSW_PROBLEM_OPTIMUM ? "solver_optimum" : "solver_equilibrium",
                                      solv[p]};
    }
  attrs[nattrs++] = (psw_h5_attr){"comment", point_design ? "one row per point, in input order"
                                                          : "dimensions in config axis order (C order); "
                                                            "column-major readers see them reversed"};
  attrs[nattrs++] = (psw_h5_attr){"platsweep_fingerprint", R->fingerprint};
  R->switched = mode != MODE_RESUME;
  err = psw_h5out_create_mpi(out, R->switched ? R->partial_path : R->new_path, R->comm, ndims, dims,
                             R->nvars, vars, nattrs, attrs, cfg->compression, R->G, &R->h);
  free(dims), free(dnames);
  if (!err && psw_h5out_can_encode(R->h)) {
    R->enc = 1;
    for (int i = 0; i <= QCAP && !err; ++i)
      if (!(R->pool[i].enc = calloc((size_t)R->nvars, sizeof *R->pool[i].enc)))
        err = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (!err && !(R->encoders = calloc((size_t)R->threads, sizeof *R->encoders)))
      err = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    for (int t = 0; t < R->threads && !err; ++t) err = psw_h5_encoder_new(R->h, &R->encoders[t]);
    if (err) psw_h5out_abort(&R->h);
  }
  if (err) {
    run_free(R);
    return err;
  }
  if (mode == MODE_RESUME) {
    psw_err e = psw_h5in_open(R->partial_path, &R->src); /* each rank on its own, read-only */
    if (e) {
      R->src = NULL;
      if (R->rank == 0)
        fprintf(stderr, "platsweep run: warning: %s; its units are computed again\n", psw_err_msg());
    }
    if (R->rank == 0 && !o->quiet)
      fprintf(stderr, "platsweep run: resuming %s: %ld of %ld units done at the last checkpoint\n",
              R->partial_path, nsrc, nu);
  }

  /* the counter */
  int okw = MPI_Win_allocate(R->rank == 0 ? (MPI_Aint)sizeof(long) : 0, sizeof(long), MPI_INFO_NULL,
                             R->comm, &R->ctr, &R->win) == MPI_SUCCESS;
  if (okw && R->rank == 0) *R->ctr = 0;
  okw = okw && MPI_Barrier(R->comm) == MPI_SUCCESS &&
        MPI_Win_lock_all(MPI_MODE_NOCHECK, R->win) == MPI_SUCCESS;
  if (!okw) {
    psw_h5out_abort(&R->h);
    run_free(R);
    return psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "run: MPI window for the work counter failed");
  }
  print_layout(R);
  R->tty = isatty(2);
  R->last_ckpt = R->last_progress = now_s();

  work_loop(R);

  MPI_Win_unlock_all(R->win);
  MPI_Win_free(&R->win);
  if (!R->err) {
    double tw0 = now_s();
    if (st->complete) {
      err = psw_h5out_close(&R->h); /* renames to OUT */
      if (!err && R->rank == 0) {
        (void)unlink(R->ckpt_path);
        char *tmp = cat2(R->ckpt_path, ".tmp"); /* left by a crash between write and rename */
        if (tmp) (void)unlink(tmp);
        free(tmp);
        if (!R->switched) (void)unlink(R->partial_path); /* everything was copied from it */
      }
    } else if (R->any_ckpt) {
      err = psw_h5out_suspend(&R->h); /* stopped: the checkpoint is on disk */
      if (!err && !R->switched) /* cannot happen: a checkpoint switches */
        err = psw_err_set(PSW_ERR_BUG, __FILE__, __LINE__, "run: stopped before the switch");
    } else { /* stopped before the first checkpoint of a resumed run: the old one stands */
      psw_h5out_abort(&R->h);
    }
    R->tw += now_s() - tw0;
    print_work(R);
  } else { /* one rank (more abort the job in fail()) */
    err = R->err;
    if (R->any_ckpt)
      (void)psw_h5out_suspend(&R->h); /* keep OUT.partial: its record lets --resume go on */
    else
      psw_h5out_abort(&R->h);
    if (R->h) psw_h5out_abort(&R->h);
  }
  if (R->rank == 0) st->points = R->done_points;
  MPI_Bcast(&st->points, 1, MPI_LONG, 0, R->comm);
  long sc[PSW_PROBLEM_COUNT * 6];
  memcpy(sc, st->status_count, sizeof sc);
  MPI_Allreduce(sc, st->status_count, PSW_PROBLEM_COUNT * 6, MPI_LONG, MPI_SUM, R->comm);
  st->seconds = now_s() - R->t0;
  st->write_seconds = R->tw;
  run_free(R);
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
