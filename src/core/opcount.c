/* Operation counters (core/opcount.h); empty unless built with PSW_OPCOUNT. */
#include "core/opcount.h"

#ifdef PSW_OPCOUNT

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_llong counts[PSW_FAMILY_COUNT][PSW_OPC_COUNT];

void psw_opcount_add(psw_family_kind kind, int slot, long n) {
  if ((int)kind < 0 || kind >= PSW_FAMILY_COUNT || slot < 0 || slot >= PSW_OPC_COUNT)
    return;
  atomic_fetch_add_explicit(&counts[kind][slot], n, memory_order_relaxed);
}

static const char *slot_name(int slot, char *buf, size_t len) {
  static const char *const names[] = {
      "finv_batch_vec", "finv_batch_scalar", "F",       "eval",      "Fp_side", "Fp_sup",
      "Finv",           "Finv_end",          "surplus", "phi_newton"};
  if (slot >= PSW_OPC_FINV_BATCH_VEC)
    return names[slot - PSW_OPC_FINV_BATCH_VEC];
  /* eval_batch[F,Fp,h,hp]: the outputs requested */
  static const char *const outs[] = {"F", "Fp", "h", "hp"};
  snprintf(buf, len, "eval_batch[");
  for (int b = 0, first = 1; b < 4; ++b)
    if (slot & (1 << b)) {
      strncat(buf, first ? "" : ",", len - strlen(buf) - 1);
      strncat(buf, outs[b], len - strlen(buf) - 1);
      first = 0;
    }
  strncat(buf, "]", len - strlen(buf) - 1);
  return buf;
}

__attribute__((destructor)) static void opcount_print(void) {
  const char *env = getenv("PSW_OPCOUNT_PRINT");
  if (!env || strcmp(env, "1") != 0)
    return;
  for (int k = 0; k < PSW_FAMILY_COUNT; ++k)
    for (int s = 0; s < PSW_OPC_COUNT; ++s) {
      long long n = atomic_load(&counts[k][s]);
      char buf[48];
      if (n)
        fprintf(stderr, "opcount %s %s %lld\n", psw_family_name((psw_family_kind)k),
                slot_name(s, buf, sizeof buf), n);
    }
}

#else
typedef int psw_opcount_off; /* ISO C wants a declaration in every translation unit */
#endif
