/* Fault injection for the crash tests (tests/cli/test_resume.py): PLATSWEEP_FAULT=SITE:N makes
 * the process kill itself with SIGKILL the N-th time it passes psw_fault(SITE) (N >= 1), e.g.
 * "write:3" in the middle of the third collective write. Unset, psw_fault costs one branch.
 * Not thread-safe: call from the main thread. */
#ifndef PLATSWEEP_CORE_FAULT_H
#define PLATSWEEP_CORE_FAULT_H

void psw_fault(const char *site);

#endif
