/* MPI test (2 ranks, launched by ctest through MPIEXEC_EXECUTABLE; one test body, no
 * Criterion: CONVENTIONS §3.2). Checks, in this order:
 *  1. io: a collective write of interleaved, uneven ranges (rank 0 three units a round, rank 1
 *     one, then none) into a compressed netCDF-4 file, read back value by value;
 *  2. sweep: the same config on 2 ranks x 1 thread (units of 500 points) and on rank 0 alone
 *     (MPI_COMM_SELF, 2 threads, units of 700) gives bit-identical variables;
 *  3. stop: a stop signal seen by rank 1 only stops both ranks after a checkpoint
 *     (stats.stopped on both, OUT.partial + OUT.partial.ckpt on disk, no OUT); --resume on
 *     2 ranks completes it, identical to 2.
 * Exit 0 when every check passes; a failed check aborts the job with exit 1. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platsweep/config.h"
#include "platsweep/io.h"
#include "platsweep/sweep.h"

static int rank, nranks;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "mpi_sweep: rank %d: FAIL %s:%d: ", rank, __FILE__, __LINE__);              \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fprintf(stderr, "\n");                                                                       \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                                \
    }                                                                                              \
  } while (0)

static int exists(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0;
}

/* ---- 1. collective writes of uneven, interleaved ranges ---- */

