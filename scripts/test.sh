#!/usr/bin/env bash
# Full platsweep check, as run by CI (.ci/run) and by developers:
#
#   scripts/test.sh                 all stages: deps ci sanitizers valgrind
#   scripts/test.sh ci valgrind     only the named stages (deps is never implied)
#
# Stages
#   deps        scripts/deps.sh (Debian 12 packages; no-op when all are installed)
#   ci          cmake --workflow --preset ci: Release, -Werror, the whole ctest suite
#   sanitizers  preset "debug" (Debug, ASan+UBSan): build, ctest -L unit|cli
#   valgrind    preset "default" (RelWithDebInfo): build, then every unit test executable under
#               valgrind memcheck, following Criterion's worker processes; logs in
#               build/default/valgrind/<test>/<pid>.log
# Every stage runs even if an earlier one failed; a summary line per stage is printed at the
# end and the exit status is non-zero if any stage failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null                               # CI has no stdin; never wait on it

export CMAKE_BUILD_PARALLEL_LEVEL=2
export CTEST_OUTPUT_ON_FAILURE=1
# fast_unwind_on_malloc=0: whole allocation stacks, so that cmake/lsan.supp can recognise
# Open MPI's own MPI_Init allocations (kept past MPI_Finalize) in `platsweep run`
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS="suppressions=$PWD/cmake/lsan.supp:print_suppressions=0"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1   # CI runs as root
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
VALGRIND_TIMEOUT=${VALGRIND_TIMEOUT:-900}     # seconds per unit-test executable

stage_deps() {
  scripts/deps.sh
}

stage_ci() {
  cmake --workflow --preset ci
}

stage_sanitizers() {
  cmake --preset debug
  cmake --build --preset debug
  # ASan+UBSan are ~5x slower; the ci stage already ran the full-size samples
  PSW_TEST_SCALE="${PSW_TEST_SCALE:-0.25}" ctest --preset debug  # preset filters labels unit|cli
}

# Criterion runs each test in a separate worker process (fork + exec of the same binary) and
# ignores the worker's exit status, so valgrind's --error-exitcode alone does not catch errors
# inside tests. We trace the children, write one log per process and require every log to end
# with "ERROR SUMMARY: 0 errors". Criterion notices valgrind and runs its workers one at a
# time, so no --jobs is passed. cmake/valgrind.supp holds the few known false positives
# (libgomp's thread pool).
stage_valgrind() {
  cmake --preset default
  cmake --build --preset default

  local bdir=build/default logroot=build/default/valgrind
  rm -rf "$logroot"
  mkdir -p "$logroot"
  local -a exes
  mapfile -t exes < <(ctest --test-dir "$bdir" -L '^unit$' --show-only=json-v1 |
    python3 -c 'import json, sys
for t in json.load(sys.stdin)["tests"]:
    print(t["command"][0])')
  if [ ${#exes[@]} -eq 0 ]; then
    echo "valgrind: no unit tests found in $bdir" >&2
    return 1
  fi

  # Two test executables at a time (the machine has 2 cores; memcheck is single-threaded).
  local exe name logs rc nlogs failed=0 running=0
  local -a bad
  for exe in "${exes[@]}"; do
    name=$(basename "$exe")
    logs="$logroot/$name"
    mkdir -p "$logs"
    (
      rc=0
      # memcheck is ~50x slower: the large randomised tests run on a sample (PSW_TEST_SCALE)
      PSW_TEST_SCALE="${PSW_TEST_SCALE:-0.02}" \
      timeout "$VALGRIND_TIMEOUT" valgrind --trace-children=yes --error-exitcode=1 \
        --leak-check=full --track-origins=yes --num-callers=30 \
        --suppressions=cmake/valgrind.supp \
        --log-file="$logs/%p.log" "$exe" >"$logs/output.txt" 2>&1 || rc=$?
      echo "$rc" >"$logs/rc"
    ) &
    running=$((running + 1))
    if [ "$running" -ge "${VALGRIND_JOBS:-2}" ]; then
      wait -n || true
      running=$((running - 1))
    fi
  done
  wait || true
  for exe in "${exes[@]}"; do
    name=$(basename "$exe")
    logs="$logroot/$name"
    rc=$(cat "$logs/rc" 2>/dev/null || echo 1)
    nlogs=$(find "$logs" -name '*.log' | wc -l)
    mapfile -t bad < <(grep -L 'ERROR SUMMARY: 0 errors' "$logs"/*.log || true)
    if [ "$rc" -ne 0 ] || [ "$nlogs" -lt 2 ] || [ ${#bad[@]} -gt 0 ]; then
      failed=1
      echo "valgrind: FAIL $name (exit $rc, $nlogs process logs, ${#bad[@]} with errors)"
      cat "$logs/output.txt"
      [ "$nlogs" -lt 2 ] && echo "  no Criterion worker ran under valgrind"
      local f
      for f in "${bad[@]}"; do
        echo "----- $f"
        head -n 80 "$f"
      done
    else
      echo "valgrind: ok   $name ($((nlogs - 1)) test processes) $(grep -h 'Synthesis' "$logs/output.txt" || true)"
    fi
  done
  return "$failed"
}

declare -a SUMMARY=()
overall=0

run_stage() {
  local name=$1 t0=$SECONDS rc
  echo
  echo "=================== stage: $name ==================="
  set +e
  ( set -e; "stage_$name" )                   # subshell: set -e stays active inside
  rc=$?
  set -e
  local dt=$((SECONDS - t0)) verdict=PASS
  if [ "$rc" -ne 0 ]; then
    verdict=FAIL
    overall=1
  fi
  SUMMARY+=("$(printf '%-4s  %-11s %4ds  (exit %d)' "$verdict" "$name" "$dt" "$rc")")
  echo "=================== stage: $name: $verdict (${dt}s) ==================="
}

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(deps ci sanitizers valgrind)
for s in "${stages[@]}"; do
  if ! declare -F "stage_$s" >/dev/null; then
    echo "test.sh: unknown stage '$s' (stages: deps ci sanitizers valgrind)" >&2
    exit 2
  fi
done

t_start=$SECONDS
for s in "${stages[@]}"; do
  run_stage "$s"
done

echo
echo "=================== summary ==================="
for line in "${SUMMARY[@]}"; do
  echo "  $line"
done
if [ "$overall" -eq 0 ]; then
  echo "test.sh: ALL STAGES PASSED in $((SECONDS - t_start))s"
else
  echo "test.sh: FAILED (see the stages marked FAIL above) after $((SECONDS - t_start))s"
fi
exit "$overall"
