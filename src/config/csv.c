/* The list design's CSV (SPEC §3): a header of parameter names, then one point per row.
 * Plain CSV: fields separated by commas, surrounding blanks ignored, no quoting (a field
 * may be wrapped in double quotes, which are dropped); blank lines and lines starting with
 * '#' are skipped; CRLF line ends are accepted. Errors name csv:line:col: column 'x'. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"

static psw_err nomem(void) {
  return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
}

/* Read a whole file; errno set on failure. */
static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    if (n + 1 >= cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        errno = ENOMEM;
        break;
      }
      buf = nb;
    }
    size_t k = fread(buf + n, 1, cap - n - 1, fp);
    n += k;
    if (k == 0) {
      if (ferror(fp)) {
        int e = errno ? errno : EIO;
        free(buf);
        buf = NULL;
        errno = e;
      }
      break;
    }
  }
  fclose(fp);
  if (buf) {
    buf[n] = '\0';
    *len = n;
  }
  return buf;
}

typedef struct field {
  char *s; /* trimmed, NUL-terminated in place */
  int col; /* 1-based */
} field;

/* Split line (NUL-terminated, modified in place) at commas; returns the field count, at
 * most max stored in f (the count keeps going past max). */
static int split(char *line, field *f, int max) {
  int n = 0;
  char *p = line;
  for (;;) {
    char *end = strchr(p, ',');
    if (end)
      *end = '\0';
    char *s = p;
    while (*s == ' ' || *s == '\t')
      ++s;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
      *--e = '\0';
    if (e - s >= 2 && s[0] == '"' && e[-1] == '"') {
      e[-1] = '\0';
      ++s;
    }
    if (n < max) {
      f[n].s = s;
      f[n].col = (int)(s - line) + 1;
    }
    ++n;
    if (!end)
      break;
    p = end + 1;
  }
  return n;
}

psw_err cfg_read_csv(cfg_ctx *c, const ynode *at) {
  psw_config *cfg = c->cfg;
  const char *csv = cfg->list_path;
  size_t len = 0;
  char *buf = slurp(csv, &len);
  if (!buf) {
    if (errno == ENOMEM)
      return nomem();
    return cfg_fail_at(PSW_ERR_INPUT, c->file, at->line, at->col, "sweep.file", "%s: %s", csv,
                       strerror(errno));
  }
  psw_err e = PSW_OK;
  field *f = NULL;
  int *pp = NULL;
  long cap = 0;
  int lineno = 0, header = 0, maxf = 0;
  char *p = buf, *end = buf + len;
  while (p < end && e == PSW_OK) {
    char *line = p, *nl = memchr(p, '\n', (size_t)(end - p));
    p = nl ? nl + 1 : end;
    if (nl)
      *nl = '\0';
    ++lineno;
    size_t ll = strlen(line);
    if (ll && line[ll - 1] == '\r')
      line[--ll] = '\0';
    const char *q = line;
    while (*q == ' ' || *q == '\t')
      ++q;
    if (!*q || *q == '#')
      continue;
    if (!header) {
      header = 1;
      maxf = 1;
      for (const char *r = line; *r; ++r)
        maxf += *r == ',';
      f = malloc((size_t)maxf * sizeof *f);
      pp = malloc((size_t)maxf * sizeof *pp);
      cfg->cols = calloc((size_t)maxf, sizeof *cfg->cols);
      if (!f || !pp || !cfg->cols) {
        e = nomem();
        break;
      }
      int n = split(line, f, maxf);
      for (int j = 0; j < n && e == PSW_OK; ++j) {
        char key[PSW_NAME_MAX + 16], why[400];
        snprintf(key, sizeof key, "column '%.*s'", PSW_NAME_MAX, f[j].s);
        if (!f[j].s[0]) {
          e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno, f[j].col, "",
                          "empty column name in the header (it lists parameter names)");
          break;
        }
        pp[j] = cfg_param_lookup(c, f[j].s, why, sizeof why);
        if (pp[j] < 0) {
          e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno, f[j].col, key, "%s", why);
          break;
        }
        if (c->src[pp[j]] == SRC_COLUMN) {
          e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno, f[j].col, key,
                          "appears twice in the header");
          break;
        }
        if (c->src[pp[j]] != SRC_NONE) {
          const ynode *w = c->src_at[pp[j]];
          e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno, f[j].col, key,
                          "also given as %s (%s:%d:%d): a parameter is either fixed or swept, once",
                          cfg_src_name(c->src[pp[j]]), c->file, w ? w->line : 1, w ? w->col : 1);
          break;
        }
        c->src[pp[j]] = SRC_COLUMN;
        c->src_at[pp[j]] = NULL;
        *psw_point_param(&cfg->base, cfg_param_names[pp[j]]) = NAN;
        snprintf(cfg->cols[j], PSW_NAME_MAX, "%s", cfg_param_names[pp[j]]);
        cfg->n_cols = j + 1;
      }
      continue;
    }
    /* a row */
    int nc = cfg->n_cols;
    int extra_col = (int)ll + 1; /* too many fields: where the first extra one starts */
    for (int i = 0, k = 0; i < (int)ll; ++i)
      if (line[i] == ',' && ++k == nc) {
        extra_col = i + 2;
        break;
      }
    int n = split(line, f, nc);
    if (n != nc) {
      int col = n < nc ? (int)ll + 1 : extra_col;
      e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno, col, "",
                      "%d field%s, but the header has %d (%s%s)", n, n == 1 ? "" : "s", nc,
                      cfg->cols[0], nc > 1 ? ", ..." : "");
      break;
    }
    if (cfg->n_rows == cap) {
      long ncap = cap ? 2 * cap : 1024;
      double *t = realloc(cfg->table, (size_t)ncap * (size_t)nc * sizeof *t);
      if (!t) {
        e = nomem();
        break;
      }
      cfg->table = t;
      cap = ncap;
    }
    double *row = cfg->table + (size_t)cfg->n_rows * (size_t)nc;
    for (int j = 0; j < nc; ++j) {
      char key[PSW_NAME_MAX + 16], why[400];
      snprintf(key, sizeof key, "column '%s'", cfg->cols[j]);
      double v;
      if (cfg_parse_number(f[j].s, &v) != 0) {
        e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno, f[j].col, key, "'%.60s' is not a number",
                        f[j].s);
        break;
      }
      if (!isfinite(v)) {
        e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno, f[j].col, key,
                        "'%.60s' is not a finite number", f[j].s);
        break;
      }
      if (cfg_check_value(c, pp[j], v, why, sizeof why) != 0) {
        e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno, f[j].col, key, "%s", why);
        break;
      }
      row[j] = v;
    }
    if (e == PSW_OK)
      cfg->n_rows++;
  }
  if (e == PSW_OK && !header)
    e = cfg_fail_at(PSW_ERR_CONFIG, csv, 1, 1, "",
                    "empty file: need a header line of parameter names, then one row per point");
  else if (e == PSW_OK && cfg->n_rows == 0)
    e = cfg_fail_at(PSW_ERR_CONFIG, csv, lineno + 1, 1, "",
                    "no points: the header has no rows below it");
  free(f);
  free(pp);
  free(buf);
  return e;
}
