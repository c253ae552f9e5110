/* Tests of the netCDF-4-compatible HDF5 writer (include/platsweep/io.h, SPEC §5,
 * CONVENTIONS §1).
 *
 * Files are written in random batches (fixed seeds) that cross rows and planes, some ranges
 * left unwritten, then read back with the HDF5 C API and compared value by value, fill
 * values included: unwritten points must read NaN (f64) or -1 (integers). The layout checks
 * (creation order, scales, chunks, filters, attribute types) are the ones netCDF-C, xarray
 * and h5py rely on; tests/cli/test_io_readers.py checks those readers themselves.
 * No MPI_Init anywhere: the serial (sec2) driver of the parallel HDF5 build does not need it. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "io/h5out_impl.h"
#include "platsweep/io.h"
#include "test_util.h"

#define NAN_D ((double)NAN)
#define EQ 9

TestSuite(io, .timeout = 600);

/* ---- fixed-seed random numbers: next64, urand from test_util.h ---- */


static long irand(rng *r, long lo, long hi) { /* uniform in [lo, hi] */
  return lo + (long)(next64(r) % (uint64_t)(hi - lo + 1));
}


/* ---- scratch directories ---- */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(p);
}

typedef struct scratch {
  char dir[256];
} scratch;

static void scratch_init(scratch *s) {
  const char *t = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/psw_test_io_XXXXXX", t && t[0] ? t : "/tmp");
  cr_assert_not_null(mkdtemp(s->dir), "mkdtemp: %s", strerror(errno));
}

static void scratch_path(const scratch *s, const char *name, char *out, size_t n) {
  snprintf(out, n, "%s/%s", s->dir, name);
}

static void scratch_fini(scratch *s) { nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static int exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0;
}

/* ---- a test grid: dimensions, variables, expected contents ---- */

enum { V_F64, V_I8, V_I16, V_I64, V_EQF, V_EQI8, NV };

static const char *const status_meanings = "ok corner no_interior_optimum degenerate "
                                           "not_converged invalid";

static const psw_h5_var test_vars[NV] = {
    {"P_opt", PSW_VT_F64, 0, "1", "platform profit", NULL},
    {"status_opt", PSW_VT_I8, 0, NULL, "status of the optimum", NULL /* set below */},
    {"iter_optimum", PSW_VT_I16, 0, "1", "iterations", NULL},
    {"count64", PSW_VT_I64, 0, NULL, NULL, NULL},
    {"eq_m", PSW_VT_F64, 1, "1", "customer participation", NULL},
    {"eq_stable", PSW_VT_I8, 1, NULL, "stable", "unstable stable"},
};

static void make_vars(psw_h5_var *v) {
  memcpy(v, test_vars, sizeof test_vars);
  v[V_I8].flag_meanings = status_meanings;
}

static const size_t point_bytes[NV] = {8, 1, 2, 8, 8 * EQ, EQ};

/* Expected contents of every variable, [npoints] (or [npoints][9]), starting as fill. */
typedef struct expect {
  long np;
  double *f64, *eqf;
  int8_t *i8, *eqi8;
  int16_t *i16;
  int64_t *i64;
} expect;

static void expect_init(expect *e, long np) {
  e->np = np;
  e->f64 = malloc((size_t)np * sizeof *e->f64);
  e->eqf = malloc((size_t)np * EQ * sizeof *e->eqf);
  e->i8 = malloc((size_t)np);
  e->eqi8 = malloc((size_t)np * EQ);
  e->i16 = malloc((size_t)np * sizeof *e->i16);
  e->i64 = malloc((size_t)np * sizeof *e->i64);
  cr_assert(e->f64 && e->eqf && e->i8 && e->eqi8 && e->i16 && e->i64);
  for (long i = 0; i < np; ++i) {
    e->f64[i] = NAN_D;
    e->i8[i] = -1;
    e->i16[i] = -1;
    e->i64[i] = -1;
    for (int j = 0; j < EQ; ++j) {
      e->eqf[i * EQ + j] = NAN_D;
      e->eqi8[i * EQ + j] = -1;
    }
  }
}

static void expect_fini(expect *e) {
  free(e->f64), free(e->eqf), free(e->i8), free(e->eqi8), free(e->i16), free(e->i64);
}

static void *expect_ptr(const expect *e, int var, long p) {
  switch (var) {
  case V_F64:
    return e->f64 + p;
  case V_I8:
    return e->i8 + p;
  case V_I16:
    return e->i16 + p;
  case V_I64:
    return e->i64 + p;
  case V_EQF:
    return e->eqf + p * EQ;
  default:
    return e->eqi8 + p * EQ;
  }
}

/* Random values for points [s, s + n) of every variable: into a batch buffer (what the
 * caller writes) and into the expectation. Equilibrium rows are filled like the solver does:
 * k random slots then NaN / -1. */
static void make_batch(rng *r, expect *e, long s, long n, unsigned char *buf[NV]) {
  for (long i = 0; i < n; ++i) {
    long p = s + i;
    e->f64[p] = urand(r) * 100 - 50;
    e->i8[p] = (int8_t)irand(r, 0, 5);
    e->i16[p] = (int16_t)irand(r, 0, 30000);
    e->i64[p] = (int64_t)(next64(r) >> 2);
    long k = irand(r, 0, EQ);
    for (int j = 0; j < EQ; ++j) {
      e->eqf[p * EQ + j] = j < k ? urand(r) : NAN_D;
      e->eqi8[p * EQ + j] = (int8_t)(j < k ? irand(r, 0, 1) : -1);
    }
  }
  for (int v = 0; v < NV; ++v)
    memcpy(buf[v], expect_ptr(e, v, s), (size_t)n * point_bytes[v]);
}

/* Write random batches (1..maxb points) covering [0, np), skipping about one batch in
 * `skip_every` (those points must stay fill), in a shuffled order. */
