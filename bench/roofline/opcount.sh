#!/usr/bin/env bash
# bench/roofline/opcount.sh: the fast path's operations per point and its share of this
# machine's ceiling for its own operation mix (issue #5; README.md in this directory).
#
#   bench/roofline/opcount.sh                       # everything, about 6 minutes
#   STEPS="count uprobe" bench/roofline/opcount.sh  # only some steps
#
# Steps (STEPS, default "count uprobe loops kernels time"):
#   count    build $OPC_BUILD (Release, PSW_NATIVE, PSW_OPCOUNT; target platsweep), run
#            `platsweep bench --threads 1 --repeat 1 --check 0 --points $POINTS` per pair with
#            PSW_OPCOUNT_PRINT=1 and print the lane-evaluations per point of every kernel and
#            the exp, log, div, FMA/mul/add they make per point
#   uprobe   the same on $UPROBE_POINTS points under `perf stat` with uprobes on libmvec's
#            _ZGVeN8v_exp_skx/_ZGVeN8v_log_skx and libm's exp/log (created if missing, needs
#            root): exact call counts against the counters' prediction
#   loops    bench/roofline/loopops.py on the compiled kernels of $BENCH_BUILD: the op content
#            per lane the tables below use (re-check it when the kernels change)
#   kernels  build bench/roofline/kernels.c against $BENCH_BUILD's libplatsweep_core.a and run
#            it: ns per lane-evaluation of each kernel alone on 64 lanes in L1
#   time     $RUNS runs of `platsweep bench --threads 1 --repeat 5 --check 0` of $BENCH_BUILD
#            (Release, PSW_NATIVE: the bench preset's code), median; then the share
# Environment: PAIRS (default "logit:logit linear:linear"), POINTS (20000), UPROBE_POINTS
# (4000), RUNS (5), OPC_BUILD (build/opcount), BENCH_BUILD (build/bench2), OUT (build/roofline,
# where the raw outputs go), JOBS (2), QUIET_BUSY / QUIET_WAIT (every timed run first waits,
# up to QUIET_WAIT s, until the machine is less than QUIET_BUSY % busy; the log says whether
# it was), PIN (the CPU the timed runs are pinned to with taskset, default 0; empty: none --
# on the 2-vCPU VM one vCPU ran libmvec's exp 1.7x slower than the other, see README.md). The share needs the count and time steps (and kernels
# for the empirical column); they can run at different times: results are kept in $OUT.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
STEPS=${STEPS:-count uprobe loops kernels time}
PAIRS=${PAIRS:-logit:logit linear:linear}
POINTS=${POINTS:-20000}
UPROBE_POINTS=${UPROBE_POINTS:-4000}
RUNS=${RUNS:-5}
OPC_BUILD=${OPC_BUILD:-build/opcount}
BENCH_BUILD=${BENCH_BUILD:-build/bench2}
OUT=${OUT:-build/roofline}
JOBS=${JOBS:-2}
PY=${PY:-python3}
PIN=${PIN:-0}
pin=()
if [ -n "$PIN" ] && command -v taskset >/dev/null; then pin=(taskset -c "$PIN"); fi
mkdir -p "$OUT"
has() { case " $STEPS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

build() { # build DIR [cmake options]: configure once, then the platsweep target
  local dir=$1
  shift
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DPSW_NATIVE=ON "$@" >"$OUT/cmake_$(basename "$dir").log"
  fi
  cmake --build "$dir" -j "$JOBS" --target platsweep >"$OUT/build_$(basename "$dir").log" 2>&1 ||
    { cat "$OUT/build_$(basename "$dir").log" >&2; exit 1; }
}

bench_args() { # bench_args PAIR POINTS REPEAT
  echo bench --pairs "$1" --points "$2" --repeat "$3" --threads 1 --solvers newton --check 0
}

tag() { echo "${1//:/_}"; }

# wait_quiet: wait (at most QUIET_WAIT seconds, default 300) until the whole machine was less
# than QUIET_BUSY percent busy (default 15) over half a second, so that a timed run starts on
# an otherwise idle machine; prints "quiet" or "busy" for the log.
busy_pct() {
  local a b
  read -r -a a < <(head -1 /proc/stat)
  sleep 0.5
  read -r -a b < <(head -1 /proc/stat)
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) tot=0 i
  for i in 1 2 3 4 5 6 7 8; do tot=$(( tot + b[i] - a[i] )); done
  echo $(( tot > 0 ? 100 * (tot - idle) / tot : 0 ))
}
wait_quiet() {
  local t0=$SECONDS
  while [ "$(busy_pct)" -ge "${QUIET_BUSY:-15}" ]; do
    if [ $(( SECONDS - t0 )) -ge "${QUIET_WAIT:-300}" ]; then echo busy; return; fi
  done
  echo quiet
}

