/* netCDF-4-compatible HDF5 writer (include/platsweep/io.h, SPEC §5, CONVENTIONS §1).
 *
 * File layout
 *  - file creation: link and attribute creation order TRACKED|INDEXED (netCDF-4 numbers
 *    variables in creation order), default libver bounds (readable by HDF5 1.8), sec2 driver,
 *    close degree SEMI (closing the file with an object still open is an error, not a silent
 *    delay of the close). Every dataset tracks and indexes attribute creation order too.
 *  - global attributes: Conventions = "CF-1.10" first (unless the caller gives its own
 *    Conventions, which then takes that place), then the caller's, in order.
 *  - one coordinate variable per dimension, in the order given, then `eq` (int64 0..8) when a
 *    variable has eq = 1: a 1-D dataset named like the dimension (float64 axis values, or
 *    int64 0..len-1 when coord == NULL) made a dimension scale (H5DSset_scale). Short
 *    coordinates are contiguous; one longer than a chunk is chunked like a variable.
 *  - variables, in the order given: chunked (psw_h5out_chunk_shape), shuffle + deflate when
 *    compression > 0, dataset fill value NaN (f64) or -1 (integers; int64 too) and the same
 *    value as a scalar `_FillValue` attribute of the variable's type, then `units`,
 *    `long_name`, `flag_values` (1-D, the variable's type, 0..k-1) and `flag_meanings`; each
 *    axis has its coordinate attached (H5DSattach_scale).
 *  - strings (every attribute that is text) are scalar variable-length UTF-8, which h5py
 *    returns as str and netCDF-C reads as NC_STRING.
 *  - object modification times are not recorded, so that the same content gives the same
 *    bytes (SPEC §8 determinism; timestamps belong in `history`).
 *
 * Errors: HDF5's automatic error-stack printing is turned off; a failed HDF5 call returns
 * PSW_ERR_IO with "<file>: <operation>: <innermost HDF5 reason>" (psw_err_msg). Misuse
 * (bad arguments, a variable index or point range out of bounds) is PSW_ERR_BUG.
 */
#define _POSIX_C_SOURCE 200809L

#include "platsweep/io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>
#include <libdeflate.h>

#include "io/h5out_impl.h"

#define EQ_LEN 9                   /* SPEC §5: the eq dimension has 9 slots */
#define COORD_BLOCK 65536          /* int64 coordinate values written per H5Dwrite */
#define MAX_CHUNK_BYTES (1L << 30) /* HDF5 refuses chunks of 4 GiB; stay far below */

typedef struct h5var {
  char *name;
  psw_vtype type;
  int eq;
  hid_t dset;
  hsize_t cdims[PSW_H5OUT_MAX_DIMS + 1]; /* chunk shape (eq last when eq) */
} h5var;

struct psw_h5out {
  char *path;    /* final name */
  char *partial; /* path + ".partial" (or the name given): the file being written */
  hid_t file;
  MPI_Comm comm; /* parallel: a duplicate of the caller's communicator; else MPI_COMM_NULL */
  int par;       /* 1: MPI-IO driver, collective transfers */
  int rank;      /* in comm (0 when serial) */
  hid_t dxpl;    /* data transfer properties: collective when par, else H5P_DEFAULT */
  int ndims; /* point dimensions (without eq) */
  long len[PSW_H5OUT_MAX_DIMS];
  long npoints; /* product of len */
  int nvars;
  h5var *vars;     /* [nvars] */
  int compression; /* deflate level, 0: no filters */
};

/* ---------------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------------- */

typedef struct reason_buf {
  char *text;
  size_t size;
} reason_buf;

/* Walked upwards, entry 0 is the innermost (most specific) error. */
static herr_t reason_cb(unsigned n, const H5E_error2_t *e, void *data) {
  reason_buf *r = data;
  if (n != 0 || !e)
    return 0;
  if (e->desc && e->desc[0]) {
    /* "unable to open file: name = '...', errno = 13, error message = 'Permission denied',
     * ...": the part between the quotes after "error message = " says it all. */
    const char *m = strstr(e->desc, "error message = '");
    if (m) {
      m += strlen("error message = '");
      const char *q = strchr(m, '\'');
      int n_m = q ? (int)(q - m) : (int)strlen(m);
      snprintf(r->text, r->size, "%.*s", n_m, m);
    } else {
      snprintf(r->text, r->size, "%s", e->desc);
    }
  } else {
    /* Failure of the lookup leaves the text empty; the caller then says "unknown reason". */
    (void)H5Eget_msg(e->min_num, NULL, r->text, r->size);
  }
  return 0;
}

