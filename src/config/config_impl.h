/* Private to src/config/: the YAML position tree (libyaml events), the libcyaml schema and
 * typed structs, parameter tables and the error helpers shared by parse.c, ytree.c,
 * schema.c, resolve.c and csv.c.
 *
 * Two passes read a config (SPEC §3):
 *   1. ytree_parse: libyaml's event parser builds a small tree that keeps mapping key
 *      order (axis order = dimension order) and the line/column of every key and value;
 *      it reports syntax errors, duplicate keys and aliases.
 *   2. cfg_typed_load: libcyaml loads the same text into the y_* structs with a strict
 *      schema (unknown keys, wrong types, missing required keys); its log is captured and
 *      turned into one line `file:line:col: key: what` using the tree for the position.
 * Then cfg_check_numbers re-reads every number strictly (libcyaml 1.3.1 takes "2.5abc" as
 * 2.5) and cfg_resolve validates the meaning and fills the psw_config. */
#ifndef PSW_CONFIG_IMPL_H
#define PSW_CONFIG_IMPL_H

#include <stddef.h>

#include <cyaml/cyaml.h>

#include "platsweep/config.h"

/* ---- parameter names (SPEC §1): 8 point parameters + 2 sides x the union of the
 * families' parameter names. tests/test_config.c checks the union against family.h. ---- */
#define PSW_CFG_TOP(X) X(a) X(b) X(e_m) X(e_n) X(c) X(d) X(f) X(g)
#define PSW_CFG_FAMP(X) X(alpha) X(beta) X(lo) X(hi) X(u0) X(s) X(A) X(mu) X(sigma) X(kappa) X(M)

enum {
#define PSW_CFG_E_(n) FP_##n,
  PSW_CFG_FAMP(PSW_CFG_E_)
#undef PSW_CFG_E_
      FP_COUNT
};

enum {
#define PSW_CFG_ET_(n) PP_##n,
#define PSW_CFG_EC_(n) PP_customers_##n,
#define PSW_CFG_EP_(n) PP_providers_##n,
  PSW_CFG_TOP(PSW_CFG_ET_) PSW_CFG_FAMP(PSW_CFG_EC_) PSW_CFG_FAMP(PSW_CFG_EP_)
#undef PSW_CFG_ET_
#undef PSW_CFG_EC_
#undef PSW_CFG_EP_
      PP_COUNT
};
#define PP_NTOP 8 /* PP_a .. PP_g */

/** Full names "a" ... "g", "customers.alpha" ... "providers.M"; shape [PP_COUNT]. */
extern const char *const cfg_param_names[PP_COUNT];
/** Family parameter names "alpha" ... "M"; shape [FP_COUNT]. */
extern const char *const cfg_famp_names[FP_COUNT];

/** Index of a full parameter name, or -1. */
int cfg_param_index(const char *name);

/* ---- the position tree ---- */
typedef enum ykind { YK_SCALAR, YK_SEQ, YK_MAP } ykind;

typedef struct ynode {
  ykind kind;
  int line, col;      /* 1-based start of the node */
  int plain;          /* scalar: plain (unquoted) style */
  char *text;         /* scalar: its value */
  int n;              /* seq: items; map: key/value pairs */
  struct ynode **kid; /* seq: shape [n] items; map: shape [2n] key0, value0, key1, ... */
} ynode;

/** Parse text into a tree; *root NULL for an empty document. Errors: PSW_ERR_CONFIG. */
psw_err ytree_parse(const char *file, const char *text, size_t len, ynode **root);
void ytree_free(ynode *node);
/** Key node / value node of `key` in a mapping (NULL if absent or map is not a mapping). */
const ynode *ymap_key(const ynode *map, const char *key);
const ynode *ymap_get(const ynode *map, const char *key);

/* ---- typed structs loaded by libcyaml (absent optional fields are NULL) ---- */
typedef struct y_axis {
  double *from, *to, *num;
  char *spacing;
  double *values;
  unsigned values_count;
} y_axis;

typedef struct y_axes {
  y_axis *p[PP_COUNT];
} y_axes;

typedef struct y_ranges {
  double *r[PP_COUNT];
  unsigned count[PP_COUNT];
} y_ranges;

