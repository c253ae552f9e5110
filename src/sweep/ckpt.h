/* Checkpoint records and config fingerprints of the sweep driver (private to src/sweep and
 * its tests).
 *
 * A checkpoint record OUT.partial.ckpt says which work units of OUT.partial are complete and
 * holds a CRC-32 of each such unit's data, so a resumed run trusts nothing it has not
 * verified. It is replaced atomically (write OUT.partial.ckpt.tmp, fsync, rename, fsync the
 * directory): after a crash at any moment the record on disk is the old one or the new one,
 * never a mix, and its own CRC-32 rejects a damaged file. Layout (little-endian):
 *   "platsweep-checkpoint 1\n" "unit_points %ld\n" "units %ld\n" "fingerprint_bytes %zu\n"
 *   fingerprint text, done[units] (bytes 0/1), crc[units] (uint32), crc32 of all before.
 *
 * The fingerprint is the resolved config as "key = value" lines (every model value, the
 * design and its axes or table, problems, solver variants and options, output compression and
 * variables, the platsweep version): equal fingerprints mean bit-identical variables. It is
 * also stored in the output as the global attribute `platsweep_fingerprint`. */
#ifndef PLATSWEEP_SWEEP_CKPT_H
#define PLATSWEEP_SWEEP_CKPT_H

#include <stddef.h>
#include <stdint.h>

#include "platsweep/config.h"
#include "platsweep/err.h"

typedef struct psw_ckpt {
  char *fingerprint;
  long unit_points; /* points per unit the run used (the --batch of the first run) */
  long units;
  unsigned char *done; /* [units] */
  uint32_t *crc;       /* [units] */
} psw_ckpt;

/* The fingerprint text of cfg (malloc'ed). */
psw_err psw_fingerprint(const psw_config *cfg, char **text);

/* 0 if equal; else 1 and msg = "KEY: VALUE_A here, VALUE_B there" for the first key whose
 * value differs (or that only one of them has). */
int psw_fingerprint_diff(const char *a, const char *b, const char *a_name, const char *b_name,
                         char *msg, size_t len);

/* Write atomically (path.tmp, fsync, rename, fsync the directory). PSW_ERR_IO on failure. */
psw_err psw_ckpt_write(const char *path, const psw_ckpt *c);

/* Read and check. PSW_ERR_INPUT: no such file; PSW_ERR_IO: unreadable, damaged (CRC) or not
 * a record of this version. */
psw_err psw_ckpt_read(const char *path, psw_ckpt *c);

void psw_ckpt_fini(psw_ckpt *c);

#endif