static void test_io(void) {
  enum { N = 1000, U = 40 }; /* 25 units of 40 points */
  const char *path = "io.nc";
  psw_h5_dim dim = {"point", N, NULL, "1", "point index"};
  psw_h5_var vars[2] = {{"x", PSW_VT_F64, 0, "1", "x", NULL}, {"k", PSW_VT_I8, 1, "1", "k", NULL}};
  psw_h5_attr at = {"title", "mpi io test"};
  psw_h5out *h = NULL;
  CHECK(psw_h5out_create_mpi(path, NULL, MPI_COMM_WORLD, 1, &dim, 2, vars, 1, &at, 1, U, &h) ==
            PSW_OK, "create: %s", psw_err_msg());
  /* units in order 0..24; rank 0 takes three per round, rank 1 one, until none are left */
  long next = 0;
  double xb[3 * U];
  int8_t kb[3 * U * 9];
  for (int round = 0;; ++round) {
    long take0 = 3, take1 = 1, first = next;
    long mine_first = rank == 0 ? first : first + take0, mine_n = rank == 0 ? take0 : take1;
    int any = 0;
    long st[3], ct[3];
    int nr = 0;
    for (long u = mine_first; u < mine_first + mine_n && u * U < N; ++u) {
      st[nr] = u * U;
      ct[nr] = U;
      for (long i = 0; i < U; ++i) {
        long p = u * U + i;
        xb[nr * U + i] = sqrt((double)p) + 0.25;
        for (int e = 0; e < 9; ++e) kb[(nr * U + i) * 9 + e] = (int8_t)((p + e) % 100);
      }
      ++nr;
      any = 1;
    }
    CHECK(psw_h5out_write_ranges(h, 0, nr, st, ct, xb) == PSW_OK, "write x: %s", psw_err_msg());
    CHECK(psw_h5out_write_ranges(h, 1, nr, st, ct, kb) == PSW_OK, "write k: %s", psw_err_msg());
    next = first + take0 + take1;
    int all_any = 0;
    MPI_Allreduce(&any, &all_any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (!all_any) break;
    CHECK(round < 100, "too many rounds");
  }
  CHECK(psw_h5out_close(&h) == PSW_OK, "close: %s", psw_err_msg());
  if (rank == 0) {
    psw_h5in *in = NULL;
    CHECK(psw_h5in_open(path, &in) == PSW_OK, "open: %s", psw_err_msg());
    static double x[N];
    static int8_t k[N * 9];
    CHECK(psw_h5in_read(in, "x", PSW_VT_F64, 0, 0, N, x) == PSW_OK, "read x: %s", psw_err_msg());
    CHECK(psw_h5in_read(in, "k", PSW_VT_I8, 1, 0, N, k) == PSW_OK, "read k: %s", psw_err_msg());
    for (long p = 0; p < N; ++p) {
      CHECK(x[p] == sqrt((double)p) + 0.25, "x[%ld] = %g", p, x[p]);
      for (int e = 0; e < 9; ++e) CHECK(k[p * 9 + e] == (int8_t)((p + e) % 100), "k[%ld][%d]", p, e);
    }
    char *t = NULL;
    CHECK(psw_h5in_attr(in, "title", &t) == PSW_OK && !strcmp(t, "mpi io test"), "title");
    free(t);
    psw_h5in_close(&in);
    printf("ok 1 - collective writes of uneven interleaved ranges read back exactly\n");
  }
}

/* ---- 2., 3. sweeps ---- */

static const char *CONFIG =
    "title: mpi sweep test\n"
    "model:\n"
    "  c: 0.5\n"
    "  d: 0.4\n"
    "  f: 0.3\n"
    "  g: 0.2\n"
    "  customers: {family: logit, s: 0.5}\n"
    "  providers: {family: probit, sigma: 1.0}\n"
    "sweep:\n"
    "  design: grid\n"
    "  axes:\n"
    "    a: {from: 0.0, to: 3.0, num: 60}\n"
    "    b: {from: 0.0, to: 3.0, num: 50}\n"
    "problems: [optimum, equilibrium]\n"
    "output:\n"
    "  path: sweep.nc\n";

static const struct {
  const char *name;
  psw_vtype t;
  int eq;
} VARS[] = {{"f_opt", PSW_VT_F64, 0},     {"g_opt", PSW_VT_F64, 0},       {"m_opt", PSW_VT_F64, 0},
            {"P_opt", PSW_VT_F64, 0},     {"status_opt", PSW_VT_I8, 0},   {"soc_q", PSW_VT_F64, 0},
            {"iter_optimum", PSW_VT_I16, 0}, {"status_eq", PSW_VT_I8, 0}, {"eq_count", PSW_VT_I8, 0},
            {"eq_m", PSW_VT_F64, 1},      {"eq_det", PSW_VT_F64, 1},      {"eq_stable", PSW_VT_I8, 1}};

static void same_vars(const char *a, const char *b, long npoints) {
  psw_h5in *x = NULL, *y = NULL;
  CHECK(psw_h5in_open(a, &x) == PSW_OK, "%s", psw_err_msg());
  CHECK(psw_h5in_open(b, &y) == PSW_OK, "%s", psw_err_msg());
  size_t cap = (size_t)npoints * 9 * 8;
  unsigned char *bx = malloc(cap), *by = malloc(cap);
  CHECK(bx && by, "out of memory");
  for (size_t v = 0; v < sizeof VARS / sizeof VARS[0]; ++v) {
    memset(bx, 0, cap);
    memset(by, 0xff, cap);
    CHECK(psw_h5in_read(x, VARS[v].name, VARS[v].t, VARS[v].eq, 0, npoints, bx) == PSW_OK, "%s",
          psw_err_msg());
    CHECK(psw_h5in_read(y, VARS[v].name, VARS[v].t, VARS[v].eq, 0, npoints, by) == PSW_OK, "%s",
          psw_err_msg());
    size_t es = VARS[v].t == PSW_VT_F64 ? 8 : VARS[v].t == PSW_VT_I16 ? 2 : 1;
    size_t n = (size_t)npoints * es * (VARS[v].eq ? 9 : 1);
    CHECK(memcmp(bx, by, n) == 0, "%s differs between %s and %s", VARS[v].name, a, b);
  }
  free(bx), free(by);
  psw_h5in_close(&x);
  psw_h5in_close(&y);
}

static psw_run_stats run(const psw_config *cfg, MPI_Comm comm, const char *out, long batch,
                         int threads, int resume, int overwrite) {
  psw_run_opts o;
  memset(&o, 0, sizeof o);
  o.out_path = out;
  o.batch = batch;
  o.threads = threads;
  o.resume = resume;
  o.overwrite = overwrite;
  o.quiet = 1;
  o.progress_interval = 10;
  o.checkpoint_interval = 0; /* a checkpoint every round */
  o.comm = comm;
  psw_run_stats st;
  psw_err e = psw_sweep_run(cfg, &o, &st);
  CHECK(e == PSW_OK, "run %s: %s", out, psw_err_msg());
  return st;
}

int main(int argc, char **argv) {
  int provided;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &nranks);
  CHECK(nranks == 2, "run me on 2 ranks (got %d)", nranks);
  CHECK(provided >= MPI_THREAD_FUNNELED, "thread level %d", provided);

  if (rank == 0) /* the working directory persists between runs */
    for (const char *const *p = (const char *const[]){"io.nc", "two.nc", "one.nc", "stop.nc",
                                                       "stop.nc.partial", "stop.nc.partial.ckpt",
                                                       "stop.nc.partial.new", NULL};
         *p; ++p)
      (void)unlink(*p);
  MPI_Barrier(MPI_COMM_WORLD);
  test_io();

  if (rank == 0) {
    FILE *f = fopen("sweep.yaml", "w");
    CHECK(f && fputs(CONFIG, f) >= 0 && fclose(f) == 0, "cannot write sweep.yaml");
  }
  MPI_Barrier(MPI_COMM_WORLD);
  psw_config cfg;
  memset(&cfg, 0, sizeof cfg);
  CHECK(psw_config_load("sweep.yaml", &cfg) == PSW_OK, "%s", psw_err_msg());
  long N = psw_config_npoints(&cfg);

  psw_run_stats s = run(&cfg, MPI_COMM_WORLD, "two.nc", 500, 1, 0, 1);
  CHECK(s.complete && !s.stopped && s.points == N, "two ranks: complete %d points %ld", s.complete,
        s.points);
  long work[2] = {s.computed, 0}, all[2];
  MPI_Allreduce(work, all, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  CHECK(all[0] == N, "the ranks computed %ld points, not %ld", all[0], N);
  if (rank == 0) {
    s = run(&cfg, MPI_COMM_SELF, "one.nc", 700, 2, 0, 1);
    CHECK(s.complete && s.computed == N, "one rank: %ld points", s.computed);
    same_vars("two.nc", "one.nc", N);
    printf("ok 2 - 2 ranks x 1 thread (units of 500) = 1 rank x 2 threads (units of 700), bit for bit\n");
  }
  MPI_Barrier(MPI_COMM_WORLD);

  if (rank == 1) psw_sweep_stop_signal = 1; /* as if SIGTERM reached rank 1 only */
  s = run(&cfg, MPI_COMM_WORLD, "stop.nc", 200, 1, 0, 1);
  psw_sweep_stop_signal = 0;
  CHECK(s.stopped && !s.complete, "rank %d: stopped %d complete %d", rank, s.stopped, s.complete);
  CHECK(s.points < N, "stopped with %ld of %ld points", s.points, N);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    CHECK(exists("stop.nc.partial") && exists("stop.nc.partial.ckpt") && !exists("stop.nc"),
          "after the stop: OUT.partial and its checkpoint, no OUT");
    printf("ok 3 - a stop signal on rank 1 stops both ranks after a checkpoint (%ld of %ld points)\n",
           s.points, N);
  }
  s = run(&cfg, MPI_COMM_WORLD, "stop.nc", 0, 1, 1, 0);
  CHECK(s.complete && s.points == N, "resume: complete %d, %ld points", s.complete, s.points);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    CHECK(exists("stop.nc") && !exists("stop.nc.partial") && !exists("stop.nc.partial.ckpt"),
          "after the resume: OUT only");
    same_vars("two.nc", "stop.nc", N);
    printf("ok 4 - --resume on 2 ranks completes it, bit for bit equal to the uninterrupted run\n");
  }
  psw_config_fini(&cfg);
  MPI_Finalize();
  return 0;
}