static void write_random(psw_h5out *h, rng *r, expect *e, long maxb, int skip_every,
                         long *written) {
  long np = e->np, nb = 0;
  long *bs = malloc((size_t)np * sizeof *bs), *bn = malloc((size_t)np * sizeof *bn);
  cr_assert(bs && bn);
  for (long s = 0; s < np;) {
    long n = irand(r, 1, maxb);
    if (n > np - s)
      n = np - s;
    bs[nb] = s, bn[nb++] = n;
    s += n;
  }
  for (long i = nb - 1; i > 0; --i) { /* Fisher-Yates */
    long j = irand(r, 0, i), t = bs[i];
    bs[i] = bs[j], bs[j] = t, t = bn[i], bn[i] = bn[j], bn[j] = t;
  }
  unsigned char *buf[NV];
  for (int v = 0; v < NV; ++v)
    cr_assert_not_null(buf[v] = malloc((size_t)maxb * point_bytes[v]));
  *written = 0;
  for (long b = 0; b < nb; ++b) {
    if (skip_every > 0 && irand(r, 1, skip_every) == 1)
      continue;
    make_batch(r, e, bs[b], bn[b], buf);
    for (int v = 0; v < NV; ++v)
      cr_assert_eq(psw_h5out_write(h, v, bs[b], bn[b], buf[v]), PSW_OK,
                   "write var %d [%ld, +%ld): %s", v, bs[b], bn[b], psw_err_msg());
    *written += bn[b];
  }
  for (int v = 0; v < NV; ++v)
    free(buf[v]);
  free(bs), free(bn);
}

/* ---- reading back ---- */

static hid_t open_ro(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0, "H5Fopen %s", path);
  return f;
}

static void read_all(hid_t f, const char *name, hid_t mt, void *buf) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  cr_assert_geq(d, 0, "H5Dopen2 %s", name);
  cr_assert_geq(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), 0, "H5Dread %s", name);
  H5Dclose(d);
}

static int same_f64(double a, double b) {
  return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0; /* bit-exact */
}

/* Every value of every variable equals the expectation (fills included). */
static void check_contents(const char *path, const expect *e) {
  long np = e->np;
  hid_t f = open_ro(path);
  double *f64 = malloc((size_t)np * EQ * sizeof *f64);
  int64_t *i64 = malloc((size_t)np * sizeof *i64);
  int16_t *i16 = malloc((size_t)np * sizeof *i16);
  int8_t *i8 = malloc((size_t)np * EQ);
  cr_assert(f64 && i64 && i16 && i8);

  read_all(f, "P_opt", H5T_NATIVE_DOUBLE, f64);
  for (long p = 0; p < np; ++p)
    cr_assert(same_f64(f64[p], e->f64[p]), "%s P_opt[%ld] = %g, want %g", path, p, f64[p],
              e->f64[p]);
  read_all(f, "eq_m", H5T_NATIVE_DOUBLE, f64);
  for (long p = 0; p < np * EQ; ++p)
    cr_assert(same_f64(f64[p], e->eqf[p]), "%s eq_m[%ld][%ld] = %g, want %g", path, p / EQ, p % EQ,
              f64[p], e->eqf[p]);
  read_all(f, "status_opt", H5T_NATIVE_INT8, i8);
  for (long p = 0; p < np; ++p)
    cr_assert_eq(i8[p], e->i8[p], "%s status_opt[%ld] = %d, want %d", path, p, i8[p], e->i8[p]);
  read_all(f, "eq_stable", H5T_NATIVE_INT8, i8);
  for (long p = 0; p < np * EQ; ++p)
    cr_assert_eq(i8[p], e->eqi8[p], "%s eq_stable[%ld][%ld] = %d, want %d", path, p / EQ, p % EQ,
                 i8[p], e->eqi8[p]);
  read_all(f, "iter_optimum", H5T_NATIVE_INT16, i16);
  for (long p = 0; p < np; ++p)
    cr_assert_eq(i16[p], e->i16[p], "%s iter_optimum[%ld] = %d, want %d", path, p, i16[p],
                 e->i16[p]);
  read_all(f, "count64", H5T_NATIVE_INT64, i64);
  for (long p = 0; p < np; ++p)
    cr_assert_eq(i64[p], e->i64[p], "%s count64[%ld]", path, p);
  free(f64), free(i64), free(i16), free(i8);
  cr_assert_geq(H5Fclose(f), 0);
}

/* A scalar vlen UTF-8 string attribute, compared with want. */
static void check_string_attr(hid_t obj, const char *name, const char *want) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  cr_assert_geq(a, 0, "attribute %s missing", name);
  hid_t t = H5Aget_type(a), s = H5Aget_space(a);
  cr_assert_eq(H5Tget_class(t), H5T_STRING, "%s: not a string", name);
  cr_assert_gt(H5Tis_variable_str(t), 0, "%s: not variable-length", name);
  cr_assert_eq(H5Tget_cset(t), H5T_CSET_UTF8, "%s: not UTF-8", name);
  cr_assert_eq(H5Sget_simple_extent_type(s), H5S_SCALAR, "%s: not scalar", name);
  char *got = NULL;
  cr_assert_geq(H5Aread(a, t, &got), 0);
  cr_assert_str_eq(got, want, "%s", name);
  H5free_memory(got);
  H5Sclose(s), H5Tclose(t), H5Aclose(a);
}

/* ---- the chunk rule and the decomposition, without files ---- */

