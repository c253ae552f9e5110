/* Checkpoint records and config fingerprints (src/sweep/ckpt.h). */
#define _POSIX_C_SOURCE 200809L
#include "sweep/ckpt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/fault.h"
#include "platsweep/family.h"
#include "platsweep/version.h"

/* ---- fingerprint ---- */

typedef struct sbuf {
  char *s;
  size_t n, cap;
  int oom;
} sbuf;

static void add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(sbuf *b, const char *fmt, ...) {
  if (b->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    if (k < 0) {
      b->oom = 1;
      return;
    }
    if (b->s && b->n + (size_t)k < b->cap) {
      b->n += (size_t)k;
      return;
    }
    size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)k;
    char *t = realloc(b->s, cap);
    if (!t) {
      b->oom = 1;
      return;
    }
    b->s = t;
    b->cap = cap;
  }
}

/* The shortest %g text that reads back as exactly x ("0.6", not "0.59999999999999998"). */
static const char *num(double x, char *buf) {
  for (int p = 1; p <= 17; ++p) {
    snprintf(buf, 32, "%.*g", p, x);
    if (strtod(buf, NULL) == x) break;
  }
  return buf;
}

static uint32_t crc_doubles(const double *v, long n) {
  uLong c = crc32(0L, Z_NULL, 0);
  const unsigned char *p = (const unsigned char *)v;
  size_t bytes = (size_t)n * sizeof *v;
  while (bytes > 0) { /* zlib takes uInt lengths */
    uInt k = bytes > (1u << 30) ? (1u << 30) : (uInt)bytes;
    c = crc32(c, p, k);
    p += k;
    bytes -= k;
  }
  return (uint32_t)c;
}

psw_err psw_fingerprint(const psw_config *cfg, char **text) {
  sbuf b = {0};
  add(&b, "platsweep = %s (%s)\n", PSW_VERSION, PSW_GIT_DESCRIBE);
  add(&b, "title = %s\n", cfg->title ? cfg->title : "");
  psw_point base = cfg->base;
  static const char *top[] = {"a", "b", "e_m", "e_n", "c", "d", "f", "g"};
  char n1[32], n2[32];
  for (int i = 0; i < 8; ++i)
    add(&b, "model.%s = %s\n", top[i], num(*psw_point_param(&base, top[i]), n1));
  const psw_family *fams[2] = {&cfg->base.cust, &cfg->base.prov};
  const char *side[2] = {"customers", "providers"};
  for (int s = 0; s < 2; ++s) {
    add(&b, "model.%s.family = %s\n", side[s], psw_family_name(fams[s]->kind));
    psw_family f = *fams[s];
    for (int i = 0; i < psw_family_nparams(f.kind); ++i)
      add(&b, "model.%s.%s = %s\n", side[s], psw_family_param_name(f.kind, i),
          num(*psw_family_param_ptr(&f, i), n1));
  }
  static const char *dn[] = {"grid", "list", "lhs", "sobol"};
  add(&b, "sweep.design = %s\n", dn[cfg->design]);
  switch (cfg->design) {
  case PSW_DESIGN_GRID:
    add(&b, "sweep.axes =");
    for (int k = 0; k < cfg->n_axes; ++k) add(&b, "%s %s", k ? "," : "", cfg->axes[k].name);
    add(&b, "\n");
    for (int k = 0; k < cfg->n_axes; ++k) {
      const psw_axis *x = &cfg->axes[k];
      add(&b, "sweep.axes.%s = %ld values from %s to %s (crc32 %08x)\n", x->name, x->n,
          num(x->values[0], n1), num(x->values[x->n - 1], n2), crc_doubles(x->values, x->n));
    }
    break;
  case PSW_DESIGN_LIST:
    add(&b, "sweep.columns =");
    for (int k = 0; k < cfg->n_cols; ++k) add(&b, "%s %s", k ? "," : "", cfg->cols[k]);
    add(&b, "\nsweep.rows = %ld (crc32 %08x)\n", cfg->n_rows,
        crc_doubles(cfg->table, cfg->n_rows * cfg->n_cols));
    break;
  case PSW_DESIGN_LHS:
  case PSW_DESIGN_SOBOL:
    add(&b, "sweep.points = %ld\nsweep.seed = %lu\n", cfg->n_samples, cfg->seed);
    for (int k = 0; k < cfg->n_ranges; ++k)
      add(&b, "sweep.ranges.%s = [%s, %s]\n", cfg->ranges[k].name, num(cfg->ranges[k].lo, n1),
          num(cfg->ranges[k].hi, n2));
    break;
  }
  add(&b, "problems =");
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (cfg->problems & (1u << p)) add(&b, " %s", psw_problem_name((psw_problem)p));
  add(&b, "\n");
  for (int p = 0; p < PSW_PROBLEM_COUNT; ++p)
    if (cfg->problems & (1u << p))
      add(&b, "solver.%s = %s\n", psw_problem_name((psw_problem)p), cfg->solver[p]);
  add(&b, "solver.tol = %s\nsolver.max_iter = %d\n", num(cfg->tol, n1), cfg->max_iter);
  add(&b, "output.compression = %d\noutput.variables =", cfg->compression);
  if (cfg->all_variables) add(&b, " all");
  for (int i = 0; i < cfg->n_vars; ++i) add(&b, " %s", cfg->vars[i]);
  add(&b, "\n");
  if (b.oom) {
    free(b.s);
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "fingerprint: out of memory");
  }
  *text = b.s;
  return PSW_OK;
}

