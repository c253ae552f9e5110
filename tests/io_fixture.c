/* Writes the sample files that tests/cli/test_io_readers.py opens with ncdump, xarray and h5py.
 *
 *   io_fixture grid  OUT [COMPRESSION]   dims a(4) b(3) providers_s(2) (+ eq); points 5..7
 *                                        left unwritten (NaN / -1 when read)
 *   io_fixture point OUT [COMPRESSION]   dim point(10): a, b, P_opt, status_opt
 *
 * The values are simple functions of the point index p (C order) that the Python test
 * recomputes: P_opt = 1000 + p + 0.25, status_opt = p % 6, iter_optimum = 100 + p,
 * eq_m[p][j] = 10 p + j for j < p % 4 (NaN after), eq_stable[p][j] = j % 2 (-1 after).
 * A plain program: no MPI_Init (the sec2 driver of parallel HDF5 does not need it).
 * Exit 0, or 1 with psw_err_msg() on stderr. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platsweep/io.h"

#define NAN_D ((double)NAN)

static const char *const flag_meanings =
    "ok corner no_interior_optimum degenerate not_converged invalid";

static int fail(psw_h5out **h) {
  fprintf(stderr, "io_fixture: %s\n", psw_err_msg());
  psw_h5out_abort(h);
  return 1;
}

/* Write points [p0, p1) of every variable of the grid file, in batches of `batch`. */
static psw_err write_grid(psw_h5out *h, long p0, long p1, long batch) {
  enum { MAXB = 16 };
  double P[MAXB], eqm[MAXB][9];
  int8_t st[MAXB], eqs[MAXB][9];
  int16_t it[MAXB];
  for (long s = p0; s < p1; s += batch) {
    long n = p1 - s < batch ? p1 - s : batch;
    for (long i = 0; i < n; ++i) {
      long p = s + i;
      P[i] = 1000.0 + (double)p + 0.25;
      st[i] = (int8_t)(p % 6);
      it[i] = (int16_t)(100 + p);
      for (int j = 0; j < 9; ++j) {
        int used = j < p % 4;
        eqm[i][j] = used ? 10.0 * (double)p + j : NAN_D;
        eqs[i][j] = (int8_t)(used ? j % 2 : -1);
      }
    }
    PSW_TRY(psw_h5out_write(h, 0, s, n, P));
    PSW_TRY(psw_h5out_write(h, 1, s, n, st));
    PSW_TRY(psw_h5out_write(h, 2, s, n, it));
    PSW_TRY(psw_h5out_write(h, 3, s, n, eqm));
    PSW_TRY(psw_h5out_write(h, 4, s, n, eqs));
  }
  return PSW_OK;
}

static int grid(const char *out, int compression) {
  static const double a[] = {0.5, 1.0, 1.5, 2.0}, b[] = {0.0, 1.5, 3.0}, ps[] = {0.2, 1.0};
  const psw_h5_dim dims[] = {
      {"a", 4, a, "1", "customers' benefit per provider"},
      {"b", 3, b, "1", "providers' benefit per customer"},
      {"providers_s", 2, ps, "1", "providers: logit spread s"},
  };
  const psw_h5_var vars[] = {
      {"P_opt", PSW_VT_F64, 0, "1", "platform profit at the optimum", NULL},
      {"status_opt", PSW_VT_I8, 0, NULL, "optimum status", flag_meanings},
      {"iter_optimum", PSW_VT_I16, 0, "1", "solver iterations (optimum)", NULL},
      {"eq_m", PSW_VT_F64, 1, "1", "customer participation at each equilibrium", NULL},
      {"eq_stable", PSW_VT_I8, 1, NULL, "equilibrium is stable", "unstable stable"},
  };
  const psw_h5_attr attrs[] = {
      {"title", "platsweep io fixture: θ ≥ 0 — UTF-8"},
      {"config", "axes:\n  a: [0.5, 1.0, 1.5, 2.0]\n  b: [0, 1.5, 3]\n"},
      {"source", "platsweep io_fixture"},
  };
  psw_h5out *h = NULL;
  if (psw_h5out_create(out, 3, dims, 5, vars, 3, attrs, compression, 0, &h) != PSW_OK ||
      write_grid(h, 0, 5, 3) != PSW_OK || psw_h5out_flush(h) != PSW_OK ||
      write_grid(h, 8, 24, 7) != PSW_OK || psw_h5out_close(&h) != PSW_OK)
    return fail(&h);
  return 0;
}

static int point(const char *out, int compression) {
  enum { N = 10 };
  const psw_h5_dim dims[] = {{"point", N, NULL, NULL, "sample index"}};
  const psw_h5_var vars[] = {
      {"a", PSW_VT_F64, 0, "1", "customers' benefit per provider", NULL},
      {"b", PSW_VT_F64, 0, "1", "providers' benefit per customer", NULL},
      {"P_opt", PSW_VT_F64, 0, "1", "platform profit at the optimum", NULL},
      {"status_opt", PSW_VT_I8, 0, NULL, "optimum status", flag_meanings},
  };
  double va[N], vb[N], P[N];
  int8_t st[N];
  for (int p = 0; p < N; ++p) {
    va[p] = 0.1 * p;
    vb[p] = 3.0 - 0.2 * p;
    P[p] = 1000.0 + p + 0.25;
    st[p] = (int8_t)(p % 6);
  }
  psw_h5out *h = NULL;
  if (psw_h5out_create(out, 1, dims, 4, vars, 0, NULL, compression, 0, &h) != PSW_OK)
    return fail(&h);
  for (int s = 0; s < N; s += 4) { /* batches of 4, 4, 2 */
    int n = N - s < 4 ? N - s : 4;
    if (psw_h5out_write(h, 0, s, n, va + s) != PSW_OK ||
        psw_h5out_write(h, 1, s, n, vb + s) != PSW_OK ||
        psw_h5out_write(h, 2, s, n, P + s) != PSW_OK ||
        psw_h5out_write(h, 3, s, n, st + s) != PSW_OK)
      return fail(&h);
  }
  if (psw_h5out_close(&h) != PSW_OK)
    return fail(&h);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4 || (strcmp(argv[1], "grid") != 0 && strcmp(argv[1], "point") != 0)) {
    fprintf(stderr, "usage: io_fixture grid|point OUT [COMPRESSION]\n");
    return 64;
  }
  int compression = argc == 4 ? atoi(argv[3]) : 4;
  return strcmp(argv[1], "grid") == 0 ? grid(argv[2], compression) : point(argv[2], compression);
}
