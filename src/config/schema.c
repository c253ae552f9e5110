/* The libcyaml schema of SPEC §3, the typed load, and the translation of libcyaml's log
 * (an error line plus a backtrace of mapping fields and sequence entries) into one line
 * `file:line:col: key: what` located with the position tree.
 *
 * Numbers are CYAML_FLOAT everywhere, integers included: cfg_check_numbers re-reads each
 * one strictly and resolve.c checks integrality, so `num: 010` is ten (not octal eight) and
 * `points: 1e6` is accepted. Parameter-name mappings (model, axes, ranges) list one
 * optional field per name of cfg_param_names: libcyaml needs keys with dots
 * ("providers.s") as mapping fields. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"

#define OPT (CYAML_FLAG_OPTIONAL | CYAML_FLAG_POINTER)
#define REQ CYAML_FLAG_POINTER
#define UNL CYAML_UNLIMITED

static const cyaml_schema_value_t dbl_entry = {CYAML_VALUE_FLOAT(CYAML_FLAG_DEFAULT, double)};
static const cyaml_schema_value_t str_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED)};

static const cyaml_schema_field_t axis_fields[] = {
    CYAML_FIELD_FLOAT_PTR("from", OPT, y_axis, from),
    CYAML_FIELD_FLOAT_PTR("to", OPT, y_axis, to),
    CYAML_FIELD_FLOAT_PTR("num", OPT, y_axis, num),
    CYAML_FIELD_STRING_PTR("spacing", OPT, y_axis, spacing, 0, UNL),
    CYAML_FIELD_SEQUENCE("values", OPT, y_axis, values, &dbl_entry, 0, UNL),
    CYAML_FIELD_END};

static const cyaml_schema_field_t axes_fields[] = {
#define AX_T(n) CYAML_FIELD_MAPPING_PTR(#n, OPT, y_axes, p[PP_##n], axis_fields),
#define AX_C(n)                                                                                    \
  CYAML_FIELD_MAPPING_PTR("customers." #n, OPT, y_axes, p[PP_customers_##n], axis_fields),
#define AX_P(n)                                                                                    \
  CYAML_FIELD_MAPPING_PTR("providers." #n, OPT, y_axes, p[PP_providers_##n], axis_fields),
    PSW_CFG_TOP(AX_T) PSW_CFG_FAMP(AX_C) PSW_CFG_FAMP(AX_P)
#undef AX_T
#undef AX_C
#undef AX_P
        CYAML_FIELD_END};

static const cyaml_schema_field_t ranges_fields[] = {
#define RG_T(n)                                                                                    \
  CYAML_FIELD_SEQUENCE_COUNT(#n, OPT, y_ranges, r[PP_##n], count[PP_##n], &dbl_entry, 0, UNL),
#define RG_C(n)                                                                                    \
  CYAML_FIELD_SEQUENCE_COUNT("customers." #n, OPT, y_ranges, r[PP_customers_##n],                  \
                             count[PP_customers_##n], &dbl_entry, 0, UNL),
#define RG_P(n)                                                                                    \
  CYAML_FIELD_SEQUENCE_COUNT("providers." #n, OPT, y_ranges, r[PP_providers_##n],                  \
                             count[PP_providers_##n], &dbl_entry, 0, UNL),
    PSW_CFG_TOP(RG_T) PSW_CFG_FAMP(RG_C) PSW_CFG_FAMP(RG_P)
#undef RG_T
#undef RG_C
#undef RG_P
        CYAML_FIELD_END};

static const cyaml_schema_field_t family_fields[] = {
    CYAML_FIELD_STRING_PTR("family", REQ, y_family, family, 0, UNL),
#define FM(n) CYAML_FIELD_FLOAT_PTR(#n, OPT, y_family, p[FP_##n]),
    PSW_CFG_FAMP(FM)
#undef FM
        CYAML_FIELD_END};

static const cyaml_schema_field_t model_fields[] = {
#define MD(n) CYAML_FIELD_FLOAT_PTR(#n, OPT, y_model, p[PP_##n]),
    PSW_CFG_TOP(MD)
#undef MD
        CYAML_FIELD_MAPPING_PTR("customers", REQ, y_model, side[0], family_fields),
    CYAML_FIELD_MAPPING_PTR("providers", REQ, y_model, side[1], family_fields), CYAML_FIELD_END};

static const cyaml_schema_field_t sweep_fields[] = {
    CYAML_FIELD_STRING_PTR("design", REQ, y_sweep, design, 0, UNL),
    CYAML_FIELD_MAPPING_PTR("axes", OPT, y_sweep, axes, axes_fields),
    CYAML_FIELD_STRING_PTR("file", OPT, y_sweep, file, 0, UNL),
    CYAML_FIELD_FLOAT_PTR("points", OPT, y_sweep, points),
    CYAML_FIELD_FLOAT_PTR("seed", OPT, y_sweep, seed),
    CYAML_FIELD_MAPPING_PTR("ranges", OPT, y_sweep, ranges, ranges_fields),
    CYAML_FIELD_END};

static const cyaml_schema_field_t solver_fields[] = {
    CYAML_FIELD_STRING_PTR("optimum", OPT, y_solver, optimum, 0, UNL),
    CYAML_FIELD_STRING_PTR("equilibrium", OPT, y_solver, equilibrium, 0, UNL),
    CYAML_FIELD_FLOAT_PTR("tol", OPT, y_solver, tol),
    CYAML_FIELD_FLOAT_PTR("max_iter", OPT, y_solver, max_iter), CYAML_FIELD_END};

static const cyaml_schema_field_t output_fields[] = {
    CYAML_FIELD_STRING_PTR("path", OPT, y_output, path, 0, UNL),
    CYAML_FIELD_FLOAT_PTR("compression", OPT, y_output, compression),
    CYAML_FIELD_IGNORE("variables", CYAML_FLAG_OPTIONAL), /* `all` or a list: resolve.c */
    CYAML_FIELD_END};

