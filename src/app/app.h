/* Private to the CLI. */
#ifndef PSW_APP_H
#define PSW_APP_H

/* Exit codes (SPEC §7). */
enum {
  PSW_EXIT_OK = 0,
  PSW_EXIT_FAILURE = 1,
  PSW_EXIT_USAGE = 64,
  PSW_EXIT_NOINPUT = 66,
  PSW_EXIT_CANTCREAT = 73,
  PSW_EXIT_IOERR = 74,
  PSW_EXIT_TEMPFAIL = 75,
  PSW_EXIT_CONFIG = 78
};

int app_point(int argc, char **argv);
int app_solvers(void);
int app_bench(int argc, char **argv);
/* run (plan = 0) or plan (plan = 1) */
int app_run(int argc, char **argv, int plan);

#endif
