/**
 * @file io.h
 * @brief netCDF-4-compatible HDF5 output (SPEC §5, CONVENTIONS §1).
 *
 * One file holds N dimensions, each with a coordinate variable that is an HDF5
 * dimension scale, and variables on (dims...) or (dims..., eq). Points are numbered
 * in C order over the dimensions; writers hand in ranges of consecutive point
 * indices. The file is written as PATH.partial and renamed to PATH by close.
 *
 * Serial (psw_h5out_create): sec2 driver, no MPI needed. Parallel (psw_h5out_create_mpi
 * with a communicator of more than one rank): the MPI-IO driver; create, write_ranges,
 * flush, suspend and close are then collective over the communicator (every rank calls
 * them with the same arguments, except the ranges each rank writes). Thread-safe: no —
 * call from one thread per rank (CONVENTIONS §1.6).
 */
#ifndef PLATSWEEP_IO_H
#define PLATSWEEP_IO_H

#include <stdint.h>

#include <mpi.h>

#include "platsweep/err.h"

/** At most this many point dimensions (HDF5's H5S_MAX_RANK = 32, one left for `eq`). */
#define PSW_H5_MAX_DIMS 31

#ifdef __cplusplus
extern "C" {
#endif

/** Element types of output variables. */
typedef enum psw_vtype { PSW_VT_F64, PSW_VT_I8, PSW_VT_I16, PSW_VT_I64 } psw_vtype;

/** A dimension with its coordinate variable. */
typedef struct psw_h5_dim {
  const char *name;      /**< netCDF name ("providers_s", "point", "eq") */
  long len;              /**< > 0 */
  const double *coord;   /**< shape [len]; NULL: an int64 coordinate 0..len-1 */
  const char *units;     /**< may be NULL */
  const char *long_name; /**< may be NULL */
} psw_h5_dim;

/** An output variable, on every point dimension (plus `eq` when eq = 1). */
typedef struct psw_h5_var {
  const char *name;          /**< SPEC §5 name */
  psw_vtype type;            /**< F64 fill NaN; I8 / I16 fill -1 */
  int eq;                    /**< 1: one more, last dimension `eq` of size 9 */
  const char *units;         /**< "1" for dimensionless; may be NULL */
  const char *long_name;     /**< may be NULL */
  const char *flag_meanings; /**< status variables: "ok corner ..." (flag_values 0..k-1
                                  taken from the count of words); NULL otherwise */
} psw_h5_var;

/** A global string attribute. */
typedef struct psw_h5_attr {
  const char *name, *value;
} psw_h5_attr;

typedef struct psw_h5out psw_h5out;

/**
 * @brief Create PATH.partial with every dimension, coordinate and variable
 *        (chunked, shuffle + deflate at `compression` if > 0, fill values set),
 *        CF attributes, and the global attributes given (plus Conventions = "CF-1.10").
 * @param[in] dims        shape [ndims]: point dimensions in order (the `eq` dimension
 *                        is added by the writer when any variable has eq = 1)
 * @param[in] vars        shape [nvars]
 * @param[in] attrs       shape [nattrs]: global string attributes (title, config, ...)
 * @param[in] chunk_points points per chunk along the flattened point index (the writer
 *                        turns it into a chunk shape: whole along the last axes,
 *                        ~1 MiB per chunk); <= 0 picks a default
 * @return PSW_OK; PSW_ERR_IO (exit 73) if the file cannot be created.
 */
psw_err psw_h5out_create(const char *path, int ndims, const psw_h5_dim *dims, int nvars,
                         const psw_h5_var *vars, int nattrs, const psw_h5_attr *attrs,
                         int compression, long chunk_points, psw_h5out **out);

/**
 * @brief Write points [start, start + count) of variable `var` (index into vars).
 * @param[in] buf shape [count] (or [count][9] for eq variables), of the variable's type
 * @return PSW_OK or PSW_ERR_IO (exit 74).
 */
psw_err psw_h5out_write(psw_h5out *h, int var, long start, long count, const void *buf);

/**
 * @brief Like psw_h5out_create, for the ranks of comm (collective).
 * @param[in] comm    MPI_COMM_NULL, or a communicator of size 1: serial (sec2); otherwise the
 *                    MPI-IO driver with collective data transfers (filtered datasets need them)
 * @param[in] partial the file to write until close renames it to path; NULL: PATH.partial
 */
psw_err psw_h5out_create_mpi(const char *path, const char *partial, MPI_Comm comm, int ndims,
                             const psw_h5_dim *dims, int nvars, const psw_h5_var *vars,
                             int nattrs, const psw_h5_attr *attrs, int compression,
                             long chunk_points, psw_h5out **out);

/**
 * @brief Write n ranges of points of variable `var` with one H5Dwrite (collective in
 *        parallel: every rank calls it, n = 0 on a rank with nothing to write).
 * @param[in] start, count shape [n]: increasing, non-overlapping ranges of flat point indices
 * @param[in] buf the ranges' points one after the other, in the variable's type
 *                (9 values per point for eq variables)
 */
psw_err psw_h5out_write_ranges(psw_h5out *h, int var, int n, const long *start,
                               const long *count, const void *buf);

/** @brief One chunk of one variable encoded by psw_h5out_encode_chunk. Zero-initialise;
 *         later encodes into the same object reuse its memory; free with psw_h5_chunk_free. */
typedef struct psw_h5_chunk {
  void *data;  /**< the encoded bytes (owned) */
  size_t size; /**< their number */
  size_t cap;  /**< bytes allocated at data */
  long offset[PSW_H5_MAX_DIMS + 1]; /**< the chunk's first element (eq last, 0) */
} psw_h5_chunk;

/** @brief Free a chunk's memory (NULL-safe) and zero it. */
void psw_h5_chunk_free(psw_h5_chunk *c);

/** @brief 1 when the caller may encode chunks itself (a serial file with deflate on): then
 *         psw_h5out_encode_chunk + psw_h5out_write_chunk replace psw_h5out_write_ranges,
 *         and the compression runs on the caller's threads instead of inside H5Dwrite. */
int psw_h5out_can_encode(const psw_h5out *h);

/** @brief A thread's chunk encoder (compressor state and scratch, ≈ 0.2 MB at level 1). */
typedef struct psw_h5_encoder psw_h5_encoder;

/** @return PSW_OK; PSW_ERR_NOMEM; PSW_ERR_BUG when psw_h5out_can_encode(h) is 0. */
psw_err psw_h5_encoder_new(const psw_h5out *h, psw_h5_encoder **out);

/** @brief Free an encoder (NULL-safe) and set *e = NULL. */
void psw_h5_encoder_free(psw_h5_encoder **e);

/**
 * @brief Encode points [start, start + count) of variable `var` — exactly one chunk (the
 *        last chunk of an axis may be short) — as the file's filters would (shuffle, then
 *        deflate at the file's level, zlib format). No HDF5 call: threads may call it at once,
 *        each with its own encoder and chunk objects.
 * @param[in] buf the points in the variable's type (9 values per point for eq variables)
 * @return PSW_OK; PSW_ERR_NOMEM; PSW_ERR_BUG if the range is not one chunk or
 *         psw_h5out_can_encode(h) is 0.
 */
psw_err psw_h5out_encode_chunk(const psw_h5out *h, psw_h5_encoder *enc, int var, long start,
                               long count, const void *buf, psw_h5_chunk *c);

/** @brief Store an encoded chunk (H5Dwrite_chunk). The thread that makes HDF5 calls.
 *  @return PSW_OK; PSW_ERR_IO. */
psw_err psw_h5out_write_chunk(psw_h5out *h, int var, const psw_h5_chunk *c);

/** @brief The name of the file being written now (PATH.partial or the name given). */
const char *psw_h5out_partial(const psw_h5out *h);

/** @brief The file being written was renamed (by the caller) to partial: close renames
 *         that name to PATH. Not collective; call on every rank. */
psw_err psw_h5out_set_partial(psw_h5out *h, const char *partial);

/** @brief Flush to disk (a checkpoint). */
psw_err psw_h5out_flush(psw_h5out *h);

/** @brief Close and rename PATH.partial to PATH; frees h and sets *h = NULL. */
psw_err psw_h5out_close(psw_h5out **h);

/** @brief Flush and close, keeping the partial file under its name (a run stopped after a
 *         checkpoint, to be resumed); frees h and sets *h = NULL. */
psw_err psw_h5out_suspend(psw_h5out **h);

/** @brief Close and delete PATH.partial (a failed run leaves no output); NULL-safe. */
void psw_h5out_abort(psw_h5out **h);

/* ---- reading back (resume, checks): serial, read-only ---- */

typedef struct psw_h5in psw_h5in;

/** @brief Open an existing file read-only (sec2 driver, any rank on its own).
 *  @return PSW_OK; PSW_ERR_IO if it is missing or not an HDF5 file HDF5 can open. */
psw_err psw_h5in_open(const char *path, psw_h5in **out);

/** @brief A global string attribute; *value is malloc'ed (the caller frees).
 *  @return PSW_OK; PSW_ERR_IO when absent or not a string. */
psw_err psw_h5in_attr(psw_h5in *h, const char *name, char **value);

/**
 * @brief Read points [start, start + count) of variable `name` (type and eq as written).
 * @param[out] buf shape [count] (or [count][9] for eq variables)
 * @return PSW_OK; PSW_ERR_IO (missing variable, wrong shape, unreadable data).
 */
psw_err psw_h5in_read(psw_h5in *h, const char *name, psw_vtype type, int eq, long start,
                      long count, void *buf);

/** @brief NULL-safe; sets *h = NULL. */
void psw_h5in_close(psw_h5in **h);

#ifdef __cplusplus
}
#endif
#endif