static const cyaml_schema_field_t top_fields[] = {
    CYAML_FIELD_STRING_PTR("title", OPT, y_config, title, 0, UNL),
    CYAML_FIELD_MAPPING_PTR("model", REQ, y_config, model, model_fields),
    CYAML_FIELD_MAPPING_PTR("sweep", OPT, y_config, sweep, sweep_fields),
    CYAML_FIELD_SEQUENCE("problems", OPT, y_config, problems, &str_entry, 0, UNL),
    CYAML_FIELD_MAPPING_PTR("solver", OPT, y_config, solver, solver_fields),
    CYAML_FIELD_MAPPING_PTR("output", OPT, y_config, output, output_fields),
    CYAML_FIELD_END};

static const cyaml_schema_value_t top_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, y_config, top_fields)};

/* ---- libcyaml's log, captured ---- */
typedef struct logbuf {
  char text[4096];
  size_t len;
} logbuf;

static void log_capture(cyaml_log_t level, void *ctx, const char *fmt, va_list args) {
  (void)level;
  logbuf *b = ctx;
  if (b->len + 1 >= sizeof b->text)
    return;
  int k = vsnprintf(b->text + b->len, sizeof b->text - b->len, fmt, args);
  if (k > 0)
    b->len += (size_t)k < sizeof b->text - b->len ? (size_t)k : sizeof b->text - b->len - 1;
}

static const cyaml_config_t free_config = {
    .log_fn = NULL, .mem_fn = cyaml_mem, .log_level = CYAML_LOG_ERROR, .flags = CYAML_CFG_NO_ALIAS};

/* One backtrace step: a mapping field (name) or a sequence entry, with libcyaml's 1-based
 * position of the value being loaded. */
typedef struct step {
  int entry;
  char name[128];
  int line, col;
} step;

#define MAX_STEPS 32

typedef struct cylog {
  char msg[512];
  int nstep;
  step st[MAX_STEPS]; /* outermost first */
} cylog;

static void parse_log(const char *text, cylog *L) {
  memset(L, 0, sizeof *L);
  step inner[MAX_STEPS]; /* innermost first, as logged */
  int n = 0;
  const char *p = text;
  while (*p) {
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    char line[512];
    if (len >= sizeof line)
      len = sizeof line - 1;
    memcpy(line, p, len);
    line[len] = '\0';
    p = eol ? eol + 1 : p + strlen(p);
    char *s = line;
    if (strncmp(s, "Load: ", 6) == 0)
      s += 6;
    static const char field[] = "  in mapping field '", entry[] = "  in sequence entry '";
    int is_field = strncmp(s, field, sizeof field - 1) == 0;
    int is_entry = strncmp(s, entry, sizeof entry - 1) == 0;
    if (is_field || is_entry) {
      char *name = s + (is_field ? sizeof field - 1 : sizeof entry - 1);
      char *q = strstr(name, "' (line: ");
      if (!q || n == MAX_STEPS)
        continue;
      *q = '\0';
      step *t = &inner[n++];
      t->entry = is_entry;
      snprintf(t->name, sizeof t->name, "%s", name);
      if (sscanf(q + 1, "(line: %d, column: %d)", &t->line, &t->col) != 2)
        t->line = t->col = 0;
    } else if (strncmp(s, "  in ", 5) == 0 || strncmp(s, "Backtrace:", 10) == 0) {
      continue; /* "in mapping (line...)": the mapping itself, already on the path */
    } else if (!L->msg[0] && s[0]) {
      snprintf(L->msg, sizeof L->msg, "%s", s);
    }
  }
  L->nstep = n;
  for (int i = 0; i < n; ++i)
    L->st[i] = inner[n - 1 - i];
}