/* Record PSW_ERR_IO: "<file>: <what>: <innermost HDF5 reason>"; clears HDF5's error stack. */
static psw_err io_fail(int line, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static psw_err io_fail(int line, const char *file, const char *fmt, ...) {
  char what[256], why[200] = "";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  reason_buf r = {why, sizeof why};
  /* Only reporting: if walking or clearing the stack fails there is nothing better to say. */
  (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, reason_cb, &r);
  (void)H5Eclear2(H5E_DEFAULT);
  return psw_err_set(PSW_ERR_IO, __FILE__, line, "%s: %s: %s", file, what,
                     why[0] ? why : "unknown reason");
}

/* An error from a POSIX call (errno set). */
static psw_err sys_fail(int line, const char *file, const char *what, int err) {
  return psw_err_set(PSW_ERR_IO, __FILE__, line, "%s: %s: %s", file, what, strerror(err));
}

/* In functions with `psw_err rc` and a `done:` label that releases their handles. */
#define H5CK(call, ...)                                                                            \
  do {                                                                                             \
    if ((call) < 0) {                                                                              \
      rc = io_fail(__LINE__, h->partial, __VA_ARGS__);                                             \
      goto done;                                                                                   \
    }                                                                                              \
  } while (0)

/* In the same functions: a psw_err from a helper. */
#define TRY_GOTO(call)                                                                             \
  do {                                                                                             \
    psw_err e_ = (call);                                                                           \
    if (e_ != PSW_OK) {                                                                            \
      rc = e_;                                                                                     \
      goto done;                                                                                   \
    }                                                                                              \
  } while (0)

#define BUG(...) psw_err_set(PSW_ERR_BUG, __FILE__, __LINE__, __VA_ARGS__)

/* Close any HDF5 handle and set it invalid; a failure is recorded in *rc unless *rc already
 * holds an error (the first error is the one reported). */
static void h5_close(const psw_h5out *h, hid_t *id, psw_err *rc, const char *what) {
  if (*id < 0)
    return;
  herr_t st;
  switch (H5Iget_type(*id)) {
  case H5I_FILE:
    st = H5Fclose(*id);
    break;
  case H5I_DATASET:
    st = H5Dclose(*id);
    break;
  case H5I_ATTR:
    st = H5Aclose(*id);
    break;
  case H5I_DATASPACE:
    st = H5Sclose(*id);
    break;
  case H5I_DATATYPE:
    st = H5Tclose(*id);
    break;
  case H5I_GENPROP_LST:
    st = H5Pclose(*id);
    break;
  default:
    st = -1;
    break;
  }
  *id = H5I_INVALID_HID;
  if (st < 0) {
    psw_err e = io_fail(__LINE__, h->partial, "close %s", what);
    if (*rc == PSW_OK)
      *rc = e;
  }
}

/* ---------------------------------------------------------------------------------------------
 * Chunk shape and range decomposition (h5out_impl.h)
 * ------------------------------------------------------------------------------------------- */

long psw_h5out_default_chunk_points(long point_bytes) {
  if (point_bytes < 1)
    point_bytes = 1;
  long p = PSW_H5OUT_CHUNK_BYTES / point_bytes;
  return p < 1 ? 1 : p;
}

void psw_h5out_chunk_shape(int ndims, const long *len, long points, long *chunk) {
  if (points < 1)
    points = 1;
  long trail = 1; /* points in one chunk row of the axes already taken whole; <= points */
  for (int k = ndims - 1; k >= 0; --k) {
    if (len[k] <= points / trail) { /* len[k] * trail <= points: axis k fits whole */
      chunk[k] = len[k];
      trail *= len[k];
      continue;
    }
    long rows = points / trail;                  /* >= 1 since trail <= points */
    long nchunks = (len[k] + rows - 1) / rows;   /* chunks along axis k */
    chunk[k] = (len[k] + nchunks - 1) / nchunks; /* equal chunks, none larger than rows */
    for (int j = 0; j < k; ++j)
      chunk[j] = 1;
    return;
  }
}

typedef struct decomp {
  int ndims;
  const long *len;
  long stride[PSW_H5OUT_MAX_DIMS]; /* points per step along each axis */
  long start;                      /* first point of the whole range */
  psw_h5out_slab slab;             /* start[0..k-1] fixed by the recursion */
  psw_h5out_slab_fn fn;
  void *ctx;
} decomp;

/* Emit rows [i0, i0 + rows) of axis k at the position fixed on axes < k, axes > k whole. */
static psw_err emit(decomp *d, int k, long i0, long rows) {
  psw_h5out_slab *s = &d->slab;
  long first = 0;
  for (int j = 0; j < k; ++j) {
    s->count[j] = 1;
    first += s->start[j] * d->stride[j];
  }
  s->start[k] = i0;
  s->count[k] = rows;
  first += i0 * d->stride[k];
  for (int j = k + 1; j < d->ndims; ++j) {
    s->start[j] = 0;
    s->count[j] = d->len[j];
  }
  s->first = first - d->start;
  s->n = rows * d->stride[k];
  return d->fn(d->ctx, s);
}

/* Points [lo, hi) (0 <= lo < hi <= len[k] * stride[k]) of the block of axes k.. at the
 * position fixed on axes < k. */
static psw_err split(decomp *d, int k, long lo, long hi) {
  long s = d->stride[k];
  long i0 = lo / s, r0 = lo % s, i1 = hi / s, r1 = hi % s;
  if (i0 == i1) { /* inside one row of axis k (only when axis k is not the last) */
    d->slab.start[k] = i0;
    return split(d, k + 1, r0, r1);
  }
  if (r0 > 0) { /* partial first row */
    d->slab.start[k] = i0;
    PSW_TRY(split(d, k + 1, r0, s));
    ++i0;
  }
  if (i1 > i0)
    PSW_TRY(emit(d, k, i0, i1 - i0)); /* whole rows */
  if (r1 > 0) {                       /* partial last row */
    d->slab.start[k] = i1;
    PSW_TRY(split(d, k + 1, 0, r1));
  }
  return PSW_OK;
}

psw_err psw_h5out_decompose(int ndims, const long *len, long start, long count,
                            psw_h5out_slab_fn fn, void *ctx) {
  if (ndims < 1 || ndims > PSW_H5OUT_MAX_DIMS || start < 0 || count < 1)
    return BUG("psw_h5out_decompose: ndims = %d, start = %ld, count = %ld", ndims, start, count);
  decomp d = {.ndims = ndims, .len = len, .start = start, .fn = fn, .ctx = ctx};
  d.stride[ndims - 1] = 1;
  for (int k = ndims - 2; k >= 0; --k)
    d.stride[k] = d.stride[k + 1] * len[k + 1];
  if (count > d.stride[0] * len[0] - start)
    return BUG("psw_h5out_decompose: range [%ld, %ld + %ld) beyond %ld points", start, start, count,
               d.stride[0] * len[0]);
  return split(&d, 0, start, start + count);
}

/* ---------------------------------------------------------------------------------------------
 * Types and attributes
 * ------------------------------------------------------------------------------------------- */

static size_t type_size(psw_vtype t) {
  switch (t) {
  case PSW_VT_F64:
  case PSW_VT_I64:
    return 8;
  case PSW_VT_I16:
    return 2;
  case PSW_VT_I8:
    return 1;
  }
  return 0;
}

/* Little-endian file types, as netCDF-4 writes them on x86; memory types native. */
static hid_t file_type(psw_vtype t) {
  switch (t) {
  case PSW_VT_F64:
    return H5T_IEEE_F64LE;
  case PSW_VT_I8:
    return H5T_STD_I8LE;
  case PSW_VT_I16:
    return H5T_STD_I16LE;
  case PSW_VT_I64:
    return H5T_STD_I64LE;
  }
  return H5I_INVALID_HID;
}

static hid_t mem_type(psw_vtype t) {
  switch (t) {
  case PSW_VT_F64:
    return H5T_NATIVE_DOUBLE;
  case PSW_VT_I8:
    return H5T_NATIVE_INT8;
  case PSW_VT_I16:
    return H5T_NATIVE_INT16;
  case PSW_VT_I64:
    return H5T_NATIVE_INT64;
  }
  return H5I_INVALID_HID;
}

typedef union num {
  double f64;
  int8_t i8;
  int16_t i16;
  int64_t i64;
} num;

static num fill_value(psw_vtype t) {
  num v;
  memset(&v, 0, sizeof v);
  switch (t) {
  case PSW_VT_F64:
    v.f64 = (double)NAN;
    break;
  case PSW_VT_I8:
    v.i8 = -1;
    break;
  case PSW_VT_I16:
    v.i16 = -1;
    break;
  case PSW_VT_I64:
    v.i64 = -1;
    break;
  }
  return v;
}

/* A scalar variable-length UTF-8 string attribute `name` = value on obj (objname for
 * messages: "/" for the file). */
static psw_err put_string(const psw_h5out *h, hid_t obj, const char *objname, const char *name,
                          const char *value) {
  psw_err rc = PSW_OK;
  hid_t t = H5I_INVALID_HID, sp = H5I_INVALID_HID, a = H5I_INVALID_HID;
  H5CK(t = H5Tcopy(H5T_C_S1), "attribute %s:%s: string type (H5Tcopy)", objname, name);
  H5CK(H5Tset_size(t, H5T_VARIABLE), "attribute %s:%s: string type (H5Tset_size)", objname, name);
  H5CK(H5Tset_cset(t, H5T_CSET_UTF8), "attribute %s:%s: string type (H5Tset_cset)", objname, name);
  H5CK(sp = H5Screate(H5S_SCALAR), "attribute %s:%s: dataspace (H5Screate)", objname, name);
  H5CK(a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT),
       "create attribute %s:%s (H5Acreate2)", objname, name);
  H5CK(H5Awrite(a, t, &value), "write attribute %s:%s (H5Awrite)", objname, name);
done:
  h5_close(h, &a, &rc, "attribute");
  h5_close(h, &sp, &rc, "dataspace");
  h5_close(h, &t, &rc, "datatype");
  return rc;
}

/* A numeric attribute: scalar when n == 0, else 1-D of n values (buf in memory type mt). */
static psw_err put_numeric(const psw_h5out *h, hid_t obj, const char *objname, const char *name,
                           hid_t ft, hid_t mt, hsize_t n, const void *buf) {
  psw_err rc = PSW_OK;
  hid_t sp = H5I_INVALID_HID, a = H5I_INVALID_HID;
  if (n == 0)
    H5CK(sp = H5Screate(H5S_SCALAR), "attribute %s:%s: dataspace (H5Screate)", objname, name);
  else
    H5CK(sp = H5Screate_simple(1, &n, NULL), "attribute %s:%s: dataspace (H5Screate_simple)",
         objname, name);
  H5CK(a = H5Acreate2(obj, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT),
       "create attribute %s:%s (H5Acreate2)", objname, name);
  H5CK(H5Awrite(a, mt, buf), "write attribute %s:%s (H5Awrite)", objname, name);
done:
  h5_close(h, &a, &rc, "attribute");
  h5_close(h, &sp, &rc, "dataspace");
  return rc;
}

