/* psw_config_load (include/platsweep/config.h): read the file, build the position tree,
 * typed load with libcyaml, strict numbers, semantic resolution (config_impl.h has the
 * plan). Decisions where SPEC §3 is silent are documented in config_impl.h and resolve.c:
 *   - `sweep` absent, or a grid with no axes: one point, the model's values;
 *   - `problems` absent: optimum, plus equilibrium when f and g are both given (as `point`);
 *   - `seed` optional (default 0); integers may be written 1e6 but must be whole;
 *   - output.path default: the config's base name with .yaml/.yml/.json replaced by .nc. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"

#define MAX_CONFIG_BYTES (16L << 20)

static psw_err read_text(const char *path, char **text, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return psw_err_set(PSW_ERR_INPUT, __FILE__, __LINE__, "%s: %s", path, strerror(errno));
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  psw_err e = PSW_OK;
  while (buf) {
    if (n + 1 >= cap) {
      if (cap >= (size_t)MAX_CONFIG_BYTES) {
        e = psw_err_set(PSW_ERR_CONFIG, __FILE__, __LINE__, "%s: larger than %ld MiB", path,
                        MAX_CONFIG_BYTES >> 20);
        break;
      }
      char *nb = realloc(buf, cap *= 2);
      if (!nb)
        break;
      buf = nb;
    }
    size_t k = fread(buf + n, 1, cap - n - 1, fp);
    n += k;
    if (k == 0) {
      if (ferror(fp))
        e = psw_err_set(PSW_ERR_INPUT, __FILE__, __LINE__, "%s: %s", path,
                        strerror(errno ? errno : EIO));
      break;
    }
  }
  fclose(fp);
  if (e == PSW_OK && !buf)
    e = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
  if (e != PSW_OK) {
    free(buf);
    return e;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return PSW_OK;
}

static psw_err check_root(const char *path, const ynode *root) {
  static const char keys[] = "title, model, sweep, problems, solver, output";
  if (!root)
    return cfg_fail(path, NULL, "", "empty config: need at least model (top-level keys: %s)", keys);
  if (root->kind != YK_MAP)
    return cfg_fail(path, root, "", "expected a mapping of top-level keys (%s), got a %s", keys,
                    root->kind == YK_SEQ ? "sequence" : "scalar");
  return PSW_OK;
}

psw_err psw_config_load(const char *path, psw_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  if (!path)
    return psw_err_set(PSW_ERR_USAGE, __FILE__, __LINE__, "no config file given");
  size_t len = 0;
  char *text = NULL;
  PSW_TRY(read_text(path, &text, &len));
  cfg->text = text;
  cfg->path = malloc(strlen(path) + 1);
  if (!cfg->path) {
    psw_config_fini(cfg);
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
  }
  strcpy(cfg->path, path);
  ynode *root = NULL;
  y_config *y = NULL;
  psw_err e = ytree_parse(path, text, len, &root);
  if (e == PSW_OK)
    e = check_root(path, root);
  if (e == PSW_OK)
    e = cfg_typed_load(path, text, len, root, &y);
  if (e == PSW_OK && !y)
    e = cfg_fail(path, root, "model", "missing required key");
  if (e == PSW_OK)
    e = cfg_check_numbers(path, root);
  if (e == PSW_OK)
    e = cfg_resolve(path, root, y, cfg);
  cfg_typed_free(y);
  ytree_free(root);
  if (e != PSW_OK)
    psw_config_fini(cfg);
  return e;
}

void psw_config_fini(psw_config *cfg) {
  if (!cfg)
    return;
  free(cfg->path);
  free(cfg->text);
  free(cfg->title);
  for (int i = 0; cfg->axes && i < cfg->n_axes; ++i)
    free(cfg->axes[i].values);
  free(cfg->axes);
  free(cfg->list_path);
  free(cfg->cols);
  free(cfg->table);
  free(cfg->ranges);
  free(cfg->out_path);
  free(cfg->vars);
  memset(cfg, 0, sizeof *cfg);
}

long psw_config_npoints(const psw_config *cfg) {
  switch (cfg->design) {
  case PSW_DESIGN_GRID: {
    long n = 1;
    for (int i = 0; i < cfg->n_axes; ++i)
      n *= cfg->axes[i].n;
    return n;
  }
  case PSW_DESIGN_LIST:
    return cfg->n_rows;
  default:
    return cfg->n_samples;
  }
}