Test(io, chunk_shape) {
  struct {
    int nd;
    long len[4], points, want[4];
  } cases[] = {
      {3, {4, 3, 2}, 131072, {4, 3, 2}},    /* everything fits: one chunk */
      {3, {50, 40, 30}, 1000, {1, 20, 30}}, /* 33 rows fit; 2 even chunks of 20 */
      {1, {100}, 60, {50}},                 /* 100 at 60: two chunks of 50 */
      {2, {10, 1000}, 500, {1, 500}},       /* the last axis itself is split */
      {2, {7, 5}, 10, {2, 5}},              /* 2 rows of 5; 4 chunks along axis 0 */
      {4, {3, 4, 5, 2}, 1, {1, 1, 1, 1}},   /* one point per chunk */
      {2, {1000, 100}, 131072, {1000, 100}},
      {2, {3000, 100}, 131072, {1000, 100}}, /* 1310 rows fit: 3 chunks of 1000 */
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    long got[4];
    psw_h5out_chunk_shape(cases[c].nd, cases[c].len, cases[c].points, got);
    for (int k = 0; k < cases[c].nd; ++k)
      cr_assert_eq(got[k], cases[c].want[k], "case %zu axis %d: %ld, want %ld", c, k, got[k],
                   cases[c].want[k]);
  }
  /* ~1 MiB per chunk by default: f64 131072 points, an f64 eq variable 14563 points. */
  cr_assert_eq(psw_h5out_default_chunk_points(8), 131072);
  cr_assert_eq(psw_h5out_default_chunk_points(72), 14563);
  cr_assert_eq(psw_h5out_default_chunk_points(1), 1048576);
  cr_assert_eq(psw_h5out_default_chunk_points(0), 1048576);

  /* Properties on random shapes: within the array, at most `points` points, whole after the
   * split axis, 1 before it, and not wastefully small (> points / 2 when the array is larger). */
  rng r = {42};
  int trials = psw_test_count(20000, 1000);
  for (int t = 0; t < trials; ++t) {
    int nd = (int)irand(&r, 1, 5);
    long len[5], chunk[5], total = 1;
    for (int k = 0; k < nd; ++k)
      total *= len[k] = irand(&r, 1, 40);
    long points = irand(&r, 1, 3000);
    psw_h5out_chunk_shape(nd, len, points, chunk);
    long prod = 1;
    int split = -1;
    for (int k = nd - 1; k >= 0; --k) {
      cr_assert(chunk[k] >= 1 && chunk[k] <= len[k]);
      prod *= chunk[k];
      if (chunk[k] != len[k] && split < 0)
        split = k;
    }
    cr_assert_leq(prod, points > total ? total : points);
    for (int k = 0; k < split; ++k)
      cr_assert_eq(chunk[k], 1);
    /* prod >= max(trail, (points - trail) / 2) >= points / 3 */
    if (total > points)
      cr_assert_geq(3 * prod, points, "chunk too small: %ld for %ld", prod, points);
  }
}

typedef struct slab_log {
  int nd;
  const long *len;
  long start, next, nslabs;
} slab_log;

static psw_err check_slab(void *ctx, const psw_h5out_slab *s) {
  slab_log *l = ctx;
  cr_assert_eq(s->first, l->next, "slabs out of order or with a gap");
  long flat = 0, stride = 1, n = 1;
  int k = l->nd - 1;
  for (; k >= 0 && s->start[k] == 0 && s->count[k] == l->len[k]; --k)
    n *= l->len[k];
  /* axis k is the split axis: any rows; axes before it: one row */
  if (k >= 0) {
    cr_assert(s->count[k] >= 1 && s->start[k] + s->count[k] <= l->len[k]);
    n *= s->count[k];
    for (int j = 0; j < k; ++j)
      cr_assert_eq(s->count[j], 1, "not a C-contiguous slab");
  }
  for (int j = l->nd - 1; j >= 0; --j) {
    flat += s->start[j] * stride;
    stride *= l->len[j];
  }
  cr_assert_eq(flat, l->start + s->first, "slab starts at point %ld, want %ld", flat,
               l->start + s->first);
  cr_assert_eq(s->n, n);
  l->next += s->n;
  ++l->nslabs;
  return PSW_OK;
}

Test(io, decompose_tiles_ranges) {
  rng r = {7};
  int trials = psw_test_count(300, 30);
  for (int t = 0; t < trials; ++t) {
    int nd = (int)irand(&r, 1, 4);
    long len[4], total = 1;
    for (int k = 0; k < nd; ++k)
      total *= len[k] = irand(&r, 1, 6);
    for (long s = 0; s < total; ++s)
      for (long c = 1; s + c <= total; ++c) {
        slab_log l = {nd, len, s, 0, 0};
        cr_assert_eq(psw_h5out_decompose(nd, len, s, c, check_slab, &l), PSW_OK);
        cr_assert_eq(l.next, c, "range [%ld, +%ld) not covered", s, c);
        cr_assert_leq(l.nslabs, 2 * nd - 1, "%ld slabs for %d dims", l.nslabs, nd);
        if (s == 0 && c == total)
          cr_assert_eq(l.nslabs, 1, "the whole array is one slab");
      }
  }
  long len[3] = {4, 3, 2};
  slab_log l = {3, len, 0, 0, 0};
  cr_assert_eq(psw_h5out_decompose(3, len, 20, 5, check_slab, &l), PSW_ERR_BUG);
}

/* ---- files ---- */

static const double coord_a[] = {0.5, 1.0, 1.5, 2.0}, coord_b[] = {0.0, 1.5, 3.0},
                    coord_ps[] = {0.2, 1.0};

static psw_h5out *create_grid(const char *path, int compression, long chunk_points) {
  const psw_h5_dim dims[] = {
      {"a", 4, coord_a, "1", "customers' benefit per provider"},
      {"b", 3, coord_b, "1", NULL},
      {"providers_s", 2, coord_ps, NULL, "providers: logit spread s"},
  };
  const psw_h5_attr attrs[] = {{"title", "io test: θ — UTF-8"}, {"config", "a: [1, 2]\nb: 3\n"}};
  psw_h5_var vars[NV];
  make_vars(vars);
  psw_h5out *h = NULL;
  cr_assert_eq(psw_h5out_create(path, 3, dims, NV, vars, 2, attrs, compression, chunk_points, &h),
               PSW_OK, "create %s: %s", path, psw_err_msg());
  cr_assert_not_null(h);
  return h;
}