/* The whitespace-separated words of a flag_meanings string. */
static long count_words(const char *s) {
  long n = 0;
  int in = 0;
  for (; *s; ++s) {
    int space = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';
    if (!space && !in)
      ++n;
    in = !space;
  }
  return n;
}

/* ---------------------------------------------------------------------------------------------
 * Datasets
 * ------------------------------------------------------------------------------------------- */

/* Every dataset: attributes in creation order (as netCDF-4 writes them; ncdump and xarray
 * list them in that order), no modification times. */
static psw_err dataset_props(const psw_h5out *h, hid_t p, const char *name) {
  psw_err rc = PSW_OK;
  H5CK(H5Pset_attr_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
       "'%s': properties (H5Pset_attr_creation_order)", name);
  H5CK(H5Pset_obj_track_times(p, 0), "'%s': properties (H5Pset_obj_track_times)", name);
done:
  return rc;
}

/* Dataset creation properties: chunk shape (point axes from `points`, eq whole) and filters,
 * fill value fill (memory type mt) when fill != NULL, dataset_props. nd point axes of len. */
static psw_err make_dcpl(const psw_h5out *h, const char *name, int nd, const long *len, int eq,
                         long points, int compression, hid_t mt, const void *fill, hid_t *out,
                         hsize_t *cdims_out) {
  psw_err rc = PSW_OK;
  hid_t p = H5I_INVALID_HID;
  long chunk[PSW_H5OUT_MAX_DIMS];
  hsize_t cdims[PSW_H5OUT_MAX_DIMS + 1];
  psw_h5out_chunk_shape(nd, len, points, chunk);
  for (int k = 0; k < nd; ++k)
    cdims[k] = (hsize_t)chunk[k];
  if (eq)
    cdims[nd] = EQ_LEN;
  if (cdims_out)
    memcpy(cdims_out, cdims, sizeof cdims);
  H5CK(p = H5Pcreate(H5P_DATASET_CREATE), "variable '%s': properties (H5Pcreate)", name);
  H5CK(H5Pset_chunk(p, nd + (eq ? 1 : 0), cdims), "variable '%s': chunks (H5Pset_chunk)", name);
  if (compression > 0) {
    H5CK(H5Pset_shuffle(p), "variable '%s': shuffle filter (H5Pset_shuffle)", name);
    H5CK(H5Pset_deflate(p, (unsigned)compression), "variable '%s': deflate (H5Pset_deflate)", name);
  }
  if (fill)
    H5CK(H5Pset_fill_value(p, mt, fill), "variable '%s': fill value (H5Pset_fill_value)", name);
  TRY_GOTO(dataset_props(h, p, name));
  *out = p;
  p = H5I_INVALID_HID;
done:
  h5_close(h, &p, &rc, "property list");
  return rc;
}

/* The coordinate variable of a dimension: float64 values coord[len], or int64 0..len-1 when
 * coord == NULL; a dimension scale. *out: the open dataset (the caller closes it). */
static psw_err make_coord(const psw_h5out *h, const char *name, long len, const double *coord,
                          const char *units, const char *long_name, int compression, hid_t *out) {
  psw_err rc = PSW_OK;
  hid_t p = H5I_INVALID_HID, fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  hid_t d = H5I_INVALID_HID;
  int64_t *block = NULL;
  hsize_t n = (hsize_t)len;
  long per_chunk = psw_h5out_default_chunk_points(8);
  if (len > per_chunk) {
    TRY_GOTO(make_dcpl(h, name, 1, &len, 0, per_chunk, compression, H5I_INVALID_HID, NULL, &p, NULL));
  } else {
    H5CK(p = H5Pcreate(H5P_DATASET_CREATE), "coordinate '%s': properties (H5Pcreate)", name);
    TRY_GOTO(dataset_props(h, p, name));
  }
  H5CK(fs = H5Screate_simple(1, &n, NULL), "coordinate '%s': dataspace (H5Screate_simple)", name);
  H5CK(d = H5Dcreate2(h->file, name, coord ? H5T_IEEE_F64LE : H5T_STD_I64LE, fs, H5P_DEFAULT, p,
                      H5P_DEFAULT),
       "create coordinate '%s' (H5Dcreate2)", name);
  if (coord) {
    /* in parallel the write is collective: rank 0 writes, the others select nothing */
    if (h->rank == 0) {
      H5CK(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, h->dxpl, coord),
           "write coordinate '%s' (H5Dwrite)", name);
    } else {
      H5CK(H5Sselect_none(fs), "coordinate '%s': selection (H5Sselect_none)", name);
      H5CK(ms = H5Screate_simple(1, &n, NULL), "coordinate '%s': dataspace (H5Screate_simple)",
           name);
      H5CK(H5Sselect_none(ms), "coordinate '%s': selection (H5Sselect_none)", name);
      H5CK(H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, h->dxpl, coord),
           "write coordinate '%s' (H5Dwrite)", name);
    }
  } else { /* 0..len-1 in blocks: memory stays bounded for a long `point` dimension */
    hsize_t nb = n < COORD_BLOCK ? n : COORD_BLOCK;
    block = malloc(nb * sizeof *block);
    if (!block) {
      rc = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: coordinate '%s': out of memory",
                       h->partial, name);
      goto done;
    }
    for (hsize_t off = 0; off < n; off += nb) {
      hsize_t m = n - off < nb ? n - off : nb;
      for (hsize_t i = 0; i < m; ++i)
        block[i] = (int64_t)(off + i);
      H5CK(ms = H5Screate_simple(1, &m, NULL), "coordinate '%s': dataspace (H5Screate_simple)",
           name);
      H5CK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &off, NULL, &m, NULL),
           "coordinate '%s': selection (H5Sselect_hyperslab)", name);
      if (h->rank != 0) {
        H5CK(H5Sselect_none(fs), "coordinate '%s': selection (H5Sselect_none)", name);
        H5CK(H5Sselect_none(ms), "coordinate '%s': selection (H5Sselect_none)", name);
      }
      H5CK(H5Dwrite(d, H5T_NATIVE_INT64, ms, fs, h->dxpl, block),
           "write coordinate '%s' (H5Dwrite)", name);
      h5_close(h, &ms, &rc, "dataspace");
      if (rc != PSW_OK)
        goto done;
    }
  }
  if (units)
    TRY_GOTO(put_string(h, d, name, "units", units));
  if (long_name)
    TRY_GOTO(put_string(h, d, name, "long_name", long_name));
  H5CK(H5DSset_scale(d, name), "coordinate '%s': dimension scale (H5DSset_scale)", name);
  *out = d;
  d = H5I_INVALID_HID;
done:
  free(block);
  h5_close(h, &ms, &rc, "dataspace");
  h5_close(h, &d, &rc, "coordinate");
  h5_close(h, &fs, &rc, "dataspace");
  h5_close(h, &p, &rc, "property list");
  return rc;
}

/* A variable on every point axis (+ eq), with its attributes and attached scales; coords are
 * the open coordinate datasets, [ndims] point axes then eq. */
