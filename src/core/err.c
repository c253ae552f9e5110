#include "platsweep/err.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char msg_buf[512];

const char *psw_err_str(psw_err code) {
  switch (code) {
#define PSW_ERR_CASE_(c, m)                                                                        \
  case c:                                                                                          \
    return m;
    PSW_ERR_LIST(PSW_ERR_CASE_)
#undef PSW_ERR_CASE_
  }
  return "unknown error";
}

psw_err psw_err_set(psw_err code, const char *file, int line, const char *fmt, ...) {
  (void)file;
  (void)line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg_buf, sizeof msg_buf, fmt, ap);
  va_end(ap);
  return code;
}

const char *psw_err_msg(void) { return msg_buf; }

void psw_err_clear(void) { msg_buf[0] = '\0'; }