/* A 3-D grid in random batches, some left unwritten; compression 0 and 4; read back. */
Test(io, grid_random_batches) {
  scratch sc;
  scratch_init(&sc);
  int rounds = psw_test_count(12, 2);
  for (int round = 0; round < rounds; ++round) {
    int compression = round % 2 ? 4 : 0;
    char path[512];
    snprintf(path, sizeof path, "%s/grid%d.nc", sc.dir, round);
    rng r = {1000u + (uint64_t)round};
    psw_h5out *h = create_grid(path, compression, 0);
    expect e;
    expect_init(&e, 24);
    long written;
    write_random(h, &r, &e, 9, round == 0 ? 0 : 4, &written); /* crosses rows (2), planes (6) */
    if (round == 0)
      cr_assert_eq(written, 24);
    cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
    cr_assert_null(h);
    check_contents(path, &e);
    expect_fini(&e);
  }
  scratch_fini(&sc);
}

/* A 4-D grid (3, 5, 4, 2). */
static const double c4_0[] = {1, 2, 3}, c4_1[] = {1, 2, 3, 4, 5}, c4_2[] = {0, 1, 2, 3},
                    c4_3[] = {7, 8};
static const psw_h5_dim dims4d[] = {{"w", 3, c4_0, NULL, NULL},
                                    {"x", 5, c4_1, NULL, NULL},
                                    {"y", 4, c4_2, NULL, NULL},
                                    {"z", 2, c4_3, NULL, NULL}};

/* 4-D, several chunks per variable (chunk_points small), batches up to 40 points. */
Test(io, grid4d_many_chunks) {
  scratch sc;
  scratch_init(&sc);
  const psw_h5_dim *dims = dims4d;
  psw_h5_var vars[NV];
  make_vars(vars);
  int rounds = psw_test_count(6, 2);
  for (int round = 0; round < rounds; ++round) {
    char path[512];
    snprintf(path, sizeof path, "%s/g4_%d.nc", sc.dir, round);
    psw_h5out *h = NULL;
    cr_assert_eq(psw_h5out_create(path, 4, dims, NV, vars, 0, NULL, round % 3, 16, &h), PSW_OK,
                 "%s", psw_err_msg());
    rng r = {77u + (uint64_t)round};
    expect e;
    expect_init(&e, 120);
    long written;
    write_random(h, &r, &e, 40, 3, &written);
    if (round % 2)
      cr_assert_eq(psw_h5out_flush(h), PSW_OK);
    cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
    check_contents(path, &e);
    /* chunk_points = 16 over (3, 5, 4, 2): y, z whole (8 points), 2 rows of x -> (1, 2, 4, 2);
     * the eq axis whole */
    hid_t f = open_ro(path), d = H5Dopen2(f, "eq_m", H5P_DEFAULT), p = H5Dget_create_plist(d);
    hsize_t cd[5];
    cr_assert_eq(H5Pget_chunk(p, 5, cd), 5);
    cr_assert(cd[0] == 1 && cd[1] == 2 && cd[2] == 4 && cd[3] == 2 && cd[4] == 9,
              "chunk (%llu %llu %llu %llu %llu)", (unsigned long long)cd[0],
              (unsigned long long)cd[1], (unsigned long long)cd[2], (unsigned long long)cd[3],
              (unsigned long long)cd[4]);
    H5Pclose(p), H5Dclose(d), H5Fclose(f);
    expect_fini(&e);
  }
  scratch_fini(&sc);
}

/* Chunks encoded by the caller (psw_h5out_encode_chunk, two encoders as two threads would
 * use) and stored with psw_h5out_write_chunk read back through HDF5's own filter pipeline:
 * 4-D with a short last chunk on the split axis, eq variables, 1-byte types (shuffle no-op),
 * deflate 1 and 9, units in random order, some left unwritten (fill). */
Test(io, encoded_chunks) {
  scratch sc;
  scratch_init(&sc);
  const psw_h5_dim *dims = dims4d;
  psw_h5_var vars[NV];
  make_vars(vars);
  for (int round = 0; round < 4; ++round) {
    char path[512];
    snprintf(path, sizeof path, "%s/enc%d.nc", sc.dir, round);
    psw_h5out *h = NULL;
    int level = round % 2 ? 9 : 1;
    cr_assert_eq(psw_h5out_create(path, 4, dims, NV, vars, 0, NULL, level, 16, &h), PSW_OK, "%s",
                 psw_err_msg());
    cr_assert(psw_h5out_can_encode(h));
    psw_h5_encoder *en[2] = {NULL, NULL};
    for (int t = 0; t < 2; ++t)
      cr_assert_eq(psw_h5_encoder_new(h, &en[t]), PSW_OK, "%s", psw_err_msg());
    /* chunks (1, 2, 4, 2): units of 16 points, the last one on x of 8 */
    long us[9], un[9];
    int nu = 0;
    for (long w = 0; w < 3; ++w)
      for (long x0 = 0; x0 < 5; x0 += 2, ++nu) {
        us[nu] = (w * 5 + x0) * 8;
        un[nu] = (x0 + 2 <= 5 ? 2 : 1) * 8;
      }
    rng r = {500u + (uint64_t)round};
    for (int i = nu - 1; i > 0; --i) {
      long j = irand(&r, 0, i), t = us[i];
      us[i] = us[j], us[j] = t, t = un[i], un[i] = un[j], un[j] = t;
    }
    expect e;
    expect_init(&e, 120);
    unsigned char *buf[NV];
    for (int v = 0; v < NV; ++v)
      cr_assert_not_null(buf[v] = malloc(16 * point_bytes[v]));
    psw_h5_chunk ch[NV];
    memset(ch, 0, sizeof ch);
    for (int u = 0; u < nu; ++u) {
      if (round > 1 && u % 4 == 3)
        continue; /* unwritten: must read as fill */
      make_batch(&r, &e, us[u], un[u], buf);
      for (int v = 0; v < NV; ++v) {
        cr_assert_eq(psw_h5out_encode_chunk(h, en[(u + v) % 2], v, us[u], un[u], buf[v], &ch[v]),
                     PSW_OK, "encode var %d unit at %ld: %s", v, us[u], psw_err_msg());
        cr_assert_eq(psw_h5out_write_chunk(h, v, &ch[v]), PSW_OK, "%s", psw_err_msg());
      }
    }
    /* a range that is not one chunk is refused, whatever it straddles */
    cr_assert_eq(psw_h5out_encode_chunk(h, en[0], 0, 8, 16, buf[0], &ch[0]), PSW_ERR_BUG);
    cr_assert_eq(psw_h5out_encode_chunk(h, en[0], 0, 0, 32, buf[0], &ch[0]), PSW_ERR_BUG);
    cr_assert_eq(psw_h5out_encode_chunk(h, en[0], 0, 0, 8, buf[0], &ch[0]), PSW_ERR_BUG);
    for (int v = 0; v < NV; ++v) {
      psw_h5_chunk_free(&ch[v]);
      free(buf[v]);
    }
    for (int t = 0; t < 2; ++t) {
      psw_h5_encoder_free(&en[t]);
      cr_assert_null(en[t]);
    }
    cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
    check_contents(path, &e);
    expect_fini(&e);
  }
  /* no encoding for an uncompressed file: the writer's own path */
  char path[512];
  snprintf(path, sizeof path, "%s/enc_none.nc", sc.dir);
  psw_h5out *h = create_grid(path, 0, 0);
  psw_h5_encoder *en = NULL;
  cr_assert_not(psw_h5out_can_encode(h));
  cr_assert_eq(psw_h5_encoder_new(h, &en), PSW_ERR_BUG);
  cr_assert_null(en);
  psw_h5out_abort(&h);
  scratch_fini(&sc);
}

