/* `platsweep run` and `platsweep plan`. */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <signal.h>
#ifdef __GLIBC__
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "platsweep/config.h"
#include "platsweep/sweep.h"

static const char *usage_run =
    "usage: platsweep run CONFIG [-o OUT] [--resume] [--overwrite] [--threads N] [-q|-v]\n"
    "                     [--log-level L] [--progress-interval S] [--batch N]\n"
    "                     [--checkpoint-interval S]\n"
    "       mpirun -np R platsweep run CONFIG ...     (or srun: R ranks, one file)\n"
    "\n"
    "Run the sweep of CONFIG (YAML or JSON, see docs/user-guide.md) and write a\n"
    "netCDF-4/HDF5 file (output.path, or OUT): OUT.partial while running, renamed when done.\n"
    "Under mpirun/srun the ranks share the work (claimed unit by unit) and write the file\n"
    "together; the variables are the same bit for bit for any ranks x threads.\n"
    "  -o OUT                 output path (overrides output.path)\n"
    "  --resume               continue an interrupted run from OUT.partial and its checkpoint\n"
    "                         record OUT.partial.ckpt (same config and version only); starts\n"
    "                         afresh when there is none; does nothing when OUT is complete\n"
    "  --overwrite            replace an existing output (or checkpoint)\n"
    "  --threads N            OpenMP threads (default OMP_NUM_THREADS, else all cores)\n"
    "  -q, --quiet            no progress; -v more detail\n"
    "  --log-level L          error, warn, info (default), debug\n"
    "  --progress-interval S  seconds between progress lines when stderr is not a terminal\n"
    "                         (default 10; a terminal gets one live line)\n"
    "  --batch N              points per work unit = output chunk (default 16384, at most\n"
    "                         1048576); a resumed run keeps the unit of its checkpoint\n"
    "  --checkpoint-interval S  seconds between checkpoints (default 60)\n"
    "signals: SIGTERM, SIGUSR1 (Slurm's warning before the time limit) and SIGINT stop every\n"
    "         rank after the unit in hand, write a checkpoint and exit 75\n"
    "exit codes: 0 done, 64 usage, 66 config or CSV missing, 73 cannot create output,\n"
    "            74 write error, 75 stopped after a checkpoint (run again with --resume),\n"
    "            78 invalid config or a checkpoint of another config/version\n";

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

static void on_stop(int sig) {
  (void)sig;
  psw_sweep_stop_signal = 1;
}

/* `run` proper: MPI up (FUNNELED), signal handlers, the sweep, the report, MPI down. */
static int run_mpi(const psw_config *cfg, psw_run_opts *o, int argc, char **argv) {
  int provided = 0, rank = 0, size = 1;
  if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    fprintf(stderr, "platsweep run: MPI_Init_thread failed\n");
    return PSW_EXIT_FAILURE;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int rc = PSW_EXIT_OK;
  const char *slurm = getenv("SLURM_NTASKS");
  if (provided < MPI_THREAD_FUNNELED) {
    if (rank == 0)
      fprintf(stderr, "platsweep run: the MPI library gives thread level %d; FUNNELED (%d) is "
                      "needed for OpenMP threads\n", provided, MPI_THREAD_FUNNELED);
    rc = PSW_EXIT_FAILURE;
  } else if (slurm && atol(slurm) > 1 && size == 1) {
    fprintf(stderr, "platsweep run: SLURM_NTASKS=%s but this is a single MPI rank: a broken launch "
                    "(run it with srun, or mpirun from an MPI built with Slurm support); refusing "
                    "to run %s tasks that would each write the whole sweep\n", slurm, slurm);
    rc = PSW_EXIT_USAGE;
  }
  if (rc != PSW_EXIT_OK) {
    MPI_Finalize();
    return rc;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  char cmdline[1024] = "platsweep run";
  for (int i = 0; i < argc; ++i) {
    size_t l = strlen(cmdline);
    snprintf(cmdline + l, sizeof cmdline - l, " %s", argv[i]);
  }
  o->command_line = cmdline;
  o->comm = MPI_COMM_WORLD;
  if (rank != 0) o->quiet = 1;
  psw_run_stats st;
  psw_err e = psw_sweep_run(cfg, o, &st);
  const char *out = o->out_path ? o->out_path : cfg->out_path;
  if (e != PSW_OK) {
    if (rank == 0) fprintf(stderr, "platsweep run: %s\n", psw_err_msg());
    rc = e == PSW_ERR_IO ? (st.points == 0 ? PSW_EXIT_CANTCREAT : PSW_EXIT_IOERR)
         : e == PSW_ERR_CONFIG ? PSW_EXIT_CONFIG
                               : PSW_EXIT_FAILURE;
  } else if (st.stopped) {
    if (rank == 0)
      fprintf(stderr, "platsweep run: stopped on a signal after a checkpoint (%ld of %ld points "
                      "in %s.partial): run again with --resume\n", st.points,
              psw_config_npoints(cfg), out);
    rc = PSW_EXIT_TEMPFAIL;
  } else if (!o->quiet && st.seconds > 0 && st.complete && st.computed + st.copied + st.points > 0) {
    fprintf(stderr, "platsweep run: wrote %s: %ld points in %.3g s (%.4g points/s, %.1f%% writing)\n",
            out, st.points, st.seconds, st.points / st.seconds, 100.0 * st.write_seconds / st.seconds);
    static const char *names[] = {"ok", "corner", "no_interior_optimum", "degenerate",
                                  "not_converged", "invalid"};
    for (int p = 0; p < PSW_PROBLEM_COUNT; ++p) {
      if (!(cfg->problems & (1u << p))) continue;
      fprintf(stderr, "  %s:", psw_problem_name((psw_problem)p));
      for (int s = 0; s < 6; ++s)
        if (st.status_count[p][s]) fprintf(stderr, " %s %ld", names[s], st.status_count[p][s]);
      fprintf(stderr, "\n");
    }
  }
  MPI_Finalize();
  return rc;
}

int app_run(int argc, char **argv, int plan) {
  const char *path = NULL;
  psw_run_opts o;
  memset(&o, 0, sizeof o);
  o.progress_interval = 10.0;
  o.checkpoint_interval = 60.0;
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
      if (x > 1048576) {
        fprintf(stderr, "platsweep run: --batch %ld is more than 1048576 points\n", x);
        return PSW_EXIT_USAGE;
      }
      o.batch = x, ++i;
    } else if (!plan && !strcmp(a, "--checkpoint-interval") && v) {
      char *end;
      o.checkpoint_interval = strtod(v, &end);
      if (*end || !(o.checkpoint_interval >= 0) || o.checkpoint_interval > 1e9) {
        fprintf(stderr, "platsweep run: --checkpoint-interval needs seconds >= 0\n");
        return PSW_EXIT_USAGE;
      }
      ++i;
    } else if (!plan && !strcmp(a, "--resume")) {
      o.resume = 1;
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
    rc = run_mpi(&cfg, &o, argc, argv);
  }
  psw_config_fini(&cfg);
  return rc;
}