static const cyaml_schema_field_t *find_field(const cyaml_schema_value_t *sv, const char *key) {
  if (!sv || sv->type != CYAML_MAPPING)
    return NULL;
  for (const cyaml_schema_field_t *f = sv->mapping.fields; f->key; ++f)
    if (strcmp(f->key, key) == 0)
      return f;
  return NULL;
}

/* Family kind of a side as written in the tree, or -1. */
static int tree_family(const ynode *root, int side) {
  const ynode *fam =
      ymap_get(ymap_get(ymap_get(root, "model"), side ? "providers" : "customers"), "family");
  psw_family_kind k;
  if (!fam || fam->kind != YK_SCALAR || psw_family_from_name(fam->text, &k) != 0)
    return -1;
  return (int)k;
}

/* Keys valid in a mapping of the schema, narrowed to the chosen families where the tree
 * names them. @return count written to out (shape [max]). */
static int key_candidates(const ynode *root, const cyaml_schema_field_t *fields,
                          const char *map_name, const char **out, int max) {
  int n = 0;
  if (fields == axes_fields || fields == ranges_fields) {
    for (int i = 0; i < PP_NTOP && n < max; ++i)
      out[n++] = cfg_param_names[i];
    for (int side = 0; side < 2; ++side) {
      int k = tree_family(root, side);
      const char *prefix = side ? "providers." : "customers.";
      if (k < 0) {
        for (int i = 0; i < FP_COUNT && n < max; ++i)
          out[n++] = cfg_param_names[PP_NTOP + side * FP_COUNT + i];
        continue;
      }
      for (int i = 0; i < psw_family_nparams((psw_family_kind)k) && n < max; ++i) {
        char full[PSW_NAME_MAX];
        snprintf(full, sizeof full, "%s%s", prefix, psw_family_param_name((psw_family_kind)k, i));
        int idx = cfg_param_index(full);
        if (idx >= 0)
          out[n++] = cfg_param_names[idx];
      }
    }
    return n;
  }
  if (fields == family_fields) {
    int k = tree_family(root, map_name && strcmp(map_name, "providers") == 0);
    if (k >= 0) {
      out[n++] = "family";
      for (int i = 0; i < psw_family_nparams((psw_family_kind)k) && n < max; ++i)
        out[n++] = psw_family_param_name((psw_family_kind)k, i);
      return n;
    }
  }
  for (const cyaml_schema_field_t *f = fields; f->key && n < max; ++f)
    out[n++] = f->key;
  return n;
}

static const char *schema_kind(const cyaml_schema_value_t *sv) {
  if (!sv)
    return "another type";
  switch (sv->type) {
  case CYAML_FLOAT:
  case CYAML_INT:
  case CYAML_UINT:
    return "a number";
  case CYAML_STRING:
    return "a string";
  case CYAML_MAPPING:
    return "a mapping";
  case CYAML_SEQUENCE:
  case CYAML_SEQUENCE_FIXED:
    return "a sequence";
  default:
    return "another type";
  }
}

/* A plain empty scalar, ~ or null: YAML's "no value". */
static int is_null(const ynode *nd) {
  static const char *const forms[] = {"", "~", "null", "Null", "NULL"};
  if (!nd || nd->kind != YK_SCALAR || !nd->plain)
    return 0;
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; ++i)
    if (strcmp(nd->text, forms[i]) == 0)
      return 1;
  return 0;
}

static void node_kind(const ynode *nd, char *out, size_t len) {
  if (!nd)
    snprintf(out, len, "something else");
  else if (nd->kind == YK_MAP)
    snprintf(out, len, "a mapping");
  else if (nd->kind == YK_SEQ)
    snprintf(out, len, "a sequence");
  else if (is_null(nd))
    snprintf(out, len, "an empty value");
  else
    snprintf(out, len, "'%.60s'", nd->text);
}