/* Everything readers rely on, checked on one compressed and one uncompressed file. */
Test(io, layout_and_attributes) {
  scratch sc;
  scratch_init(&sc);
  for (int compression = 0; compression <= 4; compression += 4) {
    char path[512];
    snprintf(path, sizeof path, "%s/layout%d.nc", sc.dir, compression);
    psw_h5out *h = create_grid(path, compression, 0);
    cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
    hid_t f = open_ro(path);

    /* creation order tracked and indexed, as netCDF-4 writes it: links and attributes of the
     * root group (the file creation list set them; HDF5 reports them on the group) and the
     * attributes of every dataset */
    const unsigned both = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    hid_t root = H5Gopen2(f, "/", H5P_DEFAULT), gcpl = H5Gget_create_plist(root);
    unsigned lo = 0, ao = 0;
    cr_assert_geq(H5Pget_link_creation_order(gcpl, &lo), 0);
    cr_assert_geq(H5Pget_attr_creation_order(gcpl, &ao), 0);
    cr_assert_eq(lo, both);
    cr_assert_eq(ao, both);
    H5Pclose(gcpl), H5Gclose(root);
    /* default libver bounds: superblock version 0, readable by HDF5 1.8 */
    H5F_info2_t fi;
    cr_assert_geq(H5Fget_info2(f, &fi), 0);
    cr_assert_eq(fi.super.version, 0);

    /* links in creation order: coordinates, eq, variables */
    const char *order[] = {"a",     "b",          "providers_s",  "eq",
                           "P_opt", "status_opt", "iter_optimum", "count64",
                           "eq_m",  "eq_stable"};
    for (int i = 0; i < 10; ++i) {
      char name[64];
      cr_assert_gt(H5Lget_name_by_idx(f, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, (hsize_t)i, name,
                                      sizeof name, H5P_DEFAULT),
                   0);
      cr_assert_str_eq(name, order[i], "link %d", i);
    }

    /* global attributes: Conventions first, then the caller's, all scalar vlen UTF-8 */
    const char *gattr[] = {"Conventions", "title", "config"};
    for (int i = 0; i < 3; ++i) {
      char name[64];
      cr_assert_gt(H5Aget_name_by_idx(f, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, (hsize_t)i, name,
                                      sizeof name, H5P_DEFAULT),
                   0);
      cr_assert_str_eq(name, gattr[i]);
    }
    check_string_attr(f, "Conventions", "CF-1.10");
    check_string_attr(f, "title", "io test: θ — UTF-8");
    check_string_attr(f, "config", "a: [1, 2]\nb: 3\n");

    /* coordinates: values, types, dimension scales named like the dimension */
    hid_t co[4];
    const char *cname[4] = {"a", "b", "providers_s", "eq"};
    for (int k = 0; k < 4; ++k) {
      co[k] = H5Dopen2(f, cname[k], H5P_DEFAULT);
      cr_assert_geq(co[k], 0);
      cr_assert_gt(H5DSis_scale(co[k]), 0, "%s is not a dimension scale", cname[k]);
      char sname[64] = "";
      cr_assert_gt(H5DSget_scale_name(co[k], sname, sizeof sname), 0);
      cr_assert_str_eq(sname, cname[k]);
      hid_t t = H5Dget_type(co[k]);
      cr_assert_gt(H5Tequal(t, k < 3 ? H5T_IEEE_F64LE : H5T_STD_I64LE), 0, "%s type", cname[k]);
      H5Tclose(t);
    }
    double ca[4];
    read_all(f, "a", H5T_NATIVE_DOUBLE, ca);
    cr_assert(memcmp(ca, coord_a, sizeof ca) == 0);
    read_all(f, "providers_s", H5T_NATIVE_DOUBLE, ca);
    cr_assert(ca[0] == 0.2 && ca[1] == 1.0);
    int64_t ce[9];
    read_all(f, "eq", H5T_NATIVE_INT64, ce);
    for (int j = 0; j < 9; ++j)
      cr_assert_eq(ce[j], j);
    check_string_attr(co[0], "units", "1");
    check_string_attr(co[0], "long_name", "customers' benefit per provider");
    cr_assert_eq(H5Aexists(co[1], "long_name"), 0, "NULL long_name must not be written");
    cr_assert_eq(H5Aexists(co[2], "units"), 0, "NULL units must not be written");

    /* variables */
    psw_h5_var vars[NV];
    make_vars(vars);
    for (int v = 0; v < NV; ++v) {
      hid_t d = H5Dopen2(f, vars[v].name, H5P_DEFAULT);
      cr_assert_geq(d, 0, "%s", vars[v].name);
      int rank = vars[v].eq ? 4 : 3;
      for (int k = 0; k < rank; ++k)
        cr_assert_gt(H5DSis_attached(d, co[k < 3 ? k : 3], (unsigned)k), 0,
                     "%s axis %d: scale %s not attached", vars[v].name, k, cname[k < 3 ? k : 3]);
      hid_t p = H5Dget_create_plist(d), t = H5Dget_type(d);
      cr_assert_geq(H5Pget_attr_creation_order(p, &ao), 0);
      cr_assert_eq(ao, both, "%s: attribute creation order", vars[v].name);
      cr_assert_eq(H5Pget_layout(p), H5D_CHUNKED, "%s not chunked", vars[v].name);
      hsize_t cd[4];
      cr_assert_eq(H5Pget_chunk(p, 4, cd), rank);
      cr_assert(cd[0] == 4 && cd[1] == 3 && cd[2] == 2, "%s: small arrays are one chunk",
                vars[v].name);
      if (vars[v].eq)
        cr_assert_eq(cd[3], 9, "%s: the eq axis is whole", vars[v].name);
      int nf = H5Pget_nfilters(p);
      if (compression == 0) {
        cr_assert_eq(nf, 0);
      } else {
        cr_assert_eq(nf, 2);
        unsigned flags, cd_values[4] = {0};
        size_t ncd = 4;
        cr_assert_eq(H5Pget_filter2(p, 0, &flags, &ncd, cd_values, 0, NULL, NULL),
                     H5Z_FILTER_SHUFFLE);
        ncd = 4;
        cr_assert_eq(H5Pget_filter2(p, 1, &flags, &ncd, cd_values, 0, NULL, NULL),
                     H5Z_FILTER_DEFLATE);
        cr_assert_eq(cd_values[0], 4, "deflate level");
      }
      /* fill value on the dataset and as a _FillValue attribute of the dataset's type */
      hid_t a = H5Aopen(d, "_FillValue", H5P_DEFAULT);
      cr_assert_geq(a, 0, "%s: no _FillValue", vars[v].name);
      hid_t at = H5Aget_type(a);
      cr_assert_gt(H5Tequal(at, t), 0, "%s: _FillValue type differs from the variable's",
                   vars[v].name);
      H5D_fill_value_t fs;
      cr_assert_geq(H5Pfill_value_defined(p, &fs), 0);
      cr_assert_eq(fs, H5D_FILL_VALUE_USER_DEFINED);
      if (vars[v].type == PSW_VT_F64) {
        double fv = 0, av = 0;
        cr_assert_geq(H5Pget_fill_value(p, H5T_NATIVE_DOUBLE, &fv), 0);
        cr_assert_geq(H5Aread(a, H5T_NATIVE_DOUBLE, &av), 0);
        cr_assert(isnan(fv) && isnan(av));
      } else {
        int64_t fv = 0, av = 0;
        cr_assert_geq(H5Pget_fill_value(p, H5T_NATIVE_INT64, &fv), 0);
        cr_assert_geq(H5Aread(a, H5T_NATIVE_INT64, &av), 0);
        cr_assert(fv == -1 && av == -1, "%s: fill %lld / %lld", vars[v].name, (long long)fv,
                  (long long)av);
      }
      H5Tclose(at), H5Aclose(a);
      if (vars[v].units)
        check_string_attr(d, "units", vars[v].units);
      else
        cr_assert_eq(H5Aexists(d, "units"), 0);
      if (vars[v].long_name)
        check_string_attr(d, "long_name", vars[v].long_name);
      if (vars[v].flag_meanings) {
        check_string_attr(d, "flag_meanings", vars[v].flag_meanings);
        hid_t fa = H5Aopen(d, "flag_values", H5P_DEFAULT);
        cr_assert_geq(fa, 0);
        hid_t ft = H5Aget_type(fa), fsp = H5Aget_space(fa);
        cr_assert_gt(H5Tequal(ft, H5T_STD_I8LE), 0, "flag_values are int8 like the variable");
        hssize_t k = H5Sget_simple_extent_npoints(fsp);
        cr_assert_eq(k, v == V_I8 ? 6 : 2);
        int8_t fl[8];
        cr_assert_geq(H5Aread(fa, H5T_NATIVE_INT8, fl), 0);
        for (int i = 0; i < k; ++i)
          cr_assert_eq(fl[i], i);
        H5Sclose(fsp), H5Tclose(ft), H5Aclose(fa);
      } else {
        cr_assert_eq(H5Aexists(d, "flag_values"), 0);
      }
      H5Tclose(t), H5Pclose(p), H5Dclose(d);
    }
    /* unwritten file: everything is fill */
    for (int k = 0; k < 4; ++k)
      H5Dclose(co[k]);
    cr_assert_eq(H5Fget_obj_count(f, H5F_OBJ_ALL), 1, "handles left open by the test");
    H5Fclose(f);
    expect e;
    expect_init(&e, 24);
    check_contents(path, &e);
    expect_fini(&e);
  }
  scratch_fini(&sc);
}

