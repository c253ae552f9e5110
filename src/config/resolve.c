/* Semantic validation of a typed config (SPEC §3) and resolution into psw_config: families
 * and fixed values, problems, the design (grid axes in file order, list CSV, lhs/sobol
 * ranges), required values, solver and output. Every error names file:line:col: key. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "platsweep/solver.h"

static const char *const design_names[] = {"grid", "list", "lhs", "sobol"};
static const char *const spacing_names[] = {"linear", "log"};
static const char *const problem_names[PSW_PROBLEM_COUNT] = {"optimum", "equilibrium"};
static const char *const family_names[PSW_FAMILY_COUNT] = {
    "linear", "uniform", "exponential", "expgrowth", "logit", "probit", "power"};

/* SPEC §5 output variables per problem (the `iter_<problem>` counter included). */
static const char *const vars_optimum[] = {
    "f_opt",        "g_opt",         "m_opt",      "n_opt",    "U_opt",
    "V_opt",        "P_opt",         "status_opt", "side_m",   "side_n",
    "soc_q1",       "soc_q",         "h_m",        "h_n",      "below_cost_m",
    "below_cost_n", "eq_stable_opt", "eq_det_opt", "n_eq_opt", "iter_optimum"};
static const char *const vars_equilibrium[] = {"status_eq", "eq_count",  "eq_m",
                                               "eq_n",      "eq_U",      "eq_V",
                                               "eq_det",    "eq_stable", "iter_equilibrium"};
static const char *const *const vars_of[PSW_PROBLEM_COUNT] = {vars_optimum, vars_equilibrium};
static const int nvars_of[PSW_PROBLEM_COUNT] = {
    (int)(sizeof vars_optimum / sizeof vars_optimum[0]),
    (int)(sizeof vars_equilibrium / sizeof vars_equilibrium[0])};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAX_AXIS_VALUES 2147483647.0 /* int32 dimension lengths */
#define MAX_EXACT 9007199254740992.0 /* 2^53: larger integers are not exact in a double */
#define SOBOL_MAX_POINTS 1073741823L /* GSL's Sobol: 30-bit counter, 2^30 - 1 points */
#define SOBOL_MAX_DIM 40             /* GSL's Sobol: gsl_qrng_sobol->max_dimension */

