/* `platsweep run` and `platsweep plan`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "platsweep/config.h"
#include "platsweep/sweep.h"

static const char *usage_run =
    "usage: platsweep run CONFIG [-o OUT] [--overwrite] [--threads N] [-q|-v]\n"
    "                     [--log-level L] [--progress-interval S] [--batch N]\n"
    "\n"
    "Run the sweep of CONFIG (YAML or JSON, see docs/user-guide.md) and write a\n"
    "netCDF-4/HDF5 file (output.path, or OUT): OUT.partial while running, renamed when done.\n"
    "  -o OUT                 output path (overrides output.path)\n"
    "  --overwrite            replace an existing output\n"
    "  --threads N            OpenMP threads (default OMP_NUM_THREADS, else all cores)\n"
    "  -q, --quiet            no progress; -v more detail\n"
    "  --log-level L          error, warn, info (default), debug\n"
    "  --progress-interval S  seconds between progress lines when stderr is not a terminal\n"
    "                         (default 10; a terminal gets one live line)\n"
    "  --batch N              points per batch, solved by all threads then written as whole\n"
    "                         chunks (default 16384)\n"
    "exit codes: 0 done, 66 config or CSV missing, 73 cannot create output, 74 write error,\n"
    "            78 invalid config, 64 usage\n";

static const char *usage_plan =
    "usage: platsweep plan CONFIG [--ranks R] [--threads T]\n"
    "\n"
    "Validate CONFIG and print the plan: points, dimensions, variables, output size,\n"
    "memory, and the wall time estimated from a short calibration on this machine for\n"
    "R ranks x T threads (core-hours too). Writes nothing.\n";

static int config_exit(psw_err e) {
  return e == PSW_ERR_INPUT ? PSW_EXIT_NOINPUT : e == PSW_ERR_CONFIG ? PSW_EXIT_CONFIG : PSW_EXIT_FAILURE;
}

static int parse_int(const char *opt, const char *v, long min, long *out) {
  char *end;
  long x = v ? strtol(v, &end, 10) : 0;
  if (!v || *end || x < min) {
    fprintf(stderr, "platsweep: %s needs a whole number >= %ld\n", opt, min);
    return -1;
  }
  *out = x;
  return 0;
}

int app_run(int argc, char **argv, int plan) {
  const char *path = NULL;
  psw_run_opts o = {NULL, 0, 0, 0, 0, 10.0, 0, NULL};
  long ranks = 1, x;
  for (int i = 0; i < argc; ++i) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(plan ? usage_plan : usage_run, stdout);
      return 0;
    } else if (!strcmp(a, "--threads")) {
      if (parse_int(a, v, 1, &x)) return PSW_EXIT_USAGE;
      o.threads = (int)x, ++i;
    } else if (plan && !strcmp(a, "--ranks")) {
      if (parse_int(a, v, 1, &x)) return PSW_EXIT_USAGE;
      ranks = x, ++i;
    } else if (!plan && (!strcmp(a, "-o") || !strcmp(a, "--output")) && v) {
      o.out_path = v, ++i;
    } else if (!plan && !strcmp(a, "--overwrite")) {
      o.overwrite = 1;
    } else if (!plan && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
      o.quiet = 1;
    } else if (!plan && !strcmp(a, "-v")) {
      o.verbose = 1;
    } else if (!plan && !strcmp(a, "--log-level") && v) {
      if (!strcmp(v, "error") || !strcmp(v, "warn")) o.quiet = 1;
      else if (!strcmp(v, "debug")) o.verbose = 1;
      else if (strcmp(v, "info")) {
        fprintf(stderr, "platsweep run: --log-level: '%s' is not one of error, warn, info, debug\n", v);
        return PSW_EXIT_USAGE;
      }
      ++i;
    } else if (!plan && !strcmp(a, "--progress-interval") && v) {
      char *end;
      o.progress_interval = strtod(v, &end);
      if (*end || !(o.progress_interval > 0)) {
        fprintf(stderr, "platsweep run: --progress-interval needs seconds > 0\n");
        return PSW_EXIT_USAGE;
      }
      ++i;
    } else if (!plan && !strcmp(a, "--batch")) {
      if (parse_int(a, v, 1, &x)) return PSW_EXIT_USAGE;
      o.batch = x, ++i;
    } else if (!plan && !strcmp(a, "--resume")) {
      fprintf(stderr, "platsweep run: --resume is not available yet (checkpointing arrives with "
                      "the MPI issue)\n");
      return PSW_EXIT_USAGE;
    } else if (a[0] == '-') {
      fprintf(stderr, "platsweep %s: unknown option '%s' (see platsweep %s --help)\n",
              plan ? "plan" : "run", a, plan ? "plan" : "run");
      return PSW_EXIT_USAGE;
    } else if (!path) {
      path = a;
    } else {
      fprintf(stderr, "platsweep %s: one CONFIG only ('%s' is extra)\n", plan ? "plan" : "run", a);
      return PSW_EXIT_USAGE;
    }
  }
  if (!path) {
    fprintf(stderr, "platsweep %s: missing CONFIG (see platsweep %s --help)\n",
            plan ? "plan" : "run", plan ? "plan" : "run");
    return PSW_EXIT_USAGE;
  }
  psw_config cfg;
  memset(&cfg, 0, sizeof cfg);
  psw_err e = psw_config_load(path, &cfg);
  if (e != PSW_OK) {
    fprintf(stderr, "platsweep: %s\n", psw_err_msg());
    psw_config_fini(&cfg);
    return config_exit(e);
  }
  int rc = PSW_EXIT_OK;
  if (cfg.design == PSW_DESIGN_SOBOL && (cfg.n_samples & (cfg.n_samples - 1)) != 0) {
    long p2 = 1;
    while (p2 < cfg.n_samples) p2 <<= 1;
    fprintf(stderr, "platsweep: warning: sobol with %ld points: the sequence is balanced for "
                    "powers of two (e.g. %ld)\n", cfg.n_samples, p2);
  }
  if (plan) {
    e = psw_sweep_plan(&cfg, (int)ranks, o.threads, stdout);
    if (e != PSW_OK) {
      fprintf(stderr, "platsweep plan: %s\n", psw_err_msg());
      rc = e == PSW_ERR_CONFIG ? PSW_EXIT_CONFIG : PSW_EXIT_FAILURE;
    }
  } else {
    char cmdline[1024] = "platsweep run";
    for (int i = 0; i < argc; ++i) {
      size_t l = strlen(cmdline);
      snprintf(cmdline + l, sizeof cmdline - l, " %s", argv[i]);
    }
    o.command_line = cmdline;
    psw_run_stats st = {0, 0.0, 0.0, {{0}}};
    e = psw_sweep_run(&cfg, &o, &st);
    if (e != PSW_OK) {
      fprintf(stderr, "platsweep run: %s\n", psw_err_msg());
      rc = e == PSW_ERR_IO ? (st.points == 0 ? PSW_EXIT_CANTCREAT : PSW_EXIT_IOERR)
           : e == PSW_ERR_CONFIG ? PSW_EXIT_CONFIG
                                 : PSW_EXIT_FAILURE;
    } else if (!o.quiet) {
      const char *out = o.out_path ? o.out_path : cfg.out_path;
      fprintf(stderr, "platsweep run: wrote %s: %ld points in %.3g s (%.4g points/s, %.1f%% writing)\n",
              out, st.points, st.seconds, st.seconds > 0 ? st.points / st.seconds : 0.0,
              st.seconds > 0 ? 100.0 * st.write_seconds / st.seconds : 0.0);
      static const char *names[] = {"ok", "corner", "no_interior_optimum", "degenerate",
                                    "not_converged", "invalid"};
      for (int p = 0; p < PSW_PROBLEM_COUNT; ++p) {
        if (!(cfg.problems & (1u << p))) continue;
        fprintf(stderr, "  %s:", psw_problem_name((psw_problem)p));
        for (int s = 0; s < 6; ++s)
          if (st.status_count[p][s]) fprintf(stderr, " %s %ld", names[s], st.status_count[p][s]);
        fprintf(stderr, "\n");
      }
    }
  }
  psw_config_fini(&cfg);
  return rc;
}