static psw_err make_var(const psw_h5out *h, const psw_h5_var *v, const hid_t *coords,
                        int compression, long chunk_points, h5var *out) {
  psw_err rc = PSW_OK;
  hid_t p = H5I_INVALID_HID, fs = H5I_INVALID_HID, d = H5I_INVALID_HID;
  void *flags = NULL;
  int nd = h->ndims, rank = nd + (v->eq ? 1 : 0);
  hsize_t dims[PSW_H5OUT_MAX_DIMS + 1];
  for (int k = 0; k < nd; ++k)
    dims[k] = (hsize_t)h->len[k];
  if (v->eq)
    dims[nd] = EQ_LEN;
  long point_bytes = (long)type_size(v->type) * (v->eq ? EQ_LEN : 1);
  long points = chunk_points > 0 ? chunk_points : psw_h5out_default_chunk_points(point_bytes);
  if (points > MAX_CHUNK_BYTES / point_bytes)
    points = MAX_CHUNK_BYTES / point_bytes;
  hid_t ft = file_type(v->type), mt = mem_type(v->type);
  num fill = fill_value(v->type);

  TRY_GOTO(
      make_dcpl(h, v->name, nd, h->len, v->eq, points, compression, mt, &fill, &p, out->cdims));
  H5CK(fs = H5Screate_simple(rank, dims, NULL), "variable '%s': dataspace (H5Screate_simple)",
       v->name);
  H5CK(d = H5Dcreate2(h->file, v->name, ft, fs, H5P_DEFAULT, p, H5P_DEFAULT),
       "create variable '%s' (H5Dcreate2)", v->name);
  TRY_GOTO(put_numeric(h, d, v->name, "_FillValue", ft, mt, 0, &fill));
  if (v->units)
    TRY_GOTO(put_string(h, d, v->name, "units", v->units));
  if (v->long_name)
    TRY_GOTO(put_string(h, d, v->name, "long_name", v->long_name));
  if (v->flag_meanings) {
    long k = count_words(v->flag_meanings); /* checked: 1..max of the type, integer type */
    size_t es = type_size(v->type);
    flags = malloc((size_t)k * es);
    if (!flags) {
      rc = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: variable '%s': out of memory",
                       h->partial, v->name);
      goto done;
    }
    for (long i = 0; i < k; ++i) {
      if (v->type == PSW_VT_I8)
        ((int8_t *)flags)[i] = (int8_t)i;
      else if (v->type == PSW_VT_I16)
        ((int16_t *)flags)[i] = (int16_t)i;
      else
        ((int64_t *)flags)[i] = (int64_t)i;
    }
    TRY_GOTO(put_numeric(h, d, v->name, "flag_values", ft, mt, (hsize_t)k, flags));
    TRY_GOTO(put_string(h, d, v->name, "flag_meanings", v->flag_meanings));
  }
  for (int k = 0; k < rank; ++k)
    H5CK(H5DSattach_scale(d, coords[k], (unsigned)k),
         "variable '%s': attach dimension scale %d (H5DSattach_scale)", v->name, k);
  out->dset = d;
  d = H5I_INVALID_HID;
done:
  free(flags);
  h5_close(h, &d, &rc, "variable");
  h5_close(h, &fs, &rc, "dataspace");
  h5_close(h, &p, &rc, "property list");
  return rc;
}

/* ---------------------------------------------------------------------------------------------
 * Create
 * ------------------------------------------------------------------------------------------- */

/* A name HDF5 stores as one link in the root group. */
static int name_ok(const char *s) { return s && s[0] && !strchr(s, '/') && strcmp(s, ".") != 0; }

static long type_max(psw_vtype t) {
  switch (t) {
  case PSW_VT_I8:
    return INT8_MAX;
  case PSW_VT_I16:
    return INT16_MAX;
  case PSW_VT_I64:
    return LONG_MAX;
  case PSW_VT_F64:
    break;
  }
  return 0; /* no flags on floats */
}

/* Misuse by the caller is PSW_ERR_BUG: the app builds these tables from a checked config. */
static psw_err check_args(const char *path, int ndims, const psw_h5_dim *dims, int nvars,
                          const psw_h5_var *vars, int nattrs, const psw_h5_attr *attrs,
                          int compression) {
  if (!path || !path[0])
    return BUG("psw_h5out_create: empty path");
  if (ndims < 1 || ndims > PSW_H5OUT_MAX_DIMS || !dims)
    return BUG("%s: %d dimensions, need 1..%d", path, ndims, PSW_H5OUT_MAX_DIMS);
  if (nvars < 0 || (nvars > 0 && !vars))
    return BUG("%s: %d variables", path, nvars);
  if (nattrs < 0 || (nattrs > 0 && !attrs))
    return BUG("%s: %d attributes", path, nattrs);
  if (compression < 0 || compression > 9)
    return BUG("%s: compression = %d, need 0..9", path, compression);
  long npoints = 1;
  for (int k = 0; k < ndims; ++k) {
    if (!name_ok(dims[k].name))
      return BUG("%s: dimension %d: bad name", path, k);
    if (dims[k].len < 1 || dims[k].len > LONG_MAX / npoints)
      return BUG("%s: dimension '%s': len = %ld, need >= 1 and a total that fits a long", path,
                 dims[k].name, dims[k].len);
    npoints *= dims[k].len;
  }
  int any_eq = 0;
  for (int i = 0; i < nvars; ++i) {
    const psw_h5_var *v = &vars[i];
    if (!name_ok(v->name))
      return BUG("%s: variable %d: bad name", path, i);
    if (type_size(v->type) == 0)
      return BUG("%s: variable '%s': bad type", path, v->name);
    if (v->eq != 0 && v->eq != 1)
      return BUG("%s: variable '%s': eq = %d", path, v->name, v->eq);
    any_eq |= v->eq;
    if (v->flag_meanings) {
      long k = count_words(v->flag_meanings);
      if (k < 1 || k > type_max(v->type))
        return BUG("%s: variable '%s': %ld flag meanings for its type", path, v->name, k);
    }
  }
  /* Dimensions, `eq` and variables share the root group: no name twice. */
  int nnames = ndims + nvars + any_eq;
  for (int a = 0; a < nnames; ++a) {
    const char *na = a < ndims ? dims[a].name : a < ndims + nvars ? vars[a - ndims].name : "eq";
    for (int b = a + 1; b < nnames; ++b) {
      const char *nb = b < ndims ? dims[b].name : b < ndims + nvars ? vars[b - ndims].name : "eq";
      if (strcmp(na, nb) == 0)
        return BUG("%s: the name '%s' is used twice", path, na);
    }
  }
  for (int i = 0; i < nattrs; ++i) {
    if (!name_ok(attrs[i].name) || !attrs[i].value)
      return BUG("%s: global attribute %d: bad name or NULL value", path, i);
    for (int j = 0; j < i; ++j)
      if (strcmp(attrs[i].name, attrs[j].name) == 0)
        return BUG("%s: global attribute '%s' given twice", path, attrs[i].name);
  }
  return PSW_OK;
}