static psw_err nomem(void) {
  return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

static int find_name(const char *s, const char *const *names, int n) {
  for (int i = 0; i < n; ++i)
    if (strcmp(s, names[i]) == 0)
      return i;
  return -1;
}

static int is_integer(double v) { return v == floor(v); }

static void kpath(char *out, size_t len, const char *a, const char *b) {
  cfg_strf(out, len, "%s%s%s", a, a[0] && b[0] ? "." : "", b);
}

/* Side and family-parameter slot of a full parameter index (pp >= PP_NTOP). */
static int pp_side(int pp) { return (pp - PP_NTOP) / FP_COUNT; }
static const char *pp_famp(int pp) { return cfg_famp_names[(pp - PP_NTOP) % FP_COUNT]; }

static int family_has(psw_family_kind k, const char *pname) {
  for (int i = 0; i < psw_family_nparams(k); ++i)
    if (strcmp(psw_family_param_name(k, i), pname) == 0)
      return 1;
  return 0;
}

/* Full names of the parameters that apply to the chosen families; shape [<= PP_COUNT]. */
static int valid_params(const cfg_ctx *c, const char **out) {
  int n = 0;
  for (int pp = 0; pp < PP_COUNT; ++pp)
    if (pp < PP_NTOP || family_has(c->kind[pp_side(pp)], pp_famp(pp)))
      out[n++] = cfg_param_names[pp];
  return n;
}

int cfg_param_lookup(const cfg_ctx *c, const char *name, char *why, size_t len) {
  int pp = cfg_param_index(name);
  if (pp < 0) {
    const char *cands[PP_COUNT];
    char sug[400];
    cfg_suggest(name, cands, valid_params(c, cands), sug, sizeof sug);
    snprintf(why, len, "unknown parameter%s", sug);
    return -1;
  }
  if (pp >= PP_NTOP && !family_has(c->kind[pp_side(pp)], pp_famp(pp))) {
    psw_family_kind k = c->kind[pp_side(pp)];
    char list[128] = "";
    for (int i = 0; i < psw_family_nparams(k); ++i) {
      size_t l = strlen(list);
      snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", psw_family_param_name(k, i));
    }
    snprintf(why, len, "not a parameter of the %s family (its parameters: %s)", psw_family_name(k),
             list);
    return -1;
  }
  return pp;
}

const char *cfg_src_name(int src) {
  switch (src) {
  case SRC_MODEL:
    return "a value in model";
  case SRC_AXIS:
    return "a sweep axis";
  case SRC_COLUMN:
    return "a column of the list CSV";
  case SRC_RANGE:
    return "a sweep range";
  default:
    return "elsewhere";
  }
}

static int is_positive_param(const char *pname) {
  static const char *const pos[] = {"beta", "s", "sigma", "A", "kappa", "M"};
  return find_name(pname, pos, NELEM(pos)) >= 0;
}

/* Is the parameter fixed (a model value or its default), not swept? */
static int is_fixed(const cfg_ctx *c, int pp) {
  return c->src[pp] == SRC_NONE || c->src[pp] == SRC_MODEL;
}

void cfg_param_bounds(const cfg_ctx *c, int pp, double *lo, double *hi) {
  *lo = -HUGE_VAL;
  *hi = HUGE_VAL;
  if (pp < PP_NTOP)
    return;
  const char *pname = pp_famp(pp);
  if (is_positive_param(pname))
    *lo = 0.0;
  int side = pp_side(pp);
  if (c->kind[side] != PSW_FAMILY_UNIFORM)
    return;
  int base = PP_NTOP + side * FP_COUNT;
  psw_point *pt = &c->cfg->base;
  const char *prefix = side ? "providers." : "customers.";
  char other[PSW_NAME_MAX];
  if (strcmp(pname, "hi") == 0 && is_fixed(c, base + FP_lo)) {
    snprintf(other, sizeof other, "%slo", prefix);
    *lo = *psw_point_param(pt, other);
  } else if (strcmp(pname, "lo") == 0 && is_fixed(c, base + FP_hi)) {
    snprintf(other, sizeof other, "%shi", prefix);
    *hi = *psw_point_param(pt, other);
  }
}

int cfg_check_value(const cfg_ctx *c, int pp, double v, char *why, size_t len) {
  double lo, hi;
  cfg_param_bounds(c, pp, &lo, &hi);
  if (v > lo && v < hi)
    return 0;
  const char *name = cfg_param_names[pp];
  if (!(v > lo)) {
    if (is_positive_param(pp_famp(pp)))
      snprintf(why, len, "%.15g is out of range (need %s > 0)", v, name);
    else
      snprintf(why, len, "%.15g is out of range (need %s > %.*slo = %.15g)", v, name,
               (int)(strlen(name) - 2), name, lo);
  } else {
    snprintf(why, len, "%.15g is out of range (need %s < %.*shi = %.15g)", v, name,
             (int)(strlen(name) - 2), name, hi);
  }
  return -1;
}

/* Swept parameters are NaN in cfg->base. */
static void mark_swept(cfg_ctx *c, int pp, int src, const ynode *at) {
  c->src[pp] = src;
  c->src_at[pp] = at;
  *psw_point_param(&c->cfg->base, cfg_param_names[pp]) = NAN;
}

/* A parameter named in the sweep (axis or range key): applies to the families, and is not
 * given elsewhere. */
static psw_err sweep_param(cfg_ctx *c, const ynode *kn, const char *key, int *pp_out) {
  char why[400];
  int pp = cfg_param_lookup(c, kn->text, why, sizeof why);
  if (pp < 0)
    return cfg_fail(c->file, kn, key, "%s", why);
  if (c->src[pp] != SRC_NONE) {
    const ynode *at = c->src_at[pp];
    return cfg_fail(c->file, kn, key,
                    "also given as %s (line %d, column %d): a parameter is either fixed or "
                    "swept, once",
                    cfg_src_name(c->src[pp]), at ? at->line : 1, at ? at->col : 1);
  }
  *pp_out = pp;
  return PSW_OK;
}

/* An integer-valued number in [lo, hi]. */
static psw_err check_int(const cfg_ctx *c, const ynode *at, const char *key, double v, double lo,
                         double hi, const char *need) {
  if (!is_integer(v))
    return cfg_fail(c->file, at, key, "%.15g is not an integer", v);
  if (v < lo || v > hi)
    return cfg_fail(c->file, at, key, "%.15g is out of range (%s)", v, need);
  return PSW_OK;
}

/* ---- title, model ---- */
static psw_err do_title(cfg_ctx *c) {
  c->cfg->title = xstrdup(c->y->title ? c->y->title : "");
  return c->cfg->title ? PSW_OK : nomem();
}

static psw_err do_model(cfg_ctx *c) {
  const ynode *mn = ymap_get(c->root, "model");
  const y_model *ym = c->y->model;
  static const char *const side_name[2] = {"customers", "providers"};
  char key[256];
  for (int side = 0; side < 2; ++side) {
    const ynode *fn = ymap_get(ymap_get(mn, side_name[side]), "family");
    if (psw_family_from_name(ym->side[side]->family, &c->kind[side]) != 0) {
      char sug[300];
      cfg_suggest(ym->side[side]->family, family_names, PSW_FAMILY_COUNT, sug, sizeof sug);
      snprintf(key, sizeof key, "model.%s.family", side_name[side]);
      return cfg_fail(c->file, fn, key, "unknown family '%s'%s", ym->side[side]->family, sug);
    }
  }
  psw_point_init(&c->cfg->base, c->kind[0], c->kind[1]);
  /* document order, so the first error in the file is the one reported */
  for (int i = 0; i < mn->n; ++i) {
    const ynode *kn = mn->kid[2 * i], *vn = mn->kid[2 * i + 1];
    int pp = cfg_param_index(kn->text);
    if (pp >= 0 && pp < PP_NTOP) {
      c->src[pp] = SRC_MODEL;
      c->src_at[pp] = kn;
      *psw_point_param(&c->cfg->base, kn->text) = *ym->p[pp];
      continue;
    }
    int side = strcmp(kn->text, "providers") == 0;
    const y_family *yf = ym->side[side];
    for (int j = 0; j < vn->n; ++j) {
      const ynode *pk = vn->kid[2 * j], *pv = vn->kid[2 * j + 1];
      if (strcmp(pk->text, "family") == 0)
        continue;
      char full[PSW_NAME_MAX], why[400];
      snprintf(full, sizeof full, "%s.%s", side_name[side], pk->text);
      snprintf(key, sizeof key, "model.%s", full);
      pp = cfg_param_lookup(c, full, why, sizeof why);
      if (pp < 0)
        return cfg_fail(c->file, pk, key, "%s", why);
      double v = *yf->p[(pp - PP_NTOP) % FP_COUNT];
      c->src[pp] = SRC_MODEL;
      c->src_at[pp] = pk;
      *psw_point_param(&c->cfg->base, full) = v;
      /* one-parameter domain here; uniform lo < hi once both are known (do_families) */
      if (is_positive_param(pk->text) && !(v > 0))
        return cfg_fail(c->file, pv, key, "%.15g is out of range (need %s > 0)", v, pk->text);
    }
  }
  return PSW_OK;
}

/* ---- problems ---- */
static psw_err do_problems(cfg_ctx *c, int *given) {
  const ynode *pn = ymap_get(c->root, "problems");
  *given = pn != NULL;
  if (!pn)
    return PSW_OK;
  if (pn->n == 0)
    return cfg_fail(c->file, pn, "problems", "empty list (valid: optimum, equilibrium)");
  for (int i = 0; i < pn->n; ++i) {
    char key[32];
    snprintf(key, sizeof key, "problems[%d]", i);
    const char *name = c->y->problems[i];
    int p = find_name(name, problem_names, PSW_PROBLEM_COUNT);
    if (p < 0) {
      char sug[200];
      cfg_suggest(name, problem_names, PSW_PROBLEM_COUNT, sug, sizeof sug);
      return cfg_fail(c->file, pn->kid[i], key, "unknown problem '%s'%s", name, sug);
    }
    if (c->cfg->problems & (1u << p))
      return cfg_fail(c->file, pn->kid[i], key, "'%s' is listed twice", name);
    c->cfg->problems |= 1u << p;
  }
  return PSW_OK;
}

/* ---- grid ---- */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static psw_err axis_values(cfg_ctx *c, int pp, const ynode *kn, const ynode *vn, const y_axis *ya,
                           const char *akey, psw_axis *ax) {
  char key[256], why[400];
  const ynode *vals = ymap_get(vn, "values"), *spacing = ymap_get(vn, "spacing");
  const ynode *from = ymap_get(vn, "from"), *to = ymap_get(vn, "to"), *num = ymap_get(vn, "num");
  if (vals && (from || to || num))
    return cfg_fail(c->file, kn, akey, "give either values or from/to/num, not both");
  if (vals) {
    if (spacing)
      return cfg_fail(c->file, ymap_key(vn, "spacing"), akey,
                      "spacing applies to from/to/num, not to values");
    if (vals->n == 0) {
      kpath(key, sizeof key, akey, "values");
      return cfg_fail(c->file, vals, key, "empty list: give at least one value");
    }
    ax->values = malloc((size_t)vals->n * sizeof *ax->values);
    double *sorted = malloc((size_t)vals->n * sizeof *sorted);
    if (!ax->values || !sorted) {
      free(sorted);
      return nomem();
    }
    ax->n = vals->n;
    for (int i = 0; i < vals->n; ++i) {
      ax->values[i] = sorted[i] = ya->values[i];
      if (cfg_check_value(c, pp, ya->values[i], why, sizeof why) != 0) {
        free(sorted);
        cfg_strf(key, sizeof key, "%s.values[%d]", akey, i);
        return cfg_fail(c->file, vals->kid[i], key, "%s", why);
      }
    }
    qsort(sorted, (size_t)vals->n, sizeof *sorted, cmp_double);
    for (int i = 1; i < vals->n; ++i)
      if (sorted[i] == sorted[i - 1]) {
        double dup = sorted[i];
        free(sorted);
        int first = -1;
        for (int j = 0; j < vals->n; ++j) {
          if (ax->values[j] != dup)
            continue;
          if (first < 0) {
            first = j;
            continue;
          }
          cfg_strf(key, sizeof key, "%s.values[%d]", akey, j);
          return cfg_fail(c->file, vals->kid[j], key, "%.15g repeats values[%d]", dup, first);
        }
      }
    free(sorted);
    return PSW_OK;
  }
  if (!from && !to && !num)
    return cfg_fail(c->file, kn, akey, "needs either values: [...] or from, to and num");
  const char *need[3] = {"from", "to", "num"};
  const ynode *have[3] = {from, to, num};
  for (int i = 0; i < 3; ++i)
    if (!have[i]) {
      kpath(key, sizeof key, akey, need[i]);
      return cfg_fail(c->file, kn, key, "missing required key (from, to and num go together)");
    }
  double f = *ya->from, t = *ya->to, nv = *ya->num;
  kpath(key, sizeof key, akey, "num");
  PSW_TRY(check_int(c, num, key, nv, 1, MAX_AXIS_VALUES, "need 1 <= num <= 2147483647"));
  long n = (long)nv;
  int log_spacing = 0;
  if (spacing) {
    int s = find_name(ya->spacing, spacing_names, NELEM(spacing_names));
    if (s < 0) {
      char sug[200];
      cfg_suggest(ya->spacing, spacing_names, NELEM(spacing_names), sug, sizeof sug);
      kpath(key, sizeof key, akey, "spacing");
      return cfg_fail(c->file, spacing, key, "unknown spacing '%s'%s", ya->spacing, sug);
    }
    log_spacing = s == 1;
  }
  if (log_spacing) {
    if (!(f > 0)) {
      kpath(key, sizeof key, akey, "from");
      return cfg_fail(c->file, from, key, "%.15g is out of range (log spacing needs from > 0)", f);
    }
    if (!(t > 0)) {
      kpath(key, sizeof key, akey, "to");
      return cfg_fail(c->file, to, key, "%.15g is out of range (log spacing needs to > 0)", t);
    }
  }
  if (n > 1 && f == t) {
    kpath(key, sizeof key, akey, "to");
    return cfg_fail(c->file, to, key, "equals from with num = %ld: the axis would repeat %.15g", n,
                    f);
  }
  if (cfg_check_value(c, pp, f, why, sizeof why) != 0) {
    kpath(key, sizeof key, akey, "from");
    return cfg_fail(c->file, from, key, "%s", why);
  }
  if (n > 1 && cfg_check_value(c, pp, t, why, sizeof why) != 0) {
    kpath(key, sizeof key, akey, "to");
    return cfg_fail(c->file, to, key, "%s", why);
  }
  ax->values = malloc((size_t)n * sizeof *ax->values);
  if (!ax->values)
    return nomem();
  ax->n = n;
  double lf = log_spacing ? log(f) : 0, lt = log_spacing ? log(t) : 0;
  for (long i = 0; i < n; ++i) {
    double u = n > 1 ? (double)i / (double)(n - 1) : 0.0;
    ax->values[i] = log_spacing ? exp(lf + (lt - lf) * u) : f + (t - f) * u;
  }
  ax->values[0] = f; /* exact endpoints */
  if (n > 1)
    ax->values[n - 1] = t;
  return PSW_OK;
}

static psw_err do_grid(cfg_ctx *c, const ynode *sn) {
  const ynode *an = ymap_get(sn, "axes");
  if (!an || an->n == 0)
    return PSW_OK; /* no axes: one point, the model's values */
  psw_config *cfg = c->cfg;
  cfg->axes = calloc((size_t)an->n, sizeof *cfg->axes);
  if (!cfg->axes)
    return nomem();
  /* names first: the bounds of one axis (uniform lo < hi) depend on what else is swept */
  for (int i = 0; i < an->n; ++i) {
    const ynode *kn = an->kid[2 * i];
    char akey[256];
    snprintf(akey, sizeof akey, "sweep.axes.%s", kn->text);
    int pp;
    PSW_TRY(sweep_param(c, kn, akey, &pp));
    mark_swept(c, pp, SRC_AXIS, kn);
  }
  double total = 1;
  for (int i = 0; i < an->n; ++i) {
    const ynode *kn = an->kid[2 * i], *vn = an->kid[2 * i + 1];
    char akey[256];
    snprintf(akey, sizeof akey, "sweep.axes.%s", kn->text);
    int pp = cfg_param_index(kn->text);
    psw_axis *ax = &cfg->axes[cfg->n_axes++];
    snprintf(ax->name, sizeof ax->name, "%s", cfg_param_names[pp]);
    PSW_TRY(axis_values(c, pp, kn, vn, c->y->sweep->axes->p[pp], akey, ax));
    total *= (double)ax->n;
    if (total > 0x1p62)
      return cfg_fail(c->file, kn, akey, "the grid would have %.3g points (at most 2^62)", total);
  }
  return PSW_OK;
}

/* ---- list ---- */
static psw_err do_list(cfg_ctx *c, const ynode *sk) {
  const ynode *fn = ymap_get(ymap_get(c->root, "sweep"), "file");
  if (!fn)
    return cfg_fail(c->file, sk, "sweep.file",
                    "missing required key (the list design reads "
                    "its points from a CSV file)");
  const char *file = c->y->sweep->file;
  if (!file[0])
    return cfg_fail(c->file, fn, "sweep.file", "empty file name");
  const char *slash = strrchr(c->file, '/');
  size_t dl = file[0] == '/' || !slash ? 0 : (size_t)(slash - c->file) + 1;
  char *p = malloc(dl + strlen(file) + 1);
  if (!p)
    return nomem();
  memcpy(p, c->file, dl);
  strcpy(p + dl, file);
  c->cfg->list_path = p;
  return cfg_read_csv(c, fn);
}

/* ---- lhs, sobol ---- */
static psw_err do_sample(cfg_ctx *c, const ynode *sk, const ynode *sn, int sobol) {
  psw_config *cfg = c->cfg;
  const y_sweep *ys = c->y->sweep;
  const char *design = sobol ? "sobol" : "lhs";
  const ynode *pn = ymap_get(sn, "points"), *seedn = ymap_get(sn, "seed");
  const ynode *rn = ymap_get(sn, "ranges");
  if (!pn)
    return cfg_fail(c->file, sk, "sweep.points", "missing required key (the %s design needs it)",
                    design);
  if (sobol)
    PSW_TRY(check_int(c, pn, "sweep.points", *ys->points, 1, (double)SOBOL_MAX_POINTS,
                      "need 1 <= points <= 1073741823 = 2^30 - 1, GSL's Sobol limit"));
  else
    PSW_TRY(
        check_int(c, pn, "sweep.points", *ys->points, 1, MAX_EXACT, "need 1 <= points <= 2^53"));
  cfg->n_samples = (long)*ys->points;
  if (seedn) {
    PSW_TRY(check_int(c, seedn, "sweep.seed", *ys->seed, 0, MAX_EXACT, "need 0 <= seed <= 2^53"));
    cfg->seed = (unsigned long)*ys->seed;
  }
  if (!rn)
    return cfg_fail(c->file, sk, "sweep.ranges", "missing required key (the %s design needs it)",
                    design);
  if (rn->n == 0)
    return cfg_fail(c->file, rn, "sweep.ranges", "empty: give at least one range name: [lo, hi]");
  /* Unreachable with today's families (at most 16 distinct parameters), kept for new ones. */
  if (sobol && rn->n > SOBOL_MAX_DIM)
    return cfg_fail(c->file, rn, "sweep.ranges",
                    "%d ranges: GSL's Sobol generator has at most %d dimensions", rn->n,
                    SOBOL_MAX_DIM);
  cfg->ranges = calloc((size_t)rn->n, sizeof *cfg->ranges);
  if (!cfg->ranges)
    return nomem();
  for (int i = 0; i < rn->n; ++i) { /* names first, as for grid axes */
    const ynode *kn = rn->kid[2 * i];
    char key[256];
    snprintf(key, sizeof key, "sweep.ranges.%s", kn->text);
    int pp;
    PSW_TRY(sweep_param(c, kn, key, &pp));
    mark_swept(c, pp, SRC_RANGE, kn);
  }
  for (int i = 0; i < rn->n; ++i) {
    const ynode *kn = rn->kid[2 * i], *vn = rn->kid[2 * i + 1];
    char key[256], why[400];
    snprintf(key, sizeof key, "sweep.ranges.%s", kn->text);
    int pp = cfg_param_index(kn->text);
    if (vn->n != 2)
      return cfg_fail(c->file, vn, key, "expected [lo, hi], got %d value%s", vn->n,
                      vn->n == 1 ? "" : "s");
    double lo = ys->ranges->r[pp][0], hi = ys->ranges->r[pp][1];
    if (!(lo < hi))
      return cfg_fail(c->file, vn, key, "lo = %.15g >= hi = %.15g (need lo < hi)", lo, hi);
    for (int j = 0; j < 2; ++j)
      if (cfg_check_value(c, pp, j ? hi : lo, why, sizeof why) != 0) {
        char sub[300];
        snprintf(sub, sizeof sub, "%s[%d]", key, j);
        return cfg_fail(c->file, vn->kid[j], sub, "%s", why);
      }
    psw_range *r = &cfg->ranges[cfg->n_ranges++];
    snprintf(r->name, sizeof r->name, "%s", cfg_param_names[pp]);
    r->lo = lo;
    r->hi = hi;
  }
  return PSW_OK;
}

static psw_err do_sweep(cfg_ctx *c) {
  const ynode *sk = ymap_key(c->root, "sweep"), *sn = ymap_get(c->root, "sweep");
  if (!sn) {
    c->cfg->design = PSW_DESIGN_GRID; /* no sweep: one point, the model's values */
    return PSW_OK;
  }
  const char *design = c->y->sweep->design;
  int d = find_name(design, design_names, NELEM(design_names));
  if (d < 0) {
    char sug[200];
    cfg_suggest(design, design_names, NELEM(design_names), sug, sizeof sug);
    return cfg_fail(c->file, ymap_get(sn, "design"), "sweep.design", "unknown design '%s'%s",
                    design, sug);
  }
  static const char *const takes[4] = {"design, axes", "design, file",
                                       "design, points, seed, ranges",
                                       "design, points, seed, ranges"};
  static const char *const keys[4][4] = {{"design", "axes"},
                                         {"design", "file"},
                                         {"design", "points", "seed", "ranges"},
                                         {"design", "points", "seed", "ranges"}};
  for (int i = 0; i < sn->n; ++i) {
    const ynode *kn = sn->kid[2 * i];
    int ok = 0;
    for (int j = 0; j < 4 && keys[d][j]; ++j)
      ok |= strcmp(kn->text, keys[d][j]) == 0;
    if (!ok) {
      char key[256];
      kpath(key, sizeof key, "sweep", kn->text);
      return cfg_fail(c->file, kn, key, "not used by the %s design (it takes: %s)", design_names[d],
                      takes[d]);
    }
  }
  c->cfg->design = (psw_design_kind)d;
  switch (d) {
  case PSW_DESIGN_GRID:
    return do_grid(c, sn);
  case PSW_DESIGN_LIST:
    return do_list(c, sk);
  default:
    return do_sample(c, sk, sn, d == PSW_DESIGN_SOBOL);
  }
}

/* ---- required values, cross-parameter checks ---- */
static psw_err do_required(cfg_ctx *c, int problems_given) {
  psw_config *cfg = c->cfg;
  /* Absent `problems`: optimum, plus equilibrium when both fees are given (as `point`). */
  if (!problems_given) {
    cfg->problems = 1u << PSW_PROBLEM_OPTIMUM;
    if (c->src[PP_f] != SRC_NONE && c->src[PP_g] != SRC_NONE)
      cfg->problems |= 1u << PSW_PROBLEM_EQUILIBRIUM;
  }
  const ynode *mk = ymap_key(c->root, "model");
  static const int always[] = {PP_a, PP_b, PP_c, PP_d};
  for (int i = 0; i < NELEM(always); ++i)
    if (c->src[always[i]] == SRC_NONE) {
      char key[64];
      snprintf(key, sizeof key, "model.%s", cfg_param_names[always[i]]);
      return cfg_fail(c->file, mk, key, "missing required value (give it in model, or sweep it)");
    }
  if (cfg->problems & (1u << PSW_PROBLEM_EQUILIBRIUM))
    for (int pp = PP_f; pp <= PP_g; ++pp)
      if (c->src[pp] == SRC_NONE) {
        char key[64];
        snprintf(key, sizeof key, "model.%s", cfg_param_names[pp]);
        return cfg_fail(c->file, mk, key,
                        "missing required value (the equilibrium problem needs the fees f "
                        "and g: give them in model, or sweep them)");
      }
  return PSW_OK;
}

static psw_err do_families(cfg_ctx *c) {
  static const char *const side_name[2] = {"customers", "providers"};
  const ynode *mn = ymap_get(c->root, "model");
  for (int side = 0; side < 2; ++side) {
    int base = PP_NTOP + side * FP_COUNT;
    const ynode *sk = ymap_key(mn, side_name[side]), *sn = ymap_get(mn, side_name[side]);
    char key[64], why[200];
    const psw_family *fam = side ? &c->cfg->base.prov : &c->cfg->base.cust;
    if (c->kind[side] == PSW_FAMILY_UNIFORM && is_fixed(c, base + FP_lo) &&
        is_fixed(c, base + FP_hi) && !(fam->p[1] > fam->p[0])) {
      const char *which = ymap_get(sn, "hi") ? "hi" : "lo"; /* at least one is given */
      snprintf(key, sizeof key, "model.%s.%s", side_name[side], which);
      return cfg_fail(c->file, ymap_get(sn, which), key, "lo = %.15g >= hi = %.15g (need lo < hi)",
                      fam->p[0], fam->p[1]);
    }
    int all_fixed = 1;
    for (int fp = 0; fp < FP_COUNT; ++fp)
      all_fixed &= is_fixed(c, base + fp);
    if (all_fixed && psw_family_check(fam, why, sizeof why) != 0) {
      snprintf(key, sizeof key, "model.%s", side_name[side]);
      return cfg_fail(c->file, sk, key, "%s", why);
    }
  }
  return PSW_OK;
}

/* ---- solver, output ---- */
static psw_err do_solver(cfg_ctx *c) {
  psw_config *cfg = c->cfg;
  const ynode *sn = ymap_get(c->root, "solver");
  const y_solver *ys = c->y->solver;
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p) {
    const char *name = ys ? (p == PSW_PROBLEM_OPTIMUM ? ys->optimum : ys->equilibrium) : NULL;
    if (!name)
      name = psw_solver_default((psw_problem)p);
    const psw_solver_ops *ops;
    if (psw_solver_find(name, (psw_problem)p, &ops) != PSW_OK) {
      char msg[512], key[64], sug[300] = "";
      snprintf(msg, sizeof msg, "%s", psw_err_msg());
      const char *cands[32];
      int nc = 0;
      for (int i = 0; i < psw_solver_count() && nc < 32; ++i)
        if (psw_solver_get(i)->problems & (1u << p))
          cands[nc++] = psw_solver_get(i)->name;
      cfg_suggest(name, cands, nc, sug, sizeof sug);
      snprintf(key, sizeof key, "solver.%s", problem_names[p]);
      for (int i = 0; i < psw_solver_count(); ++i)
        if (strcmp(psw_solver_get(i)->name, name) == 0) /* registered, for the other problem */
          return cfg_fail(c->file, ymap_get(sn, problem_names[p]), key,
                          "%s; '%s' solves the %s problem", msg, name, problem_names[1 - p]);
      return cfg_fail(c->file, ymap_get(sn, problem_names[p]), key, "%s%s", msg,
                      strncmp(sug, " (did", 5) == 0 ? sug : "");
    }
    snprintf(cfg->solver[p], PSW_NAME_MAX, "%s", name);
  }
  cfg->tol = 1e-12;
  cfg->max_iter = 100;
  if (ys && ys->tol) {
    if (!(*ys->tol > 0 && *ys->tol < 1))
      return cfg_fail(c->file, ymap_get(sn, "tol"), "solver.tol",
                      "%.15g is out of range (need 0 < tol < 1)", *ys->tol);
    cfg->tol = *ys->tol;
  }
  if (ys && ys->max_iter) {
    PSW_TRY(check_int(c, ymap_get(sn, "max_iter"), "solver.max_iter", *ys->max_iter, 1, 1e6,
                      "need 1 <= max_iter <= 1000000"));
    cfg->max_iter = (int)*ys->max_iter;
  }
  return PSW_OK;
}

