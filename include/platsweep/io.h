/**
 * @file io.h
 * @brief netCDF-4-compatible HDF5 output (SPEC §5, CONVENTIONS §1).
 *
 * One file holds N dimensions, each with a coordinate variable that is an HDF5
 * dimension scale, and variables on (dims...) or (dims..., eq). Points are numbered
 * in C order over the dimensions; writers hand in ranges of consecutive point
 * indices. The file is written as PATH.partial and renamed to PATH by close.
 * Not collective (serial HDF5 calls from one thread). Thread-safe: no.
 */
#ifndef PLATSWEEP_IO_H
#define PLATSWEEP_IO_H

#include <stdint.h>

#include "platsweep/err.h"

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

/** @brief Flush to disk (a checkpoint). */
psw_err psw_h5out_flush(psw_h5out *h);

/** @brief Close and rename PATH.partial to PATH; frees h and sets *h = NULL. */
psw_err psw_h5out_close(psw_h5out **h);

/** @brief Close and delete PATH.partial (a failed run leaves no output); NULL-safe. */
void psw_h5out_abort(psw_h5out **h);

#ifdef __cplusplus
}
#endif
#endif