static psw_err build(psw_h5out *h, const psw_h5_dim *dims, const psw_h5_var *vars, int nattrs,
                     const psw_h5_attr *attrs, int compression, long chunk_points) {
  psw_err rc = PSW_OK;
  hid_t fcpl = H5I_INVALID_HID, fapl = H5I_INVALID_HID;
  hid_t coords[PSW_H5OUT_MAX_DIMS + 1];
  int ncoords = 0;
  const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;

  H5CK(fcpl = H5Pcreate(H5P_FILE_CREATE), "file creation properties (H5Pcreate)");
  H5CK(H5Pset_link_creation_order(fcpl, order),
       "file creation properties (H5Pset_link_creation_order)");
  H5CK(H5Pset_attr_creation_order(fcpl, order),
       "file creation properties (H5Pset_attr_creation_order)");
  H5CK(fapl = H5Pcreate(H5P_FILE_ACCESS), "file access properties (H5Pcreate)");
  if (h->par) {
    H5CK(H5Pset_fapl_mpio(fapl, h->comm, MPI_INFO_NULL),
         "file access properties (H5Pset_fapl_mpio)");
    /* metadata written by all ranks together (HDF5's recommended setting at scale) */
    H5CK(H5Pset_coll_metadata_write(fapl, 1),
         "file access properties (H5Pset_coll_metadata_write)");
    H5CK(h->dxpl = H5Pcreate(H5P_DATASET_XFER), "transfer properties (H5Pcreate)");
    H5CK(H5Pset_dxpl_mpio(h->dxpl, H5FD_MPIO_COLLECTIVE), "transfer properties (H5Pset_dxpl_mpio)");
  } else {
    H5CK(H5Pset_fapl_sec2(fapl), "file access properties (H5Pset_fapl_sec2)");
  }
  H5CK(H5Pset_fclose_degree(fapl, H5F_CLOSE_SEMI), "file access properties (H5Pset_fclose_degree)");
  H5CK(h->file = H5Fcreate(h->partial, H5F_ACC_TRUNC, fcpl, fapl), "create file (H5Fcreate)");

  const char *conventions = "CF-1.10";
  for (int i = 0; i < nattrs; ++i)
    if (strcmp(attrs[i].name, "Conventions") == 0)
      conventions = attrs[i].value;
  TRY_GOTO(put_string(h, h->file, "/", "Conventions", conventions));
  for (int i = 0; i < nattrs; ++i)
    if (strcmp(attrs[i].name, "Conventions") != 0)
      TRY_GOTO(put_string(h, h->file, "/", attrs[i].name, attrs[i].value));

  for (int k = 0; k < h->ndims; ++k) {
    TRY_GOTO(make_coord(h, dims[k].name, dims[k].len, dims[k].coord, dims[k].units,
                        dims[k].long_name, compression, &coords[k]));
    ncoords = k + 1;
  }
  int any_eq = 0;
  for (int i = 0; i < h->nvars; ++i)
    any_eq |= vars[i].eq;
  if (any_eq) {
    TRY_GOTO(make_coord(h, "eq", EQ_LEN, NULL, NULL, "equilibrium slot (ascending m, then n)",
                        compression, &coords[h->ndims]));
    ncoords = h->ndims + 1;
  }
  for (int i = 0; i < h->nvars; ++i)
    TRY_GOTO(make_var(h, &vars[i], coords, compression, chunk_points, &h->vars[i]));
  /* The empty file is valid on disk from here on. */
  H5CK(H5Fflush(h->file, H5F_SCOPE_LOCAL), "flush (H5Fflush)");
done:
  for (int k = 0; k < ncoords; ++k)
    h5_close(h, &coords[k], &rc, "coordinate");
  h5_close(h, &fapl, &rc, "property list");
  h5_close(h, &fcpl, &rc, "property list");
  return rc;
}

/* Close every handle ignoring errors, delete PATH.partial, free h. Keeps the error message
 * already recorded (this runs after a failure). */
static void discard(psw_h5out *h) {
  for (int i = 0; i < h->nvars; ++i) {
    if (h->vars[i].dset >= 0)
      (void)H5Dclose(h->vars[i].dset);
    free(h->vars[i].name);
  }
  if (h->file >= 0)
    (void)H5Fclose(h->file);
  if (h->par && h->dxpl >= 0)
    (void)H5Pclose(h->dxpl);
  (void)H5Eclear2(H5E_DEFAULT);
  if (h->partial && h->rank == 0)
    (void)unlink(h->partial); /* ENOENT when the create failed: fine */
  if (h->par)
    (void)MPI_Comm_free(&h->comm);
  free(h->vars);
  free(h->partial);
  free(h->path);
  free(h);
}

psw_err psw_h5out_create(const char *path, int ndims, const psw_h5_dim *dims, int nvars,
                         const psw_h5_var *vars, int nattrs, const psw_h5_attr *attrs,
                         int compression, long chunk_points, psw_h5out **out) {
  return psw_h5out_create_mpi(path, NULL, MPI_COMM_NULL, ndims, dims, nvars, vars, nattrs, attrs,
                              compression, chunk_points, out);
}

psw_err psw_h5out_create_mpi(const char *path, const char *partial, MPI_Comm comm, int ndims,
                             const psw_h5_dim *dims, int nvars, const psw_h5_var *vars,
                             int nattrs, const psw_h5_attr *attrs, int compression,
                             long chunk_points, psw_h5out **out) {
  if (!out)
    return BUG("psw_h5out_create: out is NULL");
  int nranks = 1;
  if (comm != MPI_COMM_NULL && MPI_Comm_size(comm, &nranks) != MPI_SUCCESS)
    return psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "%s: MPI_Comm_size failed", path);
  *out = NULL;
  PSW_TRY(check_args(path, ndims, dims, nvars, vars, nattrs, attrs, compression));
  /* The caller prints one line from psw_err_msg; HDF5 must not print its stack to stderr. */
  if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
    return psw_err_set(PSW_ERR_IO, __FILE__, __LINE__,
                       "%s: turn off HDF5 error printing (H5Eset_auto2) failed", path);

  psw_h5out *h = calloc(1, sizeof *h);
  if (!h)
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: out of memory", path);
  h->file = H5I_INVALID_HID;
  h->dxpl = H5P_DEFAULT;
  h->comm = MPI_COMM_NULL;
  if (nranks > 1) {
    if (MPI_Comm_dup(comm, &h->comm) != MPI_SUCCESS) {
      free(h);
      return psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "%s: MPI_Comm_dup failed", path);
    }
    h->par = 1;
    MPI_Comm_rank(h->comm, &h->rank);
  }
  h->ndims = ndims;
  h->compression = compression;
  h->npoints = 1;
  for (int k = 0; k < ndims; ++k) {
    h->len[k] = dims[k].len;
    h->npoints *= dims[k].len;
  }
  size_t plen = strlen(path);
  h->path = malloc(plen + 1);
  h->partial = partial ? strdup(partial) : malloc(plen + sizeof ".partial");
  h->vars = calloc(nvars > 0 ? (size_t)nvars : 1, sizeof *h->vars);
  int ok = h->path && h->partial && h->vars;
  if (ok) {
    memcpy(h->path, path, plen + 1);
    if (!partial) {
      memcpy(h->partial, path, plen);
      memcpy(h->partial + plen, ".partial", sizeof ".partial");
    }
    h->nvars = nvars;
    for (int i = 0; i < nvars; ++i) {
      h->vars[i].dset = H5I_INVALID_HID;
      h->vars[i].type = vars[i].type;
      h->vars[i].eq = vars[i].eq;
      size_t n = strlen(vars[i].name) + 1;
      if ((h->vars[i].name = malloc(n)))
        memcpy(h->vars[i].name, vars[i].name, n);
      else
        ok = 0;
    }
  }
  if (!ok) {
    free(h->partial); /* nothing created yet: do not unlink a .partial of someone else */
    h->partial = NULL;
    discard(h);
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: out of memory", path);
  }
  psw_err rc = build(h, dims, vars, nattrs, attrs, compression, chunk_points);
  if (rc != PSW_OK) {
    discard(h);
    return rc;
  }
  *out = h;
  return PSW_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Write, flush, close, abort
 * ------------------------------------------------------------------------------------------- */

/* Add one slab of a range to a file selection (H5S_SELECT_OR after the first). A range that
 * is one work unit is one chunk, hence one slab: a simple hyperslab, which HDF5 maps to its
 * chunk directly. A union of slabs makes HDF5 1.10 build the chunk map element by element
 * (H5S_select_iterate): that cost as much as the pwrite itself (bench/RESULTS.md). */