/* One level of the backtrace path, located in the tree. */
typedef struct level {
  const ynode *node, *key;        /* value node at this path and its key (NULL: none) */
  const cyaml_schema_value_t *sv; /* schema of the value */
  const char *map_name;           /* last mapping field name on the path */
  char path[256];
  int found; /* node located in the tree */
} level;

/* Turn a failed load into one line. */
static psw_err translate(const char *file, const ynode *root, const cylog *L, cyaml_err_t err) {
  if (err == CYAML_ERR_OOM)
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
  level lv[MAX_STEPS + 1];
  memset(&lv[0], 0, sizeof lv[0]);
  lv[0].node = root;
  lv[0].sv = &top_schema;
  lv[0].found = root != NULL;
  int line = root ? root->line : 1, col = root ? root->col : 1;
  for (int i = 0; i < L->nstep; ++i) {
    const step *t = &L->st[i];
    const level *up = &lv[i];
    level *cur = &lv[i + 1];
    *cur = *up;
    cur->key = NULL;
    line = t->line;
    col = t->col;
    size_t pl = strlen(cur->path);
    if (!t->entry) {
      const cyaml_schema_field_t *f = find_field(up->sv, t->name);
      cur->sv = f ? &f->value : NULL;
      cfg_strf(cur->path + pl, sizeof cur->path - pl, "%s%s", pl ? "." : "", t->name);
      cur->map_name = t->name;
      cur->found = up->found && up->node && ymap_key(up->node, t->name);
      if (cur->found) {
        cur->key = ymap_key(up->node, t->name);
        cur->node = ymap_get(up->node, t->name);
      }
      continue;
    }
    cur->sv = up->sv && (up->sv->type == CYAML_SEQUENCE || up->sv->type == CYAML_SEQUENCE_FIXED)
                  ? up->sv->sequence.entry
                  : NULL;
    int idx = -1;
    if (up->found && up->node && up->node->kind == YK_SEQ)
      for (int j = 0; j < up->node->n && idx < 0; ++j)
        if (up->node->kid[j]->line == t->line && up->node->kid[j]->col == t->col)
          idx = j;
    cur->found = idx >= 0;
    if (idx >= 0)
      cur->node = up->node->kid[idx];
    cfg_strf(cur->path + pl, sizeof cur->path - pl, idx >= 0 ? "[%d]" : "[?]", idx);
  }
  const level *at = &lv[L->nstep];
  if (at->found && at->node) {
    line = at->node->line;
    col = at->node->col;
  }
  const char *msg = L->msg[0] ? L->msg : cyaml_strerror(err);
  char what[600], sub[600];

  static const char unexpected[] = "Unexpected key: ",
                    missing[] = "Missing required mapping field: ";
  int is_unexpected = strncmp(msg, unexpected, sizeof unexpected - 1) == 0;
  int is_missing = strncmp(msg, missing, sizeof missing - 1) == 0;
  if (is_unexpected || is_missing) {
    /* libcyaml's backtrace may still name the last field it loaded in the mapping: the
     * mapping meant is the deepest one on the path that has (unknown) or lacks (missing)
     * the key. */
    const char *name = msg + (is_unexpected ? sizeof unexpected - 1 : sizeof missing - 1);
    for (int i = L->nstep; i >= 0; --i) {
      const level *c = &lv[i];
      if (!c->found || !c->node || c->node->kind != YK_MAP || !c->sv ||
          c->sv->type != CYAML_MAPPING)
        continue;
      if (is_unexpected ? ymap_key(c->node, name) != NULL
                        : find_field(c->sv, name) && !ymap_key(c->node, name)) {
        at = c;
        break;
      }
    }
    cfg_strf(sub, sizeof sub, "%s%s%s", at->path, at->path[0] ? "." : "", name);
    if (is_missing) {
      const ynode *w = at->key ? at->key : at->node;
      return cfg_fail_at(PSW_ERR_CONFIG, file, w ? w->line : 1, w ? w->col : 1, sub,
                         "missing required key");
    }
    const ynode *kn = at->found ? ymap_key(at->node, name) : NULL;
    if (at->sv && at->sv->type == CYAML_MAPPING &&
        (at->sv->mapping.fields == axes_fields || at->sv->mapping.fields == ranges_fields) &&
        (strcmp(name, "customers.family") == 0 || strcmp(name, "providers.family") == 0))
      return cfg_fail_at(PSW_ERR_CONFIG, file, kn ? kn->line : line, kn ? kn->col : col, sub,
                         "a family cannot be swept: one config per family pair");
    const char *cands[64];
    int nc = at->sv && at->sv->type == CYAML_MAPPING
                 ? key_candidates(root, at->sv->mapping.fields, at->map_name, cands, 64)
                 : 0;
    cfg_suggest(name, cands, nc, what, sizeof what);
    return cfg_fail_at(PSW_ERR_CONFIG, file, kn ? kn->line : line, kn ? kn->col : col, sub,
                       "unknown key%s", what);
  }
  const ynode *node = at->found ? at->node : NULL;
  if (node && strncmp(msg, "Invalid ", 8) == 0 && strstr(msg, " value") &&
      node->kind == YK_SCALAR) {
    if (cfg_is_yaml_nonfinite(node->text))
      snprintf(what, sizeof what, "'%s' is not a finite number", node->text);
    else if (is_null(node))
      snprintf(what, sizeof what, "no value given (expected %s)", schema_kind(at->sv));
    else
      snprintf(what, sizeof what, "'%.200s' is not %s", node->text, schema_kind(at->sv));
    return cfg_fail_at(PSW_ERR_CONFIG, file, line, col, at->path, "%s", what);
  }
  if (strncmp(msg, "Expecting ", 10) == 0) {
    char got[100];
    node_kind(node, got, sizeof got);
    return cfg_fail_at(PSW_ERR_CONFIG, file, line, col, at->path[0] ? at->path : "(top level)",
                       "expected %s, got %s", schema_kind(at->sv), got);
  }
  return cfg_fail_at(PSW_ERR_CONFIG, file, line, col, at->path, "%s", msg);
}