/* The value of `key` in a fingerprint ("key = value\n" lines); NULL if absent. */
static const char *find_key(const char *fp, const char *key, size_t klen, size_t *vlen) {
  for (const char *l = fp; l && *l;) {
    const char *eol = strchr(l, '\n');
    size_t n = eol ? (size_t)(eol - l) : strlen(l);
    if (n > klen + 3 && !strncmp(l, key, klen) && !strncmp(l + klen, " = ", 3)) {
      *vlen = n - klen - 3;
      return l + klen + 3;
    }
    l = eol ? eol + 1 : NULL;
  }
  return NULL;
}

/* First line of a that b lacks or has with another value: key/values into msg. */
static int first_diff(const char *a, const char *b, const char *a_name, const char *b_name,
                      char *msg, size_t len) {
  for (const char *l = a; l && *l;) {
    const char *eol = strchr(l, '\n');
    size_t n = eol ? (size_t)(eol - l) : strlen(l);
    const char *eqs = strstr(l, " = ");
    if (eqs && eqs < l + n) {
      size_t klen = (size_t)(eqs - l), va_len = n - klen - 3, vb_len = 0;
      const char *va = eqs + 3, *vb = find_key(b, l, klen, &vb_len);
      if (!vb || vb_len != va_len || strncmp(va, vb, va_len) != 0) {
        if (vb)
          snprintf(msg, len, "%.*s: %.*s %s, %.*s %s", (int)klen, l, (int)va_len, va, a_name,
                   (int)vb_len, vb, b_name);
        else
          snprintf(msg, len, "%.*s: %.*s %s, absent %s", (int)klen, l, (int)va_len, va, a_name,
                   b_name);
        return 1;
      }
    }
    l = eol ? eol + 1 : NULL;
  }
  return 0;
}

int psw_fingerprint_diff(const char *a, const char *b, const char *a_name, const char *b_name,
                         char *msg, size_t len) {
  if (!strcmp(a, b)) return 0;
  if (first_diff(a, b, a_name, b_name, msg, len)) return 1;
  if (first_diff(b, a, b_name, a_name, msg, len)) return 1;
  snprintf(msg, len, "the fingerprints differ in layout");
  return 1;
}

/* ---- records ---- */

static const char MAGIC[] = "platsweep-checkpoint 1\n";

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t k = write(fd, c, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    c += k;
    n -= (size_t)k;
  }
  return 0;
}

