/**
 * @file err.h
 * @brief Error codes for fallible set-up and I/O functions (STYLE §3).
 *
 * Per-point outcomes are data (psw_status), never psw_err.
 */
#ifndef PLATSWEEP_ERR_H
#define PLATSWEEP_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

#define PSW_ERR_LIST(X)                                                                            \
  X(PSW_OK, "success")                                                                             \
  X(PSW_ERR_NOMEM, "out of memory")                                                                \
  X(PSW_ERR_USAGE, "invalid usage")                                                                \
  X(PSW_ERR_CONFIG, "invalid configuration")                                                       \
  X(PSW_ERR_INPUT, "input file missing")                                                           \
  X(PSW_ERR_IO, "I/O failure")                                                                     \
  X(PSW_ERR_MPI, "MPI call failed")                                                                \
  X(PSW_ERR_BUG, "internal invariant violated")

typedef enum psw_err {
#define PSW_ERR_ENUM_(code, msg) code,
  PSW_ERR_LIST(PSW_ERR_ENUM_)
#undef PSW_ERR_ENUM_
} psw_err;

/** @brief Static description of a code. Thread-safe: yes. */
const char *psw_err_str(psw_err code);

/**
 * @brief Record a message for the calling thread and return code.
 * Thread-safe: yes (per-thread buffer).
 */
psw_err psw_err_set(psw_err code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** @brief Last message recorded by the calling thread ("" if none). */
const char *psw_err_msg(void);

/** @brief Clear the calling thread's message. */
void psw_err_clear(void);

#define PSW_TRY(call)                                                                              \
  do {                                                                                             \
    psw_err e_ = (call);                                                                           \
    if (e_ != PSW_OK) return e_;                                                                   \
  } while (0)

#define PSW_CHECK(cond, code, ...)                                                                 \
  do {                                                                                             \
    if (!(cond)) return psw_err_set((code), __FILE__, __LINE__, __VA_ARGS__);                      \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