/* The `point` design: one dimension, int64 coordinate 0..n-1, random batches. */
Test(io, point_design) {
  scratch sc;
  scratch_init(&sc);
  const long n = psw_test_count(1000, 100);
  const psw_h5_dim dims[] = {{"point", n, NULL, NULL, "sample index"}};
  psw_h5_var vars[NV];
  make_vars(vars);
  char path[512];
  scratch_path(&sc, "points.nc", path, sizeof path);
  psw_h5out *h = NULL;
  cr_assert_eq(psw_h5out_create(path, 1, dims, NV, vars, 0, NULL, 1, 0, &h), PSW_OK, "%s",
               psw_err_msg());
  rng r = {99};
  expect e;
  expect_init(&e, n);
  long written;
  write_random(h, &r, &e, 64, 5, &written);
  cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
  check_contents(path, &e);
  hid_t f = open_ro(path);
  int64_t *pc = malloc((size_t)n * sizeof *pc);
  read_all(f, "point", H5T_NATIVE_INT64, pc);
  for (long i = 0; i < n; ++i)
    cr_assert_eq(pc[i], i);
  hid_t d = H5Dopen2(f, "P_opt", H5P_DEFAULT);
  hid_t c = H5Dopen2(f, "point", H5P_DEFAULT);
  cr_assert_gt(H5DSis_attached(d, c, 0), 0);
  H5Dclose(c), H5Dclose(d);
  free(pc);
  H5Fclose(f);
  expect_fini(&e);
  scratch_fini(&sc);
}

