/* A program outside the platsweep tree, built against an installed platsweep by
 * tests/install/install.sh: once with find_package(platsweep), once with pkg-config. */
#include <stdio.h>

#include "platsweep/err.h"
#include "platsweep/family.h"
#include "platsweep/sweep.h" /* includes <mpi.h>: the include paths must provide it */
#include "platsweep/version.h"

int main(void) {
  /* Logit, mu = 0, s = 1, M = 1: F(0) = 1/2, F'(0) = 1/4, h(0) = F/F' = 2. */
  psw_family fam = {.kind = PSW_FAMILY_LOGIT, .p = {0.0, 1.0, 0.0}, .M = 1.0};
  char why[128];
  if (psw_family_check(&fam, why, sizeof why) != 0) {
    fprintf(stderr, "consumer: invalid family: %s\n", why);
    return 1;
  }
  double F = 0.0, Fp = 0.0, h = 0.0;
  psw_family_eval(&fam, 0.0, &F, &Fp, &h, NULL);

  /* Referencing the sweep driver pulls the config, HDF5, MPI and deflate objects of the
   * static library into the link, so a missing dependency fails here rather than later. */
  psw_err (*volatile run)(const psw_config *, const psw_run_opts *, psw_run_stats *) =
      psw_sweep_run;

  printf("platsweep %s %s F=%.6f Fp=%.6f h=%.6f err=\"%s\" driver=%s\n", PSW_VERSION,
         psw_family_name(fam.kind), F, Fp, h, psw_err_str(PSW_ERR_CONFIG),
         run != NULL ? "linked" : "missing");
  return 0;
}