typedef struct select_ctx {
  const psw_h5out *h;
  const h5var *v;
  hid_t fs;
  int first; /* no slab selected yet */
  long start;
  int nslabs;                                /* slabs selected */
  hsize_t count[PSW_H5OUT_MAX_DIMS + 1];     /* the last slab's shape */
} select_ctx;

static psw_err select_slab(void *ctx, const psw_h5out_slab *s) {
  select_ctx *w = ctx;
  const psw_h5out *h = w->h;
  psw_err rc = PSW_OK;
  int nd = h->ndims;
  hsize_t start[PSW_H5OUT_MAX_DIMS + 1], count[PSW_H5OUT_MAX_DIMS + 1];
  for (int k = 0; k < nd; ++k) {
    start[k] = (hsize_t)s->start[k];
    count[k] = (hsize_t)s->count[k];
  }
  if (w->v->eq) {
    start[nd] = 0;
    count[nd] = EQ_LEN;
  }
  long p0 = w->start + s->first, p1 = p0 + s->n;
  H5CK(H5Sselect_hyperslab(w->fs, w->first ? H5S_SELECT_SET : H5S_SELECT_OR, start, NULL, count,
                           NULL),
       "variable '%s': select points [%ld, %ld) (H5Sselect_hyperslab)", w->v->name, p0, p1);
  w->first = 0;
  ++w->nslabs;
  memcpy(w->count, count, sizeof count);
done:
  return rc;
}

/* One H5Dwrite of points [start, start + count) (count 0: an empty selection, for a rank
 * that takes part in a collective write with nothing to give). */
static psw_err write_one(psw_h5out *h, const h5var *v, long start, long count, const void *buf) {
  psw_err rc = PSW_OK;
  hid_t ms = H5I_INVALID_HID;
  select_ctx w = {.h = h, .v = v, .fs = H5I_INVALID_HID, .first = 1, .start = start};
  H5CK(w.fs = H5Dget_space(v->dset), "variable '%s': dataspace (H5Dget_space)", v->name);
  hsize_t nel = (hsize_t)count * (v->eq ? EQ_LEN : 1);
  if (nel == 0) {
    hsize_t one = 1;
    H5CK(H5Sselect_none(w.fs), "variable '%s': selection (H5Sselect_none)", v->name);
    H5CK(ms = H5Screate_simple(1, &one, NULL), "variable '%s': dataspace (H5Screate_simple)",
         v->name);
    H5CK(H5Sselect_none(ms), "variable '%s': selection (H5Sselect_none)", v->name);
  } else {
    TRY_GOTO(psw_h5out_decompose(h->ndims, h->len, start, count, select_slab, &w));
    /* One slab: memory gets the slab's own shape (the buffer is the same row-major block), so
     * HDF5 maps it chunk by chunk without visiting every element as it does for shapes that
     * differ (H5D__chunk_mem_cb). Several slabs: a flat buffer. */
    int one_slab = w.nslabs == 1;
    H5CK(ms = H5Screate_simple(one_slab ? h->ndims + (v->eq ? 1 : 0) : 1,
                               one_slab ? w.count : &nel, NULL),
         "variable '%s': dataspace (H5Screate_simple)", v->name);
  }
  H5CK(H5Dwrite(v->dset, mem_type(v->type), ms, w.fs, h->dxpl, buf),
       "write variable '%s': points [%ld, %ld) (H5Dwrite)", v->name, start, start + count);
done:
  h5_close(h, &ms, &rc, "dataspace");
  h5_close(h, &w.fs, &rc, "dataspace");
  return rc;
}

psw_err psw_h5out_write_ranges(psw_h5out *h, int var, int n, const long *start,
                               const long *count, const void *buf) {
  if (!h)
    return BUG("psw_h5out_write: NULL handle");
  if (var < 0 || var >= h->nvars)
    return BUG("%s: write: variable index %d out of range 0..%d", h->partial, var, h->nvars - 1);
  const h5var *v = &h->vars[var];
  long total = 0, prev_end = 0;
  for (int r = 0; r < n; ++r) {
    if (start[r] < prev_end || count[r] < 0 || count[r] > h->npoints - start[r])
      return BUG("%s: write '%s': range %d [%ld, %ld + %ld) out of order or outside [0, %ld)",
                 h->partial, v->name, r, start[r], start[r], count[r], h->npoints);
    prev_end = start[r] + count[r];
    total += count[r];
  }
  if (total > 0 && !buf)
    return BUG("%s: write '%s': NULL buffer", h->partial, v->name);
  /* One write per non-empty range. Parallel: every rank makes as many (collective) calls as
   * the rank with the most ranges, the others with empty selections. */
  int calls = 0;
  for (int r = 0; r < n; ++r)
    calls += count[r] > 0;
  if (h->par) {
    int mine = calls;
    if (MPI_Allreduce(&mine, &calls, 1, MPI_INT, MPI_MAX, h->comm) != MPI_SUCCESS)
      return psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__,
                         "%s: write '%s': MPI_Allreduce failed", h->partial, v->name);
  }
  size_t el = type_size(v->type) * (v->eq ? EQ_LEN : 1);
  const unsigned char *p = buf;
  int r = 0;
  for (int c = 0; c < calls; ++c) {
    while (r < n && count[r] == 0)
      ++r;
    long s0 = r < n ? start[r] : 0, c0 = r < n ? count[r] : 0;
    PSW_TRY(write_one(h, v, s0, c0, c0 > 0 ? p : NULL));
    if (r < n) {
      p += (size_t)c0 * el;
      ++r;
    }
  }
  return PSW_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Chunks encoded by the caller's threads (serial files with deflate)
 *
 * HDF5 runs its filters in H5Dwrite, on the one thread that may call HDF5; with deflate on,
 * that thread spent most of a fast run compressing (bench/RESULTS.md). A chunk encoded here
 * goes through the file's pipeline — shuffle (HDF5's byte transposition: byte j of element i
 * goes to j * elements + i; a no-op for 1-byte types), then deflate in the zlib format at the
 * file's level, by libdeflate (1.6x zlib's speed at level 1 on this output, 1% larger) — so
 * HDF5's deflate filter and every netCDF reader inflate it as usual; H5Dwrite_chunk stores it
 * as it is. Each thread has its own encoder (libdeflate's compressor is not shareable).
 * ------------------------------------------------------------------------------------------- */

void psw_h5_chunk_free(psw_h5_chunk *c) {
  if (!c)
    return;
  free(c->data);
  memset(c, 0, sizeof *c);
}

struct psw_h5_encoder {
  struct libdeflate_compressor *z;
  unsigned char *shuf; /* one shuffled chunk */
  size_t cap;
};

psw_err psw_h5_encoder_new(const psw_h5out *h, psw_h5_encoder **out) {
  *out = NULL;
  if (!psw_h5out_can_encode(h))
    return BUG("psw_h5_encoder_new: not a serial compressed file");
  psw_h5_encoder *e = calloc(1, sizeof *e);
  if (!e || !(e->z = libdeflate_alloc_compressor(h->compression))) {
    free(e);
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: chunk encoder: out of memory",
                       h->partial);
  }
  *out = e;
  return PSW_OK;
}

void psw_h5_encoder_free(psw_h5_encoder **e) {
  if (!e || !*e)
    return;
  libdeflate_free_compressor((*e)->z);
  free((*e)->shuf);
  free(*e);
  *e = NULL;
}

/* The shuffle below transposes the bytes of native values: right for the little-endian file
 * types when the host is little-endian too. */
int psw_h5out_can_encode(const psw_h5out *h) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return h && !h->par && h->compression > 0;
#else
  (void)h;
  return 0;
#endif
}

typedef struct one_slab {
  int n;
  psw_h5out_slab s;
} one_slab;