echo "# opcount.sh $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git describe --always --dirty 2>/dev/null || echo '?')"
echo "# load: $(uptime | sed 's/.*load average: //')"

if has count || has uprobe; then
  build "$OPC_BUILD" -DPSW_OPCOUNT=ON
fi

if has count; then
  for p in $PAIRS; do
    # shellcheck disable=SC2046
    PSW_OPCOUNT_PRINT=1 "$OPC_BUILD/platsweep" $(bench_args "$p" "$POINTS" 1) \
      >"$OUT/opcount_$(tag "$p").txt" 2>&1
  done
fi

if has uprobe; then
  # the probes: vector exp/log of libmvec (AVX-512) and libm's scalar exp/log
  mvec=/usr/lib/x86_64-linux-gnu/libmvec.so.1
  libm=$(readlink -f /lib/x86_64-linux-gnu/libm.so.6)
  if ! perf probe -l 2>/dev/null | grep -q 'probe_libmvec:_ZGVeN8v_exp_skx'; then
    perf probe -q -x "$mvec" -a _ZGVeN8v_exp_skx -a _ZGVeN8v_log_skx || true
  fi
  if ! perf probe -l 2>/dev/null | grep -q 'probe_libm:sexp'; then
    sexp=$(nm -D "$libm" | awk '$3 == "exp@@GLIBC_2.29" {print $1}')
    slog=$(nm -D "$libm" | awk '$3 == "log@@GLIBC_2.29" {print $1}')
    perf probe -q -x "$libm" -a "sexp=0x$sexp" -a "slog=0x$slog" || true
  fi
  ev=probe_libmvec:_ZGVeN8v_exp_skx,probe_libmvec:_ZGVeN8v_log_skx,probe_libm:sexp,probe_libm:slog
  for p in $PAIRS; do
    # shellcheck disable=SC2046
    PSW_OPCOUNT_PRINT=1 perf stat -x, -e "$ev" "$OPC_BUILD/platsweep" \
      $(bench_args "$p" "$UPROBE_POINTS" 1) >"$OUT/uprobe_$(tag "$p").txt" 2>&1 ||
      echo "# uprobe step failed for $p (perf, probes, root?): see $OUT/uprobe_$(tag "$p").txt"
  done
fi

if has loops || has kernels || has time; then
  build "$BENCH_BUILD"
fi

if has loops; then
  $PY "$here/loopops.py" "$BENCH_BUILD/platsweep" psw_family_eval_batch psw_family_Finv_batch \
    phi_inv_lanes >"$OUT/loopops.txt"
fi

if has kernels; then
  cc -std=c17 -O3 -march=native -fopenmp-simd -fno-math-errno -DPSW_VECTOR_MATH=1 \
    -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wdouble-promotion \
    -Iinclude "$here/kernels.c" "$BENCH_BUILD/libplatsweep_core.a" -lgsl -lgslcblas -lm \
    -o "$OUT/kernels"
  q=$(wait_quiet)
  before=$(uptime | sed 's/.*load average: //')
  "${pin[@]}" "$OUT/kernels" >"$OUT/kernels.md"
  echo "<!-- load before: $before ($q), after: $(uptime | sed 's/.*load average: //') -->" \
    >>"$OUT/kernels.md"
fi

if has time; then
  for p in $PAIRS; do
    f="$OUT/time_$(tag "$p").txt"
    : >"$f"
    for r in $(seq "$RUNS"); do
      q=$(wait_quiet)
      echo "load $(uptime | sed 's/.*load average: //') ($q)" >>"$f"
      # shellcheck disable=SC2046
      "${pin[@]}" "$BENCH_BUILD/platsweep" $(bench_args "$p" "$POINTS" 5) --json >>"$f"
    done
  done
fi

$PY "$here/opcount_report.py" --out "$OUT" --pairs "$PAIRS" --points "$POINTS" \
  --uprobe-points "$UPROBE_POINTS"
