#!/usr/bin/env bash
# Strong scaling of `platsweep run` on one machine (issue #4, SPEC §9 "Scaling"):
# the same config at ranks x threads = 1x1, 1x2, 2x1 (and 2x2), REPEAT runs each, median
# points/s and the speed-up over 1x1. Runs are interleaved (1x1, 1x2, 2x1, 1x1, ...) so that
# a change in the machine's load hits every layout alike.
#
#   bench/scaling.sh [CONFIG] [REPEAT] [LAYOUTS]
#   defaults: configs/million.yaml, 5, "1x1 1x2 2x1"
#   env: PLATSWEEP (default build/bench/platsweep, built with the bench preset if missing),
#        MPIEXEC (default mpiexec)
# Ranks are not bound to cores (--bind-to none) so that 1 rank x 2 threads can use both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CONFIG=${1:-configs/million.yaml}
REPEAT=${2:-5}
LAYOUTS=${3:-"1x1 1x2 2x1"}
PLATSWEEP=${PLATSWEEP:-build/bench/platsweep}
MPIEXEC=${MPIEXEC:-mpiexec}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
if [ ! -x "$PLATSWEEP" ]; then
  cmake --preset bench >/dev/null && cmake --build --preset bench >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A rates
for ((i = 1; i <= REPEAT; i++)); do
  for L in $LAYOUTS; do
    r=${L%x*} t=${L#*x}
    log="$tmp/$L.$i.log"
    "$MPIEXEC" -n "$r" --bind-to none "$PLATSWEEP" run "$CONFIG" -o "$tmp/out.nc" --overwrite \
      --threads "$t" --progress-interval 1000 2>"$log"
    # "wrote OUT: N points in S s (R points/s, W% writing)"
    line=$(grep "wrote" "$log")
    rate=$(sed -E 's/.*\(([0-9.e+]+) points\/s, ([0-9.]+)% writing\).*/\1/' <<<"$line")
    wshare=$(sed -E 's/.*\(([0-9.e+]+) points\/s, ([0-9.]+)% writing\).*/\2/' <<<"$line")
    rates[$L]="${rates[$L]:-} $rate"
    printf '%-4s run %d: %s points/s, %s%% writing (rank 0)\n' "$L" "$i" "$rate" "$wshare"
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=$(median <<<"${rates[1x1]:-}")
echo
echo "config $CONFIG, $REPEAT runs per layout, $(nproc) cpus, $(uname -n)"
printf '%-8s %14s %9s   %s\n' layout "median pts/s" speed-up "all runs"
for L in $LAYOUTS; do
  m=$(median <<<"${rates[$L]}")
  su=$(awk -v m="$m" -v b="$base" 'BEGIN {printf (b > 0) ? "%.2fx" : "-", m / b}')
  printf '%-8s %14.0f %9s  %s\n' "$L" "$m" "$su" "${rates[$L]}"
done