static psw_err default_out_path(psw_config *cfg) {
  const char *base = strrchr(cfg->path, '/');
  base = base ? base + 1 : cfg->path;
  size_t n = strlen(base);
  static const char *const exts[] = {".yaml", ".yml", ".json"};
  for (int i = 0; i < NELEM(exts); ++i) {
    size_t el = strlen(exts[i]);
    if (n > el && strcmp(base + n - el, exts[i]) == 0) {
      n -= el;
      break;
    }
  }
  cfg->out_path = malloc(n + 4);
  if (!cfg->out_path)
    return nomem();
  memcpy(cfg->out_path, base, n);
  memcpy(cfg->out_path + n, ".nc", 4);
  return PSW_OK;
}

static psw_err do_variables(cfg_ctx *c, const ynode *vn) {
  psw_config *cfg = c->cfg;
  cfg->all_variables = 1;
  if (!vn || (vn->kind == YK_SCALAR && strcmp(vn->text, "all") == 0))
    return PSW_OK;
  if (vn->kind != YK_SEQ)
    return cfg_fail(c->file, vn, "output.variables",
                    "expected 'all' or a sequence of SPEC §5 variable names, got %s%.60s%s",
                    vn->kind == YK_MAP ? "a mapping" : "'", vn->kind == YK_MAP ? "" : vn->text,
                    vn->kind == YK_MAP ? "" : "'");
  if (vn->n == 0)
    return cfg_fail(c->file, vn, "output.variables",
                    "empty list: write all, or list SPEC §5 variable names");
  cfg->all_variables = 0;
  cfg->vars = calloc((size_t)vn->n, sizeof *cfg->vars);
  if (!cfg->vars)
    return nomem();
  const char *valid[64];
  int nvalid = 0;
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (cfg->problems & (1u << p))
      for (int i = 0; i < nvars_of[p]; ++i)
        valid[nvalid++] = vars_of[p][i];
  for (int i = 0; i < vn->n; ++i) {
    const ynode *it = vn->kid[i];
    char key[64];
    snprintf(key, sizeof key, "output.variables[%d]", i);
    if (it->kind != YK_SCALAR)
      return cfg_fail(c->file, it, key, "expected a variable name, got a %s",
                      it->kind == YK_MAP ? "mapping" : "sequence");
    if (find_name(it->text, valid, nvalid) < 0) {
      for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
        if (find_name(it->text, vars_of[p], nvars_of[p]) >= 0)
          return cfg_fail(c->file, it, key,
                          "'%s' is a variable of the %s problem, which is not in problems",
                          it->text, problem_names[p]);
      char sug[600];
      cfg_suggest(it->text, valid, nvalid, sug, sizeof sug);
      return cfg_fail(c->file, it, key, "unknown variable '%.60s'%s", it->text, sug);
    }
    for (int j = 0; j < cfg->n_vars; ++j)
      if (strcmp(cfg->vars[j], it->text) == 0)
        return cfg_fail(c->file, it, key, "'%s' is listed twice", it->text);
    snprintf(cfg->vars[cfg->n_vars++], PSW_NAME_MAX, "%s", it->text);
  }
  return PSW_OK;
}

