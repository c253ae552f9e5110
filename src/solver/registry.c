/* The registered solver variants, listed once (STYLE §5). */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "solver/solver_impl.h"

static const psw_solver_ops *const variants[] = {
    &psw_solver_newton,
    &psw_solver_bracket,
    &psw_solver_reference,
    &psw_solver_fixed_point,
};

int psw_solver_count(void) { return (int)(sizeof variants / sizeof variants[0]); }

const psw_solver_ops *psw_solver_get(int i) {
  return i >= 0 && i < psw_solver_count() ? variants[i] : NULL;
}

const char *psw_solver_default(psw_problem problem) {
  return problem == PSW_PROBLEM_EQUILIBRIUM ? "bracket" : "newton";
}

psw_err psw_solver_find(const char *name, psw_problem problem, const psw_solver_ops **out) {
  char valid[256] = "";
  for (int i = 0; i < psw_solver_count(); ++i) {
    if (!(variants[i]->problems & (1u << problem))) continue;
    if (strcmp(variants[i]->name, name) == 0) {
      *out = variants[i];
      return PSW_OK;
    }
    size_t len = strlen(valid);
    snprintf(valid + len, sizeof valid - len, "%s%s", len ? ", " : "", variants[i]->name);
  }
  return psw_err_set(PSW_ERR_CONFIG, __FILE__, __LINE__,
                     "unknown %s solver '%s' (valid: %s)", psw_problem_name(problem), name,
                     valid);
}

void psw_solver_opts_default(psw_solver_opts *o) {
  o->tol = 1e-12;
  o->max_iter = 100;
}

void psw_init(void) { gsl_set_error_handler_off(); }
