/* Helpers shared by the config module: parameter tables, one-line errors, "did you mean"
 * suggestions (Levenshtein distance) and strict number parsing. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_impl.h"

const char *const cfg_param_names[PP_COUNT] = {
#define PSW_CFG_NT_(n) #n,
#define PSW_CFG_NC_(n) "customers." #n,
#define PSW_CFG_NP_(n) "providers." #n,
    PSW_CFG_TOP(PSW_CFG_NT_) PSW_CFG_FAMP(PSW_CFG_NC_) PSW_CFG_FAMP(PSW_CFG_NP_)
#undef PSW_CFG_NT_
#undef PSW_CFG_NC_
#undef PSW_CFG_NP_
};

const char *const cfg_famp_names[FP_COUNT] = {
#define PSW_CFG_NF_(n) #n,
    PSW_CFG_FAMP(PSW_CFG_NF_)
#undef PSW_CFG_NF_
};

int cfg_param_index(const char *name) {
  for (int i = 0; i < PP_COUNT; ++i)
    if (strcmp(name, cfg_param_names[i]) == 0)
      return i;
  return -1;
}

void cfg_strf(char *out, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, len, fmt, ap);
  va_end(ap);
}

psw_err cfg_fail_at(psw_err code, const char *file, int line, int col, const char *key,
                    const char *fmt, ...) {
  char what[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (key && key[0])
    return psw_err_set(code, __FILE__, __LINE__, "%s:%d:%d: %s: %s", file, line, col, key, what);
  return psw_err_set(code, __FILE__, __LINE__, "%s:%d:%d: %s", file, line, col, what);
}

psw_err cfg_fail(const char *file, const ynode *at, const char *key, const char *fmt, ...) {
  char what[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return cfg_fail_at(PSW_ERR_CONFIG, file, at ? at->line : 1, at ? at->col : 1, key, "%s", what);
}

/* Levenshtein distance (insert, delete, substitute), for "did you mean". */
static int edit_distance(const char *s, const char *t) {
  size_t ls = strlen(s), lt = strlen(t);
  if (ls > 63 || lt > 63)
    return 99;
  int row[64];
  for (size_t j = 0; j <= lt; ++j)
    row[j] = (int)j;
  for (size_t i = 1; i <= ls; ++i) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= lt; ++j) {
      int up = row[j];
      int best = diag + (s[i - 1] != t[j - 1]);
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lt];
}

void cfg_suggest(const char *word, const char *const *cands, int n, char *out, size_t len) {
  int best = 99, ibest = -1;
  for (int i = 0; i < n; ++i) {
    int d = strcasecmp(word, cands[i]) == 0 ? 0 : edit_distance(word, cands[i]);
    if (d < best) {
      best = d;
      ibest = i;
    }
  }
  /* Close enough to be a typo: a case slip, or at most 2 edits that leave part of the word
   * (so 'x' does not "mean" 'a'), or a third of a long word. */
  int wl = (int)strlen(word);
  if (ibest >= 0 &&
      (strcasecmp(word, cands[ibest]) == 0 || (best <= 2 && best < wl) || best <= wl / 3)) {
    snprintf(out, len, " (did you mean '%s'?)", cands[ibest]);
    return;
  }
  size_t used = (size_t)snprintf(out, len, " (valid: ");
  for (int i = 0; i < n && used < len; ++i)
    used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", cands[i]);
  if (used < len)
    snprintf(out + used, len - used, ")");
}

int cfg_is_yaml_nonfinite(const char *t) {
  static const char *const forms[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF",
                                      "-.inf", "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN"};
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; ++i)
    if (strcmp(t, forms[i]) == 0)
      return 1;
  return 0;
}

int cfg_parse_number(const char *text, double *v) {
  if (cfg_is_yaml_nonfinite(text)) { /* .nan, [+-].inf */
    const char *dot = strchr(text, '.');
    *v = strcasecmp(dot + 1, "nan") == 0 ? (double)NAN : text[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return 0;
  }
  if (!text[0] || text[0] == ' ' || text[0] == '\t' || text[0] == '\n' || text[0] == '\r')
    return -1;
  char *end = NULL;
  errno = 0;
  double x = strtod(text, &end);
  if (end == text || *end != '\0')
    return -1;
  *v = x; /* overflow gives +-HUGE_VAL (not finite: the callers reject it) */
  return 0;
}