static psw_err keep_slab(void *ctx, const psw_h5out_slab *s) {
  one_slab *o = ctx;
  if (o->n++ == 0)
    o->s = *s;
  return PSW_OK;
}

static psw_err grow(void **p, size_t *cap, size_t need) {
  if (*cap >= need)
    return PSW_OK;
  void *q = realloc(*p, need);
  if (!q)
    return PSW_ERR_NOMEM;
  *p = q;
  *cap = need;
  return PSW_OK;
}

psw_err psw_h5out_encode_chunk(const psw_h5out *h, psw_h5_encoder *enc, int var, long start,
                               long count, const void *buf, psw_h5_chunk *c) {
  if (!psw_h5out_can_encode(h) || !enc || var < 0 || var >= h->nvars || !c ||
      (count > 0 && !buf))
    return BUG("psw_h5out_encode_chunk: not a serial compressed file, or bad arguments");
  const h5var *v = &h->vars[var];
  one_slab o = {0};
  PSW_TRY(psw_h5out_decompose(h->ndims, h->len, start, count, keep_slab, &o));
  /* one slab, on chunk boundaries, whose points are the first points of its chunk in the
   * chunk's row-major order: axes before the first short one have chunk length 1, axes after
   * it are whole */
  int nd = h->ndims, ok = o.n == 1, shortax = -1;
  for (int k = 0; ok && k < nd; ++k) {
    long cs = (long)v->cdims[k], s0 = o.s.start[k], n0 = o.s.count[k];
    ok = s0 % cs == 0 && (n0 == cs || (n0 < cs && s0 + n0 == h->len[k]));
    if (ok && n0 < cs && shortax < 0)
      shortax = k;
    else if (ok && shortax >= 0 && n0 != cs)
      ok = 0;
  }
  for (int k = 0; ok && k < shortax; ++k)
    ok = v->cdims[k] == 1;
  if (!ok)
    return BUG("%s: encode '%s': points [%ld, %ld) are not one chunk", h->partial, v->name, start,
               start + count);
  size_t es = type_size(v->type), per = v->eq ? EQ_LEN : 1;
  size_t nel = per; /* elements of the whole chunk */
  for (int k = 0; k < nd; ++k)
    nel *= (size_t)v->cdims[k];
  size_t nvalid = (size_t)count * per, nbytes = nel * es;
  size_t bound = libdeflate_zlib_compress_bound(enc->z, nbytes);
  if (grow((void **)&enc->shuf, &enc->cap, nbytes) || grow(&c->data, &c->cap, bound))
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: encode '%s': out of memory",
                       h->partial, v->name);
  unsigned char *sh = enc->shuf;
  const unsigned char *src = buf;
  if (es == 1) {
    memcpy(sh, src, nvalid);
  } else {
    for (size_t j = 0; j < es; ++j) {
      unsigned char *dst = sh + j * nel;
      for (size_t i = 0; i < nvalid; ++i)
        dst[i] = src[i * es + j];
    }
  }
  for (size_t j = 0; j < es; ++j) /* the part of an edge chunk outside the dataset */
    memset(sh + j * nel + nvalid, 0, nel - nvalid);
  c->size = libdeflate_zlib_compress(enc->z, sh, nbytes, c->data, c->cap);
  if (c->size == 0) /* cannot happen with the bound's room */
    return BUG("%s: encode '%s': libdeflate_zlib_compress found no room", h->partial, v->name);
  for (int k = 0; k < nd; ++k)
    c->offset[k] = o.s.start[k];
  c->offset[nd] = 0;
  return PSW_OK;
}

psw_err psw_h5out_write_chunk(psw_h5out *h, int var, const psw_h5_chunk *c) {
  if (!psw_h5out_can_encode(h) || var < 0 || var >= h->nvars || !c || !c->data)
    return BUG("psw_h5out_write_chunk: not a serial compressed file, or bad arguments");
  const h5var *v = &h->vars[var];
  psw_err rc = PSW_OK;
  hsize_t off[PSW_H5OUT_MAX_DIMS + 1];
  for (int k = 0; k <= h->ndims; ++k)
    off[k] = (hsize_t)c->offset[k];
  H5CK(H5Dwrite_chunk(v->dset, H5P_DEFAULT, 0, off, c->size, c->data),
       "write variable '%s': chunk at point offset %ld (H5Dwrite_chunk)", v->name, c->offset[0]);
done:
  return rc;
}

psw_err psw_h5out_write(psw_h5out *h, int var, long start, long count, const void *buf) {
  if (!h)
    return BUG("psw_h5out_write: NULL handle");
  if (start < 0 || count < 0 || start > h->npoints || count > h->npoints - start)
    return BUG("%s: write: points [%ld, %ld + %ld) outside [0, %ld)", h->partial, start, start,
               count, h->npoints);
  return psw_h5out_write_ranges(h, var, count > 0 ? 1 : 0, &start, &count, buf);
}

const char *psw_h5out_partial(const psw_h5out *h) { return h ? h->partial : NULL; }

psw_err psw_h5out_set_partial(psw_h5out *h, const char *partial) {
  if (!h || !partial || !partial[0])
    return BUG("psw_h5out_set_partial: NULL handle or empty name");
  char *p = strdup(partial);
  if (!p)
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: out of memory", partial);
  free(h->partial);
  h->partial = p;
  return PSW_OK;
}

psw_err psw_h5out_flush(psw_h5out *h) {
  if (!h)
    return BUG("psw_h5out_flush: NULL handle");
  psw_err rc = PSW_OK;
  H5CK(H5Fflush(h->file, H5F_SCOPE_LOCAL), "flush (H5Fflush)");
done:
  return rc;
}

/* fsync a file or directory by name. */
static int sync_path(const char *p, int flags) {
  int fd = open(p, flags);
  if (fd < 0)
    return -1;
  int r = fsync(fd);
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

/* fsync the directory holding path (best effort: some file systems cannot). */
static void sync_dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    (void)sync_path(".", O_RDONLY | O_DIRECTORY);
    return;
  }
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *dir = malloc(n + 1);
  if (dir) {
    memcpy(dir, path, n);
    dir[n] = '\0';
    (void)sync_path(dir, O_RDONLY | O_DIRECTORY);
    free(dir);
  }
}

/* Flush and close every handle (collective in parallel); frees nothing. */
static psw_err close_file(psw_h5out *h) {
  psw_err rc = PSW_OK;
  if (H5Fflush(h->file, H5F_SCOPE_LOCAL) < 0)
    rc = io_fail(__LINE__, h->partial, "flush (H5Fflush)");
  for (int i = 0; i < h->nvars; ++i)
    h5_close(h, &h->vars[i].dset, &rc, "variable");
  h5_close(h, &h->file, &rc, "file (H5Fclose)");
  if (h->par)
    h5_close(h, &h->dxpl, &rc, "transfer properties");
  return rc;
}

static void free_handle(psw_h5out *h) {
  if (h->par)
    (void)MPI_Comm_free(&h->comm);
  for (int i = 0; i < h->nvars; ++i)
    free(h->vars[i].name);
  free(h->vars);
  free(h->partial);
  free(h->path);
  free(h);
}

/* In parallel every rank returns rank 0's result for a step only rank 0 performs; the
 * message travels too, so every rank can report it. */
static psw_err agree(const psw_h5out *h, psw_err rc) {
  if (!h->par)
    return rc;
  int code = (int)rc;
  char msg[512] = "";
  if (h->rank == 0 && rc != PSW_OK)
    snprintf(msg, sizeof msg, "%s", psw_err_msg());
  if (MPI_Bcast(&code, 1, MPI_INT, 0, h->comm) != MPI_SUCCESS ||
      MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, 0, h->comm) != MPI_SUCCESS)
    return psw_err_set(PSW_ERR_MPI, __FILE__, __LINE__, "%s: MPI_Bcast failed", h->partial);
  if (h->rank != 0 && code != PSW_OK)
    return psw_err_set((psw_err)code, __FILE__, __LINE__, "%s", msg);
  return (psw_err)code;
}