psw_err psw_ckpt_write(const char *path, const psw_ckpt *c) {
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 5);
  if (!tmp) return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: out of memory", path);
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".tmp", 5);
  char head[256];
  size_t fpn = strlen(c->fingerprint);
  int hn = snprintf(head, sizeof head, "%sunit_points %ld\nunits %ld\nfingerprint_bytes %zu\n",
                    MAGIC, c->unit_points, c->units, fpn);
  unsigned char le[4];
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, (const Bytef *)head, (uInt)hn);
  crc = crc32_z(crc, (const Bytef *)c->fingerprint, fpn);
  crc = crc32_z(crc, c->done, (size_t)c->units);
  psw_err rc = PSW_OK;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int ok = fd >= 0 && write_all(fd, head, (size_t)hn) == 0 &&
           write_all(fd, c->fingerprint, fpn) == 0 && write_all(fd, c->done, (size_t)c->units) == 0;
  /* the CRCs, little-endian, in blocks */
  uint32_t block[1024];
  unsigned char bytes[4 * 1024];
  for (long i = 0; ok && i < c->units; i += 1024) {
    long m = c->units - i < 1024 ? c->units - i : 1024;
    memcpy(block, c->crc + i, (size_t)m * 4);
    for (long j = 0; j < m; ++j) {
      bytes[4 * j] = (unsigned char)(block[j] & 0xff);
      bytes[4 * j + 1] = (unsigned char)((block[j] >> 8) & 0xff);
      bytes[4 * j + 2] = (unsigned char)((block[j] >> 16) & 0xff);
      bytes[4 * j + 3] = (unsigned char)((block[j] >> 24) & 0xff);
    }
    crc = crc32(crc, bytes, (uInt)(4 * m));
    ok = write_all(fd, bytes, (size_t)(4 * m)) == 0;
  }
  for (int j = 0; j < 4; ++j) le[j] = (unsigned char)((crc >> (8 * j)) & 0xff);
  ok = ok && write_all(fd, le, 4) == 0 && fsync(fd) == 0;
  int e = errno;
  if (fd >= 0 && close(fd) != 0 && ok) {
    ok = 0;
    e = errno;
  }
  psw_fault("checkpoint"); /* crash tests: a complete .tmp, the old record still in place */
  if (!ok || rename(tmp, path) != 0) {
    if (ok) e = errno;
    rc = psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: write checkpoint record: %s", path,
                     strerror(e));
    (void)unlink(tmp);
  } else {
    const char *slash = strrchr(path, '/');
    char dir[4096] = ".";
    if (slash) snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      (void)fsync(dfd); /* best effort: some file systems cannot sync a directory */
      close(dfd);
    }
  }
  free(tmp);
  return rc;
}

void psw_ckpt_fini(psw_ckpt *c) {
  free(c->fingerprint);
  free(c->done);
  free(c->crc);
  memset(c, 0, sizeof *c);
}

psw_err psw_ckpt_read(const char *path, psw_ckpt *c) {
  memset(c, 0, sizeof *c);
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errno == ENOENT)
      return psw_err_set(PSW_ERR_INPUT, __FILE__, __LINE__, "%s: no checkpoint record", path);
    return psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: %s", path, strerror(errno));
  }
  unsigned char *all = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? 2 * cap : 1 << 16;
      unsigned char *t = realloc(all, cap);
      if (!t) break;
      all = t;
    }
    size_t k = fread(all + n, 1, cap - n, f);
    n += k;
    if (k == 0) break;
  }
  int rd_err = ferror(f);
  fclose(f);
  psw_err rc = PSW_OK;
  long up = 0, units = 0;
  size_t fpn = 0;
  int hl = 0;
  if (rd_err || !all || n < sizeof MAGIC - 1 + 4 || memcmp(all, MAGIC, sizeof MAGIC - 1) != 0) {
    rc = psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: not a platsweep checkpoint record", path);
    goto done;
  }
  uLong want = crc32(0L, Z_NULL, 0);
  want = crc32_z(want, all, n - 4);
  uint32_t got = (uint32_t)all[n - 4] | (uint32_t)all[n - 3] << 8 | (uint32_t)all[n - 2] << 16 |
                 (uint32_t)all[n - 1] << 24;
  all[n - 4] = '\0'; /* the header parse below stops before the data anyway */
  if ((uint32_t)want != got ||
      sscanf((const char *)all + sizeof MAGIC - 1, "unit_points %ld\nunits %ld\nfingerprint_bytes %zu\n%n",
             &up, &units, &fpn, &hl) != 3 || hl <= 0 || up < 1 || units < 1) {
    rc = psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: damaged checkpoint record", path);
    goto done;
  }
  size_t off = sizeof MAGIC - 1 + (size_t)hl;
  if (off + fpn + (size_t)units * 5 + 4 != n) {
    rc = psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: damaged checkpoint record (size)", path);
    goto done;
  }
  c->unit_points = up;
  c->units = units;
  c->fingerprint = malloc(fpn + 1);
  c->done = malloc((size_t)units);
  c->crc = malloc((size_t)units * sizeof *c->crc);
  if (!c->fingerprint || !c->done || !c->crc) {
    rc = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: out of memory", path);
    goto done;
  }
  memcpy(c->fingerprint, all + off, fpn);
  c->fingerprint[fpn] = '\0';
  off += fpn;
  memcpy(c->done, all + off, (size_t)units);
  off += (size_t)units;
  for (long i = 0; i < units; ++i, off += 4)
    c->crc[i] = (uint32_t)all[off] | (uint32_t)all[off + 1] << 8 | (uint32_t)all[off + 2] << 16 |
                (uint32_t)all[off + 3] << 24;
done:
  free(all);
  if (rc != PSW_OK) psw_ckpt_fini(c);
  return rc;
}
