/* platsweep command line: the only file that calls exit(). */
#define _GNU_SOURCE
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "app/app.h"
#include "platsweep/point.h"
#include "platsweep/solver.h"
#include "platsweep/version.h"

#include <hdf5.h>
#include <mpi.h>

static const char *usage_main =
    "usage: platsweep COMMAND [ARGS]\n"
    "\n"
    "Maps the economics of two-sided platforms (Kijima & Arai 2016; Armstrong 2006).\n"
    "\n"
    "commands:\n"
    "  run CONFIG [-o OUT] [--overwrite] [--threads N] [-q|-v]\n"
    "                       run a sweep, write a netCDF-4/HDF5 file\n"
    "  plan CONFIG [--ranks R] [--threads T]\n"
    "                       validate a config, print points, sizes, estimated time\n"
    "  point [KEY=VALUE ...] [--problems A,B] [--solver PROBLEM=NAME] [--json]\n"
    "                       solve one parameter point and print a report (or JSON)\n"
    "  solvers              list the registered solver variants\n"
    "  bench [OPTIONS]      benchmark the solver variants (see platsweep bench --help)\n"
    "  --version            version, git describe, compiler, MPI, HDF5, OpenMP\n"
    "  --help               this text; `platsweep COMMAND --help` for a command\n"
    "\n"
    "exit codes: 0 success, 1 failure, 64 usage, 66 input missing, 73/74 output,\n"
    "            75 stopped after a checkpoint, 78 invalid config\n";

static const char *usage_point =
    "usage: platsweep point [KEY=VALUE ...] [--problems A,B] [--solver PROBLEM=NAME] [--json]\n"
    "\n"
    "Solve one point. KEYs are SPEC parameter names:\n"
    "  a b            cross-side benefits (required)\n"
    "  c d            platform cost per customer, per provider (required)\n"
    "  e_m e_n        intra-side benefits (default 0)\n"
    "  f g            fees, for the equilibrium problem\n"
    "  customers.family, providers.family   linear uniform exponential expgrowth logit probit\n"
    "                 power (default logit); then the family's parameters, e.g.\n"
    "                 customers.mu=0 customers.s=1 customers.M=1\n"
    "                   linear {alpha, beta, M}   uniform {lo, hi, M}   exponential {u0, s, M}\n"
    "                   expgrowth {A, s, M}       logit {mu, s, M}      probit {mu, sigma, M}\n"
    "                   power {A, kappa, u0, M}\n"
    "                 Defaults: M = 1, locations 0 (uniform hi = 1), scales and shapes 1.\n"
    "\n"
    "options:\n"
    "  --problems A,B         optimum, equilibrium (default: optimum, plus equilibrium\n"
    "                         when f and g are given)\n"
    "  --solver PROBLEM=NAME  pick a variant (see `platsweep solvers`), e.g. optimum=reference\n"
    "  --json                 one JSON object keyed by the output variable names\n"
    "\n"
    "example:\n"
    "  platsweep point a=1 b=2 c=0.5 d=0.5 customers.s=0.5 providers.s=1\n";

int main(int argc, char **argv) {
  psw_init();
#ifdef __GLIBC__
  /* Keep large blocks on the heap and the heap from shrinking. HDF5's deflate allocates
   * and frees a chunk-sized buffer per chunk written, the reference path's scans their
   * node arrays: above glibc's mmap threshold each is an mmap/munmap pair, and trimming
   * the heap top is a brk call and a TLB flush, with fresh page faults after. Measured:
   * the writing share of configs/million.yaml 13% -> 8%; bench spent 30% in the kernel. */
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
#endif
  if (argc < 2) {
    fputs("platsweep: missing command (try platsweep --help)\n", stderr);
    return PSW_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage_main, stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version")) {
#ifdef _OPENMP
    int omp = _OPENMP;
#else
    int omp = 0;
#endif
    char mpi[MPI_MAX_LIBRARY_VERSION_STRING] = "?";
    int mlen = 0, mv = 0, ms = 0;
    MPI_Get_library_version(mpi, &mlen); /* both callable before MPI_Init */
    MPI_Get_version(&mv, &ms);
    char *nl = strpbrk(mpi, "\r\n");
    if (nl) *nl = '\0';
    unsigned h1 = 0, h2 = 0, h3 = 0;
    H5get_libversion(&h1, &h2, &h3);
    printf("platsweep %s (%s)\ncompiler: %s\nbuild: %s\nOpenMP: %d\nMPI: %s (standard %d.%d)\n"
           "HDF5: %u.%u.%u (parallel)\n",
           PSW_VERSION, PSW_GIT_DESCRIBE, PSW_COMPILER, PSW_BUILD_TYPE, omp, mpi, mv, ms, h1, h2, h3);
    return 0;
  }
  if (!strcmp(cmd, "point")) {
    for (int i = 2; i < argc; ++i)
      if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
        fputs(usage_point, stdout);
        return 0;
      }
    return app_point(argc - 2, argv + 2);
  }
  if (!strcmp(cmd, "solvers")) {
    if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
      puts("usage: platsweep solvers\n\nList the registered solver variants, the problems "
           "each solves, and the defaults.");
      return 0;
    }
    return app_solvers();
  }
  if (!strcmp(cmd, "bench")) return app_bench(argc - 2, argv + 2);
  if (!strcmp(cmd, "run")) return app_run(argc - 2, argv + 2, 0);
  if (!strcmp(cmd, "plan")) return app_run(argc - 2, argv + 2, 1);
  fprintf(stderr, "platsweep: unknown command '%s' (try platsweep --help)\n", cmd);
  return PSW_EXIT_USAGE;
}