psw_err cfg_typed_load(const char *file, const char *text, size_t len, const ynode *root,
                       y_config **out) {
  *out = NULL;
  logbuf lb = {.len = 0};
  lb.text[0] = '\0';
  cyaml_config_t yc = {.log_fn = log_capture,
                       .log_ctx = &lb,
                       .mem_fn = cyaml_mem,
                       .log_level = CYAML_LOG_ERROR,
                       .flags = CYAML_CFG_NO_ALIAS};
  y_config *y = NULL;
  cyaml_err_t err =
      cyaml_load_data((const uint8_t *)text, len, &yc, &top_schema, (cyaml_data_t **)&y, NULL);
  if (err != CYAML_OK) {
    cylog L;
    parse_log(lb.text, &L);
    return translate(file, root, &L, err);
  }
  *out = y;
  return PSW_OK;
}

void cfg_typed_free(y_config *y) {
  if (y)
    cyaml_free(&free_config, &top_schema, y, 0);
}

/* ---- strict numbers ---- */
static psw_err walk_numbers(const char *file, const ynode *nd, const cyaml_schema_value_t *sv,
                            const char *path) {
  if (!nd || !sv)
    return PSW_OK;
  if (sv->type == CYAML_FLOAT && nd->kind == YK_SCALAR) {
    double v;
    if (is_null(nd))
      return cfg_fail(file, nd, path, "no value given (expected a number)");
    if (cfg_parse_number(nd->text, &v) != 0)
      return cfg_fail(file, nd, path, "'%.200s' is not a number", nd->text);
    if (!isfinite(v))
      return cfg_fail(file, nd, path, "'%.200s' is not a finite number", nd->text);
    return PSW_OK;
  }
  char sub[512];
  if (sv->type == CYAML_MAPPING && nd->kind == YK_MAP) {
    for (int i = 0; i < nd->n; ++i) {
      const cyaml_schema_field_t *f = find_field(sv, nd->kid[2 * i]->text);
      if (!f)
        continue;
      snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->key);
      PSW_TRY(walk_numbers(file, nd->kid[2 * i + 1], &f->value, sub));
    }
  } else if ((sv->type == CYAML_SEQUENCE || sv->type == CYAML_SEQUENCE_FIXED) &&
             nd->kind == YK_SEQ) {
    for (int i = 0; i < nd->n; ++i) {
      snprintf(sub, sizeof sub, "%s[%d]", path, i);
      PSW_TRY(walk_numbers(file, nd->kid[i], sv->sequence.entry, sub));
    }
  }
  return PSW_OK;
}

psw_err cfg_check_numbers(const char *file, const ynode *root) {
  return walk_numbers(file, root, &top_schema, "");
}