psw_err psw_h5out_close(psw_h5out **hp) {
  if (!hp || !*hp)
    return BUG("psw_h5out_close: NULL handle");
  psw_h5out *h = *hp;
  *hp = NULL;
  psw_err rc = close_file(h);
  if (h->rank == 0) {
    /* The data must be on disk before the name says the file is complete (SPEC §8). */
    if (rc == PSW_OK && sync_path(h->partial, O_RDONLY) < 0)
      rc = sys_fail(__LINE__, h->partial, "fsync", errno);
    if (rc == PSW_OK && rename(h->partial, h->path) < 0)
      rc = psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: rename to '%s': %s", h->partial,
                       h->path, strerror(errno));
    if (rc == PSW_OK)
      sync_dir_of(h->path); /* make the rename durable */
  }
  rc = agree(h, rc);
  /* On failure PATH.partial stays for inspection; PATH is untouched. */
  free_handle(h);
  return rc;
}

psw_err psw_h5out_suspend(psw_h5out **hp) {
  if (!hp || !*hp)
    return BUG("psw_h5out_suspend: NULL handle");
  psw_h5out *h = *hp;
  *hp = NULL;
  psw_err rc = close_file(h);
  if (h->rank == 0 && rc == PSW_OK && sync_path(h->partial, O_RDONLY) < 0)
    rc = sys_fail(__LINE__, h->partial, "fsync", errno);
  rc = agree(h, rc);
  free_handle(h);
  return rc;
}

void psw_h5out_abort(psw_h5out **hp) {
  if (!hp || !*hp)
    return;
  psw_h5out *h = *hp;
  *hp = NULL;
  discard(h);
}

/* ---------------------------------------------------------------------------------------------
 * Reading back
 * ------------------------------------------------------------------------------------------- */

struct psw_h5in {
  char *path;
  hid_t file;
};

psw_err psw_h5in_open(const char *path, psw_h5in **out) {
  *out = NULL;
  if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
    return psw_err_set(PSW_ERR_IO, __FILE__, __LINE__,
                       "%s: turn off HDF5 error printing (H5Eset_auto2) failed", path);
  psw_h5in *h = calloc(1, sizeof *h);
  if (!h || !(h->path = strdup(path))) {
    free(h);
    return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: out of memory", path);
  }
  h->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (h->file < 0) {
    psw_err e = io_fail(__LINE__, path, "open (H5Fopen)");
    free(h->path);
    free(h);
    return e;
  }
  *out = h;
  return PSW_OK;
}

psw_err psw_h5in_attr(psw_h5in *h, const char *name, char **value) {
  *value = NULL;
  hid_t a = H5Aopen(h->file, name, H5P_DEFAULT);
  if (a < 0)
    return io_fail(__LINE__, h->path, "attribute '%s' (H5Aopen)", name);
  psw_err rc = PSW_OK;
  hid_t t = H5Aget_type(a), mt = H5I_INVALID_HID;
  char *s = NULL;
  if (t < 0 || H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) <= 0) {
    rc = psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: attribute '%s' is not a string",
                     h->path, name);
  } else if ((mt = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(mt, H5T_VARIABLE) < 0 ||
             H5Tset_cset(mt, H5T_CSET_UTF8) < 0 || H5Aread(a, mt, &s) < 0) {
    rc = io_fail(__LINE__, h->path, "read attribute '%s' (H5Aread)", name);
  } else {
    *value = strdup(s ? s : "");
    if (!*value)
      rc = psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "%s: out of memory", h->path);
  }
  if (s)
    (void)H5free_memory(s);
  if (mt >= 0)
    (void)H5Tclose(mt);
  if (t >= 0)
    (void)H5Tclose(t);
  (void)H5Aclose(a);
  return rc;
}

typedef struct read_ctx {
  int nd;
  int eq;
  hid_t fs;
  int first;
} read_ctx;

static psw_err read_slab(void *ctx, const psw_h5out_slab *s) {
  read_ctx *w = ctx;
  hsize_t start[PSW_H5OUT_MAX_DIMS + 1], count[PSW_H5OUT_MAX_DIMS + 1];
  for (int k = 0; k < w->nd; ++k) {
    start[k] = (hsize_t)s->start[k];
    count[k] = (hsize_t)s->count[k];
  }
  if (w->eq) {
    start[w->nd] = 0;
    count[w->nd] = EQ_LEN;
  }
  if (H5Sselect_hyperslab(w->fs, w->first ? H5S_SELECT_SET : H5S_SELECT_OR, start, NULL, count,
                          NULL) < 0)
    return psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "selection (H5Sselect_hyperslab) failed");
  w->first = 0;
  return PSW_OK;
}

psw_err psw_h5in_read(psw_h5in *h, const char *name, psw_vtype type, int eq, long start,
                      long count, void *buf) {
  psw_err rc = PSW_OK;
  hid_t d = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  read_ctx w = {.eq = eq, .fs = H5I_INVALID_HID, .first = 1};
  hsize_t dims[H5S_MAX_RANK];
  long len[PSW_H5OUT_MAX_DIMS], npoints = 1;
  if ((d = H5Dopen2(h->file, name, H5P_DEFAULT)) < 0) {
    rc = io_fail(__LINE__, h->path, "variable '%s' (H5Dopen2)", name);
    goto done;
  }
  if ((w.fs = H5Dget_space(d)) < 0) {
    rc = io_fail(__LINE__, h->path, "variable '%s': dataspace (H5Dget_space)", name);
    goto done;
  }
  int rank = H5Sget_simple_extent_dims(w.fs, dims, NULL);
  w.nd = rank - (eq ? 1 : 0);
  if (rank < 1 || w.nd < 1 || w.nd > PSW_H5OUT_MAX_DIMS || (eq && dims[rank - 1] != EQ_LEN)) {
    rc = psw_err_set(PSW_ERR_IO, __FILE__, __LINE__, "%s: variable '%s' has an unexpected shape",
                     h->path, name);
    goto done;
  }
  for (int k = 0; k < w.nd; ++k) {
    len[k] = (long)dims[k];
    npoints *= len[k];
  }
  if (start < 0 || count < 1 || count > npoints - start) {
    rc = BUG("%s: read '%s': points [%ld, %ld + %ld) outside [0, %ld)", h->path, name, start,
             start, count, npoints);
    goto done;
  }
  if ((rc = psw_h5out_decompose(w.nd, len, start, count, read_slab, &w)) != PSW_OK)
    goto done;
  hsize_t nel = (hsize_t)count * (eq ? EQ_LEN : 1);
  if ((ms = H5Screate_simple(1, &nel, NULL)) < 0 ||
      H5Dread(d, mem_type(type), ms, w.fs, H5P_DEFAULT, buf) < 0)
    rc = io_fail(__LINE__, h->path, "read variable '%s' points [%ld, %ld) (H5Dread)", name, start,
                 start + count);
done:
  if (ms >= 0)
    (void)H5Sclose(ms);
  if (w.fs >= 0)
    (void)H5Sclose(w.fs);
  if (d >= 0)
    (void)H5Dclose(d);
  (void)H5Eclear2(H5E_DEFAULT);
  return rc;
}

void psw_h5in_close(psw_h5in **hp) {
  if (!hp || !*hp)
    return;
  (void)H5Fclose((*hp)->file);
  (void)H5Eclear2(H5E_DEFAULT);
  free((*hp)->path);
  free(*hp);
  *hp = NULL;
}
