#!/usr/bin/env bash
# platsweep vs a NumPy baseline on the same points (issue #5 item 2, SPEC: equal cores,
# platsweep on 2 OpenMP threads vs NumPy on 2 processes).
#
#   bench/vs_numpy.sh [POINTS] [ROUNDS]
#   defaults: 20000 points (logit:logit, optimum, seed 7), 3 rounds
#   env: POINTS, ROUNDS, REPEAT (timed repeats per run, default 5), SEED (7),
#        THREADS (engine OpenMP threads, 2), PROCS (NumPy processes, 2),
#        CHUNK (NumPy points per vectorised chunk, default the baseline's),
#        RTOL (agreement tolerance, default the baseline's 1e-8),
#        PLATSWEEP (default build/bench/platsweep, built with the bench preset if missing),
#        PYTHON (default /usr/bin/python3: it has numpy), KEEP (a path to keep the points CSV)
#
# Each round runs the engine (`platsweep bench --solvers newton --dump`: median of REPEAT
# timed repeats after a warm-up), then the NumPy baseline on the points and answers it dumped
# (bench/numpy_baseline.py: same timing rule, persistent pool of PROCS forked processes) and
# checks agreement. Rounds alternate engine and NumPy so that a change of load on the machine
# hits both alike; the table gives the medians over the rounds and their ratio.
# Exit status: 0 when every compared point agrees, 1 when some disagree, 2 on errors.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
POINTS=${1:-${POINTS:-20000}}
ROUNDS=${2:-${ROUNDS:-3}}
REPEAT=${REPEAT:-5}
SEED=${SEED:-7}
THREADS=${THREADS:-2}
PROCS=${PROCS:-2}
PLATSWEEP=${PLATSWEEP:-build/bench/platsweep}
PYTHON=${PYTHON:-/usr/bin/python3}
t_start=$SECONDS

if ! "$PYTHON" -c 'import numpy' 2>/dev/null; then
  echo "vs_numpy.sh: $PYTHON has no numpy (set PYTHON=)" >&2
  exit 2
fi
if [ ! -x "$PLATSWEEP" ]; then
  echo "vs_numpy.sh: building $PLATSWEEP (cmake --preset bench)" >&2
  cmake --preset bench >/dev/null && cmake --build --preset bench -j2 >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
csv="$tmp/points.csv"
np_args=(--procs "$PROCS" --repeat "$REPEAT" --profile --show 20)
[ -n "${CHUNK:-}" ] && np_args+=(--chunk "$CHUNK")
[ -n "${RTOL:-}" ] && np_args+=(--rtol "$RTOL")

# field NAME of a one-line JSON object
jget() { "$PYTHON" -c 'import json,sys; v=json.loads(sys.stdin.readline())[sys.argv[1]]; print(v if not isinstance(v, float) else "%.6g" % v)' "$1"; }

eng_rates="" np_rates="" worst_rc=0
bin_sum=$(cksum <"$PLATSWEEP")
for ((i = 1; i <= ROUNDS; i++)); do
  load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
  eng=$("$PLATSWEEP" bench --pairs logit:logit --solvers newton --points "$POINTS" \
    --repeat "$REPEAT" --threads "$THREADS" --seed "$SEED" --check 0 --json --dump "$csv" |
    grep '"points_per_s"' | tail -n 1)
  rc=0
  "$PYTHON" bench/numpy_baseline.py --points-csv "$csv" "${np_args[@]}" \
    --json-out "$tmp/np.$i.json" >"$tmp/np.$i.txt" || rc=$?
  if [ "$rc" -ge 2 ] || [ ! -s "$tmp/np.$i.json" ]; then
    cat "$tmp/np.$i.txt" >&2
    echo "vs_numpy.sh: numpy_baseline.py failed (exit $rc)" >&2
    exit 2
  fi
  [ "$rc" -gt "$worst_rc" ] && worst_rc=$rc
  e=$(jget points_per_s <<<"$eng")
  esc=$(jget escalated_share <<<"$eng" 2>/dev/null || echo "?")
  ver=$(jget platsweep <<<"$eng" 2>/dev/null || echo "?")
  n=$(jget points_per_s <"$tmp/np.$i.json")
  eng_rates="$eng_rates $e" np_rates="$np_rates $n"
  printf 'round %d: engine %s points/s (escalated lanes %s), numpy %s points/s, numpy exit %d (load %s)\n' \
    "$i" "$e" "$esc" "$n" "$rc" "$load"
  if [ "$(cksum <"$PLATSWEEP")" != "$bin_sum" ]; then
    echo "vs_numpy.sh: warning: $PLATSWEEP changed during the run (rebuilt?)" >&2
    bin_sum=$(cksum <"$PLATSWEEP")
  fi
  [ "$i" -eq 1 ] && [ -n "${KEEP:-}" ] && cp "$csv" "$KEEP"
  if [ "$rc" -ne 0 ] && [ "$i" -gt 1 ]; then cat "$tmp/np.$i.txt"; fi
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
em=$(median <<<"$eng_rates")
nm=$(median <<<"$np_rates")
echo
echo "NumPy baseline report (round 1):"
sed 's/^/  /' "$tmp/np.1.txt"
echo
echo "logit:logit optimum, $POINTS points, seed $SEED, $ROUNDS rounds x median of $REPEAT;" \
  "$(nproc) cpus, $(uname -n), platsweep $ver, numpy $("$PYTHON" -c 'import numpy; print(numpy.__version__)')"
printf '%-34s %14s   %s\n' "" "points/s" "all rounds"
printf '%-34s %14.0f  %s\n' "platsweep newton, $THREADS threads" "$em" "$eng_rates"
printf '%-34s %14.0f  %s\n' "NumPy baseline, $PROCS processes" "$nm" "$np_rates"
awk -v e="$em" -v n="$nm" 'BEGIN {printf "%-34s %13.2fx\n", "ratio platsweep / NumPy", (n > 0) ? e / n : 0}'
"$PYTHON" - "$tmp/np.1.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"agreement (rtol {r['rtol']:g}): {r['agree']} agree, {r['disagree']} disagree of "
      f"{r['compared']} compared; excluded {r['engine_not_converged']} engine not_converged, "
      f"{r['numpy_uncertain']} numpy uncertain ({r['numpy_resolved_dense']} re-solved densely)")
EOF
echo "vs_numpy.sh: $((SECONDS - t_start)) s"
exit "$worst_rc"
