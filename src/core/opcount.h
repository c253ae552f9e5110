/* Operation counts of the family kernels (issue #5, bench/roofline/opcount.sh).
 *
 * With the CMake option PSW_OPCOUNT (-DPSW_OPCOUNT=1 on platsweep_core) every family kernel
 * adds the number of lane-evaluations it executes to a counter per (family kind, slot); the
 * counters are atomic (relaxed), so threads may count at once. Without it PSW_OPCOUNT_ADD
 * expands to nothing: the normal build's code is unchanged. With it, and PSW_OPCOUNT_PRINT=1
 * in the environment, the totals go to stderr at exit, one line per non-zero counter:
 *   opcount <kind> <slot> <lane-evaluations>
 * A batched call counts all n lanes it evaluates, padding lanes included. */
#ifndef PLATSWEEP_CORE_OPCOUNT_H
#define PLATSWEEP_CORE_OPCOUNT_H

#include "platsweep/family.h"

/* Slots per family kind. PSW_OPC_EVAL_BATCH + mask: psw_family_eval_batch with the outputs
 * in mask (1 F, 2 Fp, 4 h, 8 hp) requested. FINV_BATCH_VEC: lanes of psw_family_Finv_batch
 * done in its vector loop; FINV_BATCH_SCALAR: lanes it hands to the scalar inverse (ends,
 * underflow, kinds without a vector loop). The scalar entry points count their own calls
 * (Fp_side and Fp_sup only when they evaluate the kernel). FINV_END: scalar inverses, by
 * either route, answered at an end (m <= 0 or m >= M) without arithmetic. PHI_NEWTON:
 * lane-iterations of the logit Newton loop of phi_inv_lanes (src/solver/fast.c). */
typedef enum psw_opc_slot {
  PSW_OPC_EVAL_BATCH = 0, /* .. + 15 */
  PSW_OPC_FINV_BATCH_VEC = 16,
  PSW_OPC_FINV_BATCH_SCALAR,
  PSW_OPC_F,
  PSW_OPC_EVAL,
  PSW_OPC_FP_SIDE,
  PSW_OPC_FP_SUP,
  PSW_OPC_FINV,
  PSW_OPC_FINV_END,
  PSW_OPC_SURPLUS,
  PSW_OPC_PHI_NEWTON,
  PSW_OPC_COUNT
} psw_opc_slot;

#ifdef PSW_OPCOUNT
/* Adds n to the counter of (kind, slot); ignores a kind or slot out of range. Thread-safe. */
void psw_opcount_add(psw_family_kind kind, int slot, long n);
#define PSW_OPCOUNT_ADD(kind, slot, n) psw_opcount_add((kind), (slot), (n))
#else
#define PSW_OPCOUNT_ADD(kind, slot, n) ((void)0)
#endif

#endif