/* A `point` dimension longer than a chunk: the coordinate is chunked and written in blocks. */
Test(io, long_point_coordinate) {
  scratch sc;
  scratch_init(&sc);
  const long n = 200000;
  const psw_h5_dim dims[] = {{"point", n, NULL, NULL, NULL}};
  const psw_h5_var vars[] = {{"x", PSW_VT_F64, 0, NULL, NULL, NULL}};
  char path[512];
  scratch_path(&sc, "long.nc", path, sizeof path);
  psw_h5out *h = NULL;
  cr_assert_eq(psw_h5out_create(path, 1, dims, 1, vars, 0, NULL, 1, 0, &h), PSW_OK, "%s",
               psw_err_msg());
  double x[3] = {1, 2, 3};
  cr_assert_eq(psw_h5out_write(h, 0, n - 3, 3, x), PSW_OK, "%s", psw_err_msg());
  cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
  hid_t f = open_ro(path);
  int64_t *pc = malloc((size_t)n * sizeof *pc);
  double *xv = malloc((size_t)n * sizeof *xv);
  read_all(f, "point", H5T_NATIVE_INT64, pc);
  read_all(f, "x", H5T_NATIVE_DOUBLE, xv);
  for (long i = 0; i < n; ++i) {
    cr_assert_eq(pc[i], i);
    if (i < n - 3)
      cr_assert(isnan(xv[i]), "x[%ld] = %g", i, xv[i]);
    else
      cr_assert_eq(xv[i], (double)(i - (n - 3) + 1));
  }
  hid_t d = H5Dopen2(f, "point", H5P_DEFAULT), p = H5Dget_create_plist(d);
  hsize_t cd[1];
  cr_assert_eq(H5Pget_layout(p), H5D_CHUNKED);
  cr_assert_eq(H5Pget_chunk(p, 1, cd), 1);
  cr_assert_eq(cd[0], 100000, "200000 points at 131072 per chunk: 2 chunks of 100000");
  H5Pclose(p), H5Dclose(d), H5Fclose(f);
  free(pc), free(xv);
  scratch_fini(&sc);
}

Test(io, close_renames_partial) {
  scratch sc;
  scratch_init(&sc);
  char path[512], partial[600];
  scratch_path(&sc, "out.nc", path, sizeof path);
  snprintf(partial, sizeof partial, "%s.partial", path);
  FILE *old = fopen(path, "w"); /* an older result: replaced by the rename */
  cr_assert_not_null(old);
  fputs("old", old);
  fclose(old);
  psw_h5out *h = create_grid(path, 1, 0);
  cr_assert(exists(partial), "no %s while writing", partial);
  double x = 3.5;
  cr_assert_eq(psw_h5out_write(h, V_F64, 23, 1, &x), PSW_OK);
  cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
  cr_assert_null(h);
  cr_assert(!exists(partial), "%s left behind", partial);
  cr_assert_gt(H5Fis_hdf5(path), 0, "%s is not the new HDF5 file", path);
  cr_assert_eq(psw_h5out_close(&h), PSW_ERR_BUG, "closing twice is a bug");
  scratch_fini(&sc);
}

Test(io, stale_partial_is_replaced) {
  scratch sc;
  scratch_init(&sc);
  char path[512], partial[600];
  scratch_path(&sc, "out.nc", path, sizeof path);
  snprintf(partial, sizeof partial, "%s.partial", path);
  FILE *junk = fopen(partial, "w");
  cr_assert_not_null(junk);
  fputs("junk from a killed run", junk);
  fclose(junk);
  psw_h5out *h = create_grid(path, 0, 0);
  cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
  expect e;
  expect_init(&e, 24);
  check_contents(path, &e);
  expect_fini(&e);
  scratch_fini(&sc);
}

Test(io, abort_leaves_no_file) {
  scratch sc;
  scratch_init(&sc);
  char path[512], partial[600];
  scratch_path(&sc, "out.nc", path, sizeof path);
  snprintf(partial, sizeof partial, "%s.partial", path);
  psw_h5out *h = create_grid(path, 4, 0);
  int8_t st[3] = {0, 1, 2};
  cr_assert_eq(psw_h5out_write(h, V_I8, 4, 3, st), PSW_OK);
  psw_h5out_abort(&h);
  cr_assert_null(h);
  cr_assert(!exists(partial) && !exists(path), "abort left a file");
  psw_h5out_abort(&h); /* NULL-safe */
  psw_h5out_abort(NULL);
  scratch_fini(&sc);
}

Test(io, unwritable_directory_is_io_error) {
  scratch sc;
  scratch_init(&sc);
  const psw_h5_dim dims[] = {{"point", 5, NULL, NULL, NULL}};
  const psw_h5_var vars[] = {{"x", PSW_VT_F64, 0, NULL, NULL, NULL}};
  char notdir[512], bad[3][600];
  scratch_path(&sc, "plain_file", notdir, sizeof notdir);
  FILE *fp = fopen(notdir, "w");
  cr_assert_not_null(fp);
  fclose(fp);
  snprintf(bad[0], sizeof bad[0], "%s/no/such/dir/out.nc", sc.dir);
  snprintf(bad[1], sizeof bad[1], "%s/out.nc", notdir); /* a regular file as directory */
  int nbad = 2;
  if (geteuid() != 0) { /* root writes into read-only directories */
    snprintf(bad[2], sizeof bad[2], "%s/ro", sc.dir);
    cr_assert_eq(mkdir(bad[2], 0500), 0);
    strcat(bad[2], "/out.nc");
    nbad = 3;
  }
  for (int i = 0; i < nbad; ++i) {
    psw_h5out *h = (psw_h5out *)&sc; /* must be reset to NULL */
    psw_err_clear();
    cr_assert_eq(psw_h5out_create(bad[i], 1, dims, 1, vars, 0, NULL, 0, 0, &h), PSW_ERR_IO, "%s",
                 bad[i]);
    cr_assert_null(h);
    const char *m = psw_err_msg();
    cr_assert(strstr(m, bad[i]) && strstr(m, "H5Fcreate"),
              "message must name the file and the operation: %s", m);
    cr_assert(!strchr(m, '\n'), "one line: %s", m);
  }
  if (nbad == 3) { /* let scratch_fini remove it */
    char ro[600];
    snprintf(ro, sizeof ro, "%s/ro", sc.dir);
    chmod(ro, 0700);
  }
  scratch_fini(&sc);
}

