/* `platsweep point`: one parameter point, a readable report or one JSON object. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "platsweep/point.h"
#include "platsweep/solver.h"

static void json_num(FILE *o, const char *key, double v, int *first) {
  fprintf(o, "%s\"%s\": ", *first ? "" : ", ", key);
  if (isfinite(v))
    fprintf(o, "%.17g", v);
  else
    fputs("null", o);
  *first = 0;
}

static void json_int(FILE *o, const char *key, int v, int *first) {
  fprintf(o, "%s\"%s\": %d", *first ? "" : ", ", key, v);
  *first = 0;
}

static void json_arr(FILE *o, const char *key, const double *v, int n, int *first) {
  fprintf(o, "%s\"%s\": [", *first ? "" : ", ", key);
  for (int i = 0; i < n; ++i) {
    if (i) fputs(", ", o);
    if (isfinite(v[i]))
      fprintf(o, "%.17g", v[i]);
    else
      fputs("null", o);
  }
  fputc(']', o);
  *first = 0;
}

static void json_iarr(FILE *o, const char *key, const int8_t *v, int n, int *first) {
  fprintf(o, "%s\"%s\": [", *first ? "" : ", ", key);
  for (int i = 0; i < n; ++i) fprintf(o, "%s%d", i ? ", " : "", v[i]);
  fputc(']', o);
  *first = 0;
}

static void print_family(const psw_family *fam) {
  printf("%s(", psw_family_name(fam->kind));
  for (int i = 0; i < psw_family_nparams(fam->kind); ++i) {
    psw_family tmp = *fam;
    printf("%s%s=%g", i ? ", " : "", psw_family_param_name(fam->kind, i),
           *psw_family_param_ptr(&tmp, i));
  }
  printf(")");
}

static const char *side_name(int s) {
  return s == PSW_SIDE_ZERO ? "zero (m = 0 face)" : s == PSW_SIDE_CAP ? "cap (full participation)" : "interior";
}

static void report_optimum(const psw_point *p, const psw_opt_result *r, const char *solver) {
  printf("\noptimum (solver %s): %s\n", solver, psw_status_name(r->status));
  if (r->status == PSW_STATUS_INVALID || r->status == PSW_STATUS_NOT_CONVERGED) return;
  printf("  fees            f* = %.10g   g* = %.10g\n", r->f, r->g);
  printf("  participation   m* = %.10g   n* = %.10g\n", r->m, r->n);
  printf("  net benefits    U* = %.10g   V* = %.10g\n", r->U, r->V);
  printf("  profit          P* = %.10g\n", r->P);
  printf("  sides           customers %s, providers %s\n", side_name(r->side_m),
         side_name(r->side_n));
  if (isfinite(r->soc_q1))
    printf("  second order    q1 = %.6g   q = %.6g   (strict maximum needs both > 0)\n",
           r->soc_q1, r->soc_q);
  if (isfinite(r->h_m))
    printf("  markups         F/F' = h_m = %.10g   G/G' = h_n = %.10g\n", r->h_m, r->h_n);
  printf("  Proposition 1   customers below cost: %s (f* - c = %.6g)", r->below_cost_m ? "yes" : "no",
         r->f - p->c);
  if (isfinite(r->h_m))
    printf("; external benefit b n* + e_m m* = %.6g %s markup h_m = %.6g",
           p->b * r->n + p->e_m * r->m, p->b * r->n + p->e_m * r->m > r->h_m ? ">" : "<=", r->h_m);
  printf("\n                  providers below cost: %s (g* - d = %.6g)", r->below_cost_n ? "yes" : "no",
         r->g - p->d);
  if (isfinite(r->h_n))
    printf("; external benefit a m* + e_n n* = %.6g %s markup h_n = %.6g",
           p->a * r->m + p->e_n * r->n, p->a * r->m + p->e_n * r->n > r->h_n ? ">" : "<=", r->h_n);
  printf("\n");
  if (isfinite(r->h_m))
    printf("  Proposition 2   markups over opportunity cost: f* - (c - b n*) = %.6g (F'/F = %.6g), "
           "g* - (d - a m*) = %.6g (G'/G = %.6g)\n",
           r->f - (p->c - p->b * r->n - p->e_m * r->m), 1.0 / r->h_m,
           r->g - (p->d - p->a * r->m - p->e_n * r->n), 1.0 / r->h_n);
  printf("  equilibria at (f*, g*): %d; the selected one is %s (det(I-A) = %.6g)\n", r->n_eq,
         r->eq_stable == 1 ? "stable" : "unstable", r->eq_det);
  printf("  iterations      %d\n", r->iter);
}

static void report_equilibrium(const psw_point *p, const psw_eq_result *r, const char *solver) {
  printf("\nequilibria at f = %g, g = %g (solver %s): %s, %d found\n", p->f, p->g, solver,
         psw_status_name(r->status), r->count);
  for (int i = 0; i < r->count; ++i)
    printf("  %d: m = %-14.10g n = %-14.10g U = %-12.8g V = %-12.8g det(I-A) = %-10.4g %s\n",
           i + 1, r->m[i], r->n[i], r->U[i], r->V[i], r->det[i],
           r->stable[i] == 1 ? "stable" : "unstable");
  printf("  iterations      %d\n", r->iter);
}

int app_point(int argc, char **argv) {
  psw_point pt;
  psw_point_init(&pt, PSW_FAMILY_LOGIT, PSW_FAMILY_LOGIT);
  int json = 0, want[PSW_PROBLEM_COUNT] = {0, 0}, explicit_problems = 0;
  const char *solver[PSW_PROBLEM_COUNT] = {psw_solver_default(PSW_PROBLEM_OPTIMUM),
                                           psw_solver_default(PSW_PROBLEM_EQUILIBRIUM)};
  /* families first, so that their parameters land in the right slots */
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < argc; ++i) {
      const char *arg = argv[i];
      if (arg[0] == '-' && arg[1] == '-') {
        if (pass == 1) {
          if (!strcmp(arg, "--problems") || !strcmp(arg, "--solver")) ++i; /* skip the value */
          continue;
        }
        if (!strcmp(arg, "--json")) {
          json = 1;
        } else if (!strcmp(arg, "--problems") && i + 1 < argc) {
          explicit_problems = 1;
          char buf[256];
          snprintf(buf, sizeof buf, "%s", argv[++i]);
          for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
            if (!strcmp(tok, "optimum"))
              want[PSW_PROBLEM_OPTIMUM] = 1;
            else if (!strcmp(tok, "equilibrium"))
              want[PSW_PROBLEM_EQUILIBRIUM] = 1;
            else {
              fprintf(stderr, "platsweep point: --problems: unknown problem '%s' (valid: optimum, "
                              "equilibrium)\n", tok);
              return PSW_EXIT_USAGE;
            }
          }
        } else if (!strcmp(arg, "--solver") && i + 1 < argc) {
          const char *spec = argv[++i];
          const char *eq = strchr(spec, '=');
          int prob = -1;
          if (eq && !strncmp(spec, "optimum", (size_t)(eq - spec)) && eq - spec == 7)
            prob = PSW_PROBLEM_OPTIMUM;
          if (eq && !strncmp(spec, "equilibrium", (size_t)(eq - spec)) && eq - spec == 11)
            prob = PSW_PROBLEM_EQUILIBRIUM;
          if (prob < 0) {
            fprintf(stderr, "platsweep point: --solver '%s': need PROBLEM=NAME, e.g. "
                            "optimum=reference\n", spec);
            return PSW_EXIT_USAGE;
          }
          solver[prob] = eq + 1;
        } else if (!strcmp(arg, "--config")) {
          fprintf(stderr, "platsweep point: --config is not available yet (configs arrive with "
                          "sweeps); give KEY=VALUE pairs\n");
          return PSW_EXIT_USAGE;
        } else {
          fprintf(stderr, "platsweep point: unknown option '%s' (see platsweep point --help)\n",
                  arg);
          return PSW_EXIT_USAGE;
        }
        continue;
      }
      const char *eq = strchr(arg, '=');
      if (!eq) {
        if (pass == 0) {
          fprintf(stderr, "platsweep point: '%s' is not KEY=VALUE (see platsweep point --help)\n",
                  arg);
          return PSW_EXIT_USAGE;
        }
        continue;
      }
      char key[128];
      size_t kl = (size_t)(eq - arg);
      if (kl >= sizeof key) kl = sizeof key - 1;
      memcpy(key, arg, kl);
      key[kl] = '\0';
      int is_family = !strcmp(key, "customers.family") || !strcmp(key, "providers.family");
      if (is_family != (pass == 0)) continue;
      if (psw_point_set(&pt, key, eq + 1) != PSW_OK) {
        fprintf(stderr, "platsweep point: %s\n", psw_err_msg());
        return PSW_EXIT_USAGE;
      }
    }
  if (!explicit_problems) {
    want[PSW_PROBLEM_OPTIMUM] = 1;
    want[PSW_PROBLEM_EQUILIBRIUM] = !isnan(pt.f) && !isnan(pt.g);
  }
  static const char *required[] = {"a", "b", "c", "d"};
  for (size_t i = 0; i < 4; ++i)
    if (isnan(*psw_point_param(&pt, required[i]))) {
      fprintf(stderr, "platsweep point: missing required parameter '%s'\n", required[i]);
      return PSW_EXIT_USAGE;
    }
  if (want[PSW_PROBLEM_EQUILIBRIUM] && (isnan(pt.f) || isnan(pt.g))) {
    fprintf(stderr, "platsweep point: the equilibrium problem needs fees f and g\n");
    return PSW_EXIT_USAGE;
  }
  const psw_solver_ops *ops[PSW_PROBLEM_COUNT] = {NULL, NULL};
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (want[p] && psw_solver_find(solver[p], (psw_problem)p, &ops[p]) != PSW_OK) {
      fprintf(stderr, "platsweep point: %s\n", psw_err_msg());
      return PSW_EXIT_USAGE;
    }
  char why[256];
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (want[p] && psw_point_check(&pt, (psw_problem)p, why, sizeof why) != 0 && !json)
      fprintf(stderr, "platsweep point: invalid point: %s\n", why);

  psw_solver_opts opts;
  psw_solver_opts_default(&opts);
  psw_opt_result opt;
  psw_eq_result eq;
  if (want[PSW_PROBLEM_OPTIMUM]) ops[PSW_PROBLEM_OPTIMUM]->solve_optimum(&opts, 1, &pt, &opt);
  if (want[PSW_PROBLEM_EQUILIBRIUM])
    ops[PSW_PROBLEM_EQUILIBRIUM]->solve_equilibrium(&opts, 1, &pt, &eq);

  if (json) {
    int first = 1;
    FILE *o = stdout;
    fputc('{', o);
    if (want[PSW_PROBLEM_OPTIMUM]) {
      const psw_opt_result *r = &opt;
      json_num(o, "f_opt", r->f, &first);
      json_num(o, "g_opt", r->g, &first);
      json_num(o, "m_opt", r->m, &first);
      json_num(o, "n_opt", r->n, &first);
      json_num(o, "U_opt", r->U, &first);
      json_num(o, "V_opt", r->V, &first);
      json_num(o, "P_opt", r->P, &first);
      json_int(o, "status_opt", r->status, &first);
      json_int(o, "side_m", r->side_m, &first);
      json_int(o, "side_n", r->side_n, &first);
      json_num(o, "soc_q1", r->soc_q1, &first);
      json_num(o, "soc_q", r->soc_q, &first);
      json_num(o, "h_m", r->h_m, &first);
      json_num(o, "h_n", r->h_n, &first);
      json_int(o, "below_cost_m", r->below_cost_m, &first);
      json_int(o, "below_cost_n", r->below_cost_n, &first);
      json_int(o, "eq_stable_opt", r->eq_stable, &first);
      json_num(o, "eq_det_opt", r->eq_det, &first);
      json_int(o, "n_eq_opt", r->n_eq, &first);
      json_int(o, "iter_optimum", r->iter, &first);
    }
    if (want[PSW_PROBLEM_EQUILIBRIUM]) {
      const psw_eq_result *r = &eq;
      int c = r->count > 0 ? r->count : 0;
      json_int(o, "status_eq", r->status, &first);
      json_int(o, "eq_count", r->count, &first);
      json_arr(o, "eq_m", r->m, c, &first);
      json_arr(o, "eq_n", r->n, c, &first);
      json_arr(o, "eq_U", r->U, c, &first);
      json_arr(o, "eq_V", r->V, c, &first);
      json_arr(o, "eq_det", r->det, c, &first);
      json_iarr(o, "eq_stable", r->stable, c, &first);
      json_int(o, "iter_equilibrium", r->iter, &first);
    }
    fputs("}\n", o);
    return PSW_EXIT_OK;
  }
  printf("customers: ");
  print_family(&pt.cust);
  printf("\nproviders: ");
  print_family(&pt.prov);
  printf("\na = %g, b = %g, c = %g, d = %g, e_m = %g, e_n = %g\n", pt.a, pt.b, pt.c, pt.d, pt.e_m,
         pt.e_n);
  if (want[PSW_PROBLEM_OPTIMUM]) report_optimum(&pt, &opt, ops[PSW_PROBLEM_OPTIMUM]->name);
  if (want[PSW_PROBLEM_EQUILIBRIUM])
    report_equilibrium(&pt, &eq, ops[PSW_PROBLEM_EQUILIBRIUM]->name);
  return PSW_EXIT_OK;
}

int app_solvers(void) {
  printf("%-12s %-22s %s\n", "variant", "problems", "description");
  for (int i = 0; i < psw_solver_count(); ++i) {
    const psw_solver_ops *s = psw_solver_get(i);
    char probs[64] = "";
    for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
      if (s->problems & (1u << p)) {
        size_t l = strlen(probs);
        int dflt = !strcmp(psw_solver_default((psw_problem)p), s->name);
        snprintf(probs + l, sizeof probs - l, "%s%s%s", l ? "," : "", psw_problem_name((psw_problem)p),
                 dflt ? "*" : "");
      }
    printf("%-12s %-22s %s\n", s->name, probs, s->description);
  }
  printf("(* = default for that problem)\n");
  return PSW_EXIT_OK;
}
