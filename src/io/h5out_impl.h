/* Private to src/io/ and its tests: the chunk-shape rule and the range decomposition of
 * h5out.c, exposed so that tests can check them without an HDF5 file.
 *
 * Shapes are over the point dimensions only, in C order (last axis fastest); the `eq` axis
 * of an equilibrium variable is always whole and is not part of these shapes. */
#ifndef PLATSWEEP_IO_H5OUT_IMPL_H
#define PLATSWEEP_IO_H5OUT_IMPL_H

#include "platsweep/err.h"
#include "platsweep/io.h"

/* Uncompressed bytes per chunk aimed at: HDF5's default raw-data chunk cache (CONVENTIONS §1.5). */
#define PSW_H5OUT_CHUNK_BYTES (1L << 20)

#define PSW_H5OUT_MAX_DIMS PSW_H5_MAX_DIMS /* platsweep/io.h */

/* The points per chunk used when the caller passes chunk_points <= 0: as many points as fit
 * in PSW_H5OUT_CHUNK_BYTES at point_bytes bytes per point (element size, times 9 for eq
 * variables); at least 1. */
long psw_h5out_default_chunk_points(long point_bytes);

/* The chunk shape for point dimensions len[ndims] (each > 0) holding about `points` (> 0)
 * points per chunk: walking from the last axis, every axis that fits whole is whole; the
 * first axis that does not fit gets the most rows that fit, evened out so that its chunks
 * have equal size (100 rows at 60 per chunk become 2 chunks of 50); the axes before it get
 * 1. If everything fits, the chunk is the whole array.
 * chunk: shape [ndims], written. */
void psw_h5out_chunk_shape(int ndims, const long *len, long points, long *chunk);

/* One rectangular piece of a flat range of points: the hyperslab start[k], count[k]
 * (k < ndims) covering points [first, first + n) of the range, in C order. */
typedef struct psw_h5out_slab {
  long start[PSW_H5OUT_MAX_DIMS];
  long count[PSW_H5OUT_MAX_DIMS];
  long first; /* offset of the slab's first point from the start of the range */
  long n;     /* points in the slab (the product of count) */
} psw_h5out_slab;

/* Called once per slab, in increasing order of slab->first; a non-PSW_OK return stops the
 * decomposition and is returned by psw_h5out_decompose. */
typedef psw_err (*psw_h5out_slab_fn)(void *ctx, const psw_h5out_slab *slab);

/* Split the points [start, start + count) of an array of shape len[ndims] (C order) into the
 * fewest rectangular hyperslabs: per axis from the first, a partial leading row, a block of
 * whole rows, a partial trailing row, recursively; at most 2 * ndims - 1 slabs. The caller
 * guarantees 0 <= start, 0 < count, start + count <= prod(len), 1 <= ndims <= MAX_DIMS. */
psw_err psw_h5out_decompose(int ndims, const long *len, long start, long count,
                            psw_h5out_slab_fn fn, void *ctx);

#endif