static psw_err do_output(cfg_ctx *c) {
  psw_config *cfg = c->cfg;
  const ynode *on = ymap_get(c->root, "output");
  const y_output *yo = c->y->output;
  if (yo && yo->path) {
    if (!yo->path[0])
      return cfg_fail(c->file, ymap_get(on, "path"), "output.path", "empty path");
    if (!(cfg->out_path = xstrdup(yo->path)))
      return nomem();
  } else {
    PSW_TRY(default_out_path(cfg));
  }
  cfg->compression = 1;
  if (yo && yo->compression) {
    PSW_TRY(check_int(c, ymap_get(on, "compression"), "output.compression", *yo->compression, 0, 9,
                      "need 0 <= compression <= 9"));
    cfg->compression = (int)*yo->compression;
  }
  return do_variables(c, ymap_get(on, "variables"));
}

psw_err cfg_resolve(const char *file, const ynode *root, const y_config *y, psw_config *cfg) {
  cfg_ctx c = {.file = file, .root = root, .y = y, .cfg = cfg};
  int problems_given = 0;
  PSW_TRY(do_title(&c));
  PSW_TRY(do_model(&c));
  PSW_TRY(do_problems(&c, &problems_given));
  PSW_TRY(do_sweep(&c));
  PSW_TRY(do_required(&c, problems_given));
  PSW_TRY(do_families(&c));
  PSW_TRY(do_solver(&c));
  return do_output(&c);
}