typedef struct y_family {
  char *family;
  double *p[FP_COUNT];
} y_family;

typedef struct y_model {
  double *p[PP_NTOP];
  y_family *side[2]; /* customers, providers */
} y_model;

typedef struct y_sweep {
  char *design;
  y_axes *axes;
  char *file;
  double *points, *seed;
  y_ranges *ranges;
} y_sweep;

typedef struct y_solver {
  char *optimum, *equilibrium;
  double *tol, *max_iter;
} y_solver;

typedef struct y_output {
  char *path;
  double *compression; /* `variables` is read from the tree: `all` or a sequence */
} y_output;

typedef struct y_config {
  char *title;
  y_model *model;
  y_sweep *sweep;
  char **problems;
  unsigned problems_count;
  y_solver *solver;
  y_output *output;
} y_config;

/**
 * Typed load with libcyaml. On failure the captured log becomes one line naming file,
 * line, column (from the tree) and key. *out may be NULL on success (empty document).
 */
psw_err cfg_typed_load(const char *file, const char *text, size_t len, const ynode *root,
                       y_config **out);
void cfg_typed_free(y_config *y);

/** Strict re-read of every scalar the schema types as a number: full syntax, finite. */
psw_err cfg_check_numbers(const char *file, const ynode *root);

/** Semantic validation; fills cfg (cfg->path, cfg->text already set). */
psw_err cfg_resolve(const char *file, const ynode *root, const y_config *y, psw_config *cfg);

/* ---- list design (csv.c) ---- */
typedef struct cfg_ctx cfg_ctx;
/** Read and validate the CSV at cfg->list_path; `at` is the `sweep.file` value node. */
psw_err cfg_read_csv(cfg_ctx *c, const ynode *at);

/* ---- shared helpers ---- */
/** Strict number: the whole text is a number (strtod syntax, or YAML .inf/.nan forms).
 *  @return 0 and *v set, or -1. */
int cfg_parse_number(const char *text, double *v);
/** "-.inf", ".NaN", ...: the YAML 1.1/1.2 spellings of non-finite floats. */
int cfg_is_yaml_nonfinite(const char *text);

/** Suggestion for an unknown word: " (did you mean 'x'?)" or " (valid: a, b, ...)". */
void cfg_suggest(const char *word, const char *const *cands, int n, char *out, size_t len);

/** snprintf for key paths built from user keys of any length: truncation is intended (the
 *  va_list form keeps -Wformat-truncation quiet). */
void cfg_strf(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** One-line error `file:line:col: key: what` (key may be "" or NULL: omitted). */
psw_err cfg_fail_at(psw_err code, const char *file, int line, int col, const char *key,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/** cfg_fail_at with PSW_ERR_CONFIG at a node (NULL: 1:1). */
psw_err cfg_fail(const char *file, const ynode *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- resolution context, shared by resolve.c and csv.c ---- */
enum { SRC_NONE, SRC_MODEL, SRC_AXIS, SRC_COLUMN, SRC_RANGE };

struct cfg_ctx {
  const char *file;
  const ynode *root;
  const y_config *y;
  psw_config *cfg;
  psw_family_kind kind[2];
  int src[PP_COUNT];             /* where each parameter is given */
  const ynode *src_at[PP_COUNT]; /* its key node in the config (model or sweep) */
};

/**
 * Does the full parameter name `name` apply to the chosen families?
 * @return its index, or -1 with *why explaining ("unknown parameter (did you mean ...)",
 *         "not a parameter of the logit family (mu, s, M)").
 */
int cfg_param_lookup(const cfg_ctx *c, const char *name, char *why, size_t len);
/** Where the parameter is already given, for "also given in ..." (NULL if nowhere). */
const char *cfg_src_name(int src);
/** Open bounds lo < v < hi of a swept parameter given the fixed ones (-inf/+inf: none). */
void cfg_param_bounds(const cfg_ctx *c, int pp, double *lo, double *hi);
/** Is v inside cfg_param_bounds? @return 0, or -1 with *why like "0 is out of range (need
 *  customers.s > 0)". */
int cfg_check_value(const cfg_ctx *c, int pp, double v, char *why, size_t len);

#endif
