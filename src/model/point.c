#include "platsweep/point.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *status_names[] = {"ok", "corner", "no_interior_optimum", "degenerate",
                                     "not_converged", "invalid"};

const char *psw_status_name(int status) {
  if (status == PSW_STATUS_FILL) return "fill";
  if (status < 0 || status > PSW_STATUS_INVALID) return "?";
  return status_names[status];
}

const char *psw_problem_name(psw_problem p) {
  switch (p) {
  case PSW_PROBLEM_OPTIMUM:
    return "optimum";
  case PSW_PROBLEM_EQUILIBRIUM:
    return "equilibrium";
  default:
    return "?";
  }
}

static void family_defaults(psw_family *fam, psw_family_kind kind) {
  fam->kind = kind;
  fam->p[0] = fam->p[1] = fam->p[2] = 0.0;
  for (int i = 0; i < psw_family_nparams(kind); ++i)
    *psw_family_param_ptr(fam, i) = psw_family_param_default(kind, i);
}

void psw_point_init(psw_point *pt, psw_family_kind cust, psw_family_kind prov) {
  memset(pt, 0, sizeof *pt);
  pt->a = pt->b = pt->c = pt->d = NAN;
  pt->f = pt->g = NAN;
  pt->e_m = pt->e_n = 0.0;
  family_defaults(&pt->cust, cust);
  family_defaults(&pt->prov, prov);
}

double *psw_point_param(psw_point *pt, const char *key) {
  static const struct {
    const char *name;
    size_t off;
  } top[] = {{"a", offsetof(psw_point, a)},     {"b", offsetof(psw_point, b)},
             {"e_m", offsetof(psw_point, e_m)}, {"e_n", offsetof(psw_point, e_n)},
             {"c", offsetof(psw_point, c)},     {"d", offsetof(psw_point, d)},
             {"f", offsetof(psw_point, f)},     {"g", offsetof(psw_point, g)}};
  for (size_t i = 0; i < sizeof top / sizeof top[0]; ++i)
    if (strcmp(key, top[i].name) == 0) return (double *)((char *)pt + top[i].off);
  psw_family *fam = NULL;
  const char *sub = NULL;
  if (strncmp(key, "customers.", 10) == 0) {
    fam = &pt->cust;
    sub = key + 10;
  } else if (strncmp(key, "providers.", 10) == 0) {
    fam = &pt->prov;
    sub = key + 10;
  }
  if (!fam) return NULL;
  for (int i = 0; i < psw_family_nparams(fam->kind); ++i)
    if (strcmp(sub, psw_family_param_name(fam->kind, i)) == 0) return psw_family_param_ptr(fam, i);
  return NULL;
}