/* A rename that cannot happen (PATH is a non-empty directory): PSW_ERR_IO from close, the
 * handle is gone, the .partial stays. */
Test(io, close_failure_is_io_error) {
  scratch sc;
  scratch_init(&sc);
  char path[512], partial[600], inside[600];
  scratch_path(&sc, "taken", path, sizeof path);
  cr_assert_eq(mkdir(path, 0700), 0);
  snprintf(inside, sizeof inside, "%s/x", path);
  FILE *fp = fopen(inside, "w");
  cr_assert_not_null(fp);
  fclose(fp);
  snprintf(partial, sizeof partial, "%s.partial", path);
  psw_h5out *h = create_grid(path, 0, 0);
  psw_err_clear();
  cr_assert_eq(psw_h5out_close(&h), PSW_ERR_IO);
  cr_assert_null(h);
  cr_assert(strstr(psw_err_msg(), "rename") && strstr(psw_err_msg(), path), "%s", psw_err_msg());
  cr_assert(exists(partial));
  scratch_fini(&sc);
}

/* Misuse is PSW_ERR_BUG and leaves the handle usable; bad tables create nothing. */
Test(io, misuse_is_bug) {
  scratch sc;
  scratch_init(&sc);
  char path[512];
  scratch_path(&sc, "bug.nc", path, sizeof path);
  psw_h5out *h = create_grid(path, 0, 0);
  double x[30] = {0};
  cr_assert_eq(psw_h5out_write(h, -1, 0, 1, x), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_write(h, NV, 0, 1, x), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_write(h, 0, 20, 5, x), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_write(h, 0, 25, 0, x), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_write(h, 0, -1, 2, x), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_write(h, 0, 0, -1, x), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_write(h, 0, 0, 2, NULL), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_write(h, 0, 24, 0, NULL), PSW_OK, "an empty range at the end is fine");
  cr_assert_eq(psw_h5out_write(h, 0, 20, 4, x), PSW_OK, "%s", psw_err_msg());
  cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());

  char other[512];
  scratch_path(&sc, "never.nc", other, sizeof other);
  const psw_h5_var v_eq[] = {{"m", PSW_VT_F64, 1, NULL, NULL, NULL}};
  const psw_h5_var v_dup[] = {{"point", PSW_VT_F64, 0, NULL, NULL, NULL}};
  const psw_h5_var v_fflag[] = {{"x", PSW_VT_F64, 0, NULL, NULL, "ok bad"}};
  const psw_h5_dim d_eq[] = {{"eq", 3, NULL, NULL, NULL}};
  const psw_h5_dim d_pt[] = {{"point", 3, NULL, NULL, NULL}};
  const psw_h5_dim d_zero[] = {{"point", 0, NULL, NULL, NULL}};
  const psw_h5_dim d_slash[] = {{"a/b", 3, NULL, NULL, NULL}};
  const psw_h5_attr a_dup[] = {{"title", "x"}, {"title", "y"}};
  psw_h5out *g = NULL;
  cr_assert_eq(psw_h5out_create(other, 1, d_eq, 1, v_eq, 0, NULL, 0, 0, &g), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_create(other, 1, d_pt, 1, v_dup, 0, NULL, 0, 0, &g), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_create(other, 1, d_pt, 1, v_fflag, 0, NULL, 0, 0, &g), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_create(other, 1, d_zero, 1, v_eq, 0, NULL, 0, 0, &g), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_create(other, 1, d_slash, 1, v_eq, 0, NULL, 0, 0, &g), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_create(other, 1, d_pt, 1, v_eq, 2, a_dup, 0, 0, &g), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_create(other, 1, d_pt, 1, v_eq, 0, NULL, 10, 0, &g), PSW_ERR_BUG);
  cr_assert_eq(psw_h5out_create(other, 0, d_pt, 1, v_eq, 0, NULL, 0, 0, &g), PSW_ERR_BUG);
  cr_assert_null(g);
  char partial[600];
  snprintf(partial, sizeof partial, "%s.partial", other);
  cr_assert(!exists(other) && !exists(partial));
  scratch_fini(&sc);
}

/* A caller's own Conventions replaces the default, in first place. */
Test(io, conventions_override) {
  scratch sc;
  scratch_init(&sc);
  char path[512];
  scratch_path(&sc, "conv.nc", path, sizeof path);
  const psw_h5_dim dims[] = {{"point", 2, NULL, NULL, NULL}};
  const psw_h5_attr attrs[] = {{"title", "t"}, {"Conventions", "CF-1.11"}};
  psw_h5out *h = NULL;
  cr_assert_eq(psw_h5out_create(path, 1, dims, 0, NULL, 2, attrs, 0, 0, &h), PSW_OK, "%s",
               psw_err_msg());
  cr_assert_eq(psw_h5out_close(&h), PSW_OK, "%s", psw_err_msg());
  hid_t f = open_ro(path);
  char name[64];
  cr_assert_gt(H5Aget_name_by_idx(f, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0, name, sizeof name,
                                  H5P_DEFAULT),
               0);
  cr_assert_str_eq(name, "Conventions");
  check_string_attr(f, "Conventions", "CF-1.11");
  H5O_info_t info;
  cr_assert_geq(H5Oget_info2(f, &info, H5O_INFO_NUM_ATTRS), 0);
  cr_assert_eq(info.num_attrs, 2);
  H5Fclose(f);
  scratch_fini(&sc);
}