/* Levenshtein distance, for "did you mean" suggestions. */
static int edit_distance(const char *s, const char *t) {
  size_t ls = strlen(s), lt = strlen(t);
  if (ls > 63 || lt > 63) return 99;
  int row[64];
  for (size_t j = 0; j <= lt; ++j) row[j] = (int)j;
  for (size_t i = 1; i <= ls; ++i) {
    int prev = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= lt; ++j) {
      int cur = row[j];
      int best = prev + (s[i - 1] != t[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lt];
}

static void nearest_key(const psw_point *pt, const char *key, char *out, size_t len) {
  static const char *top[] = {"a",   "b", "e_m", "e_n", "c", "d", "f", "g",
                              "customers.family", "providers.family"};
  int best = 99;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof top / sizeof top[0]; ++i) {
    int dist = edit_distance(key, top[i]);
    if (dist < best) {
      best = dist;
      snprintf(out, len, "%s", top[i]);
    }
  }
  const psw_family *fams[2] = {&pt->cust, &pt->prov};
  const char *prefix[2] = {"customers.", "providers."};
  for (int sdx = 0; sdx < 2; ++sdx)
    for (int i = 0; i < psw_family_nparams(fams[sdx]->kind); ++i) {
      char cand[64];
      snprintf(cand, sizeof cand, "%s%s", prefix[sdx], psw_family_param_name(fams[sdx]->kind, i));
      int dist = edit_distance(key, cand);
      if (dist < best) {
        best = dist;
        snprintf(out, len, "%s", cand);
      }
    }
  if (best > 4) out[0] = '\0';
}

psw_err psw_point_set(psw_point *pt, const char *key, const char *value) {
  if (strcmp(key, "customers.family") == 0 || strcmp(key, "providers.family") == 0) {
    psw_family_kind kind;
    if (psw_family_from_name(value, &kind) != 0)
      return psw_err_set(PSW_ERR_USAGE, __FILE__, __LINE__,
                         "%s: unknown family '%s' (valid: linear, uniform, exponential, "
                         "expgrowth, logit, probit, power)",
                         key, value);
    family_defaults(key[0] == 'c' ? &pt->cust : &pt->prov, kind);
    return PSW_OK;
  }
  double *slot = psw_point_param(pt, key);
  if (!slot && (strncmp(key, "customers.", 10) == 0 || strncmp(key, "providers.", 10) == 0)) {
    /* a parameter of another family? say which, and what this family takes */
    const psw_family *fam = key[0] == 'c' ? &pt->cust : &pt->prov;
    for (int k = 0; k < PSW_FAMILY_COUNT; ++k)
      for (int i = 0; i < psw_family_nparams((psw_family_kind)k); ++i)
        if (strcmp(key + 10, psw_family_param_name((psw_family_kind)k, i)) == 0) {
          char list[64] = "";
          for (int j = 0; j < psw_family_nparams(fam->kind); ++j) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", j ? ", " : "",
                     psw_family_param_name(fam->kind, j));
          }
          return psw_err_set(PSW_ERR_USAGE, __FILE__, __LINE__,
                             "unknown parameter '%s': the %s family takes %s ('%s' belongs to "
                             "%s: add %.9s.family=%s)",
                             key, psw_family_name(fam->kind), list, key + 10,
                             psw_family_name((psw_family_kind)k), key,
                             psw_family_name((psw_family_kind)k));
        }
  }
  if (!slot) {
    char near[64];
    nearest_key(pt, key, near, sizeof near);
    if (near[0])
      return psw_err_set(PSW_ERR_USAGE, __FILE__, __LINE__,
                         "unknown parameter '%s' (did you mean '%s'?)", key, near);
    return psw_err_set(PSW_ERR_USAGE, __FILE__, __LINE__, "unknown parameter '%s'", key);
  }
  char *end = NULL;
  errno = 0;
  double v = strtod(value, &end);
  if (end == value || *end != '\0' || errno == ERANGE)
    return psw_err_set(PSW_ERR_USAGE, __FILE__, __LINE__, "%s: '%s' is not a number", key,
                       value);
  *slot = v;
  return PSW_OK;
}

int psw_point_check(const psw_point *pt, psw_problem problem, char *why, size_t len) {
  const struct {
    const char *name;
    double v;
  } vals[] = {{"a", pt->a}, {"b", pt->b}, {"e_m", pt->e_m}, {"e_n", pt->e_n},
              {"c", pt->c}, {"d", pt->d}, {"f", pt->f},     {"g", pt->g}};
  size_t nv = problem == PSW_PROBLEM_EQUILIBRIUM ? 8 : 6;
  for (size_t i = 0; i < nv; ++i)
    if (!isfinite(vals[i].v)) {
      if (why) snprintf(why, len, "%s = %g: need a finite value", vals[i].name, vals[i].v);
      return -1;
    }
  char sub[200];
  if (psw_family_check(&pt->cust, sub, sizeof sub) != 0) {
    if (why) snprintf(why, len, "customers.%s", sub);
    return -1;
  }
  if (psw_family_check(&pt->prov, sub, sizeof sub) != 0) {
    if (why) snprintf(why, len, "providers.%s", sub);
    return -1;
  }
  return 0;
}

double psw_point_scale(const psw_point *pt) {
  double M = pt->cust.M, N = pt->prov.M;
  return fabs(pt->a) * N + fabs(pt->b) * M + fabs(pt->e_m) * M + fabs(pt->e_n) * N +
         fabs(pt->c) + fabs(pt->d) + psw_family_spread(&pt->cust) + psw_family_spread(&pt->prov);
}

void psw_eq_result_fill(psw_eq_result *r) {
  r->status = PSW_STATUS_FILL;
  r->count = -1;
  r->iter = -1;
  for (int i = 0; i < PSW_MAX_EQ; ++i) {
    r->m[i] = r->n[i] = r->U[i] = r->V[i] = r->det[i] = NAN;
    r->stable[i] = -1;
  }
}

void psw_opt_result_fill(psw_opt_result *r) {
  r->f = r->g = r->m = r->n = r->U = r->V = r->P = NAN;
  r->soc_q1 = r->soc_q = r->h_m = r->h_n = r->eq_det = NAN;
  r->status = PSW_STATUS_FILL;
  r->side_m = r->side_n = r->below_cost_m = r->below_cost_n = r->eq_stable = r->n_eq = -1;
  r->iter = -1;
}
