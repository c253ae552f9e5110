#!/usr/bin/env bash
# scripts/submit.sh and the batch templates it fills (scripts/slurm/platsweep.sbatch,
# scripts/pbs/platsweep.pbs): generated scripts are valid shell and carry the requested
# layout, the time limit from `platsweep plan`, --resume and the exit-75 requeue; usage
# errors; submission through stub sbatch/qsub. Needs neither Slurm nor PBS.
# shellcheck disable=SC2016  # the '$...' texts are looked for in the generated scripts
set -u
P=${PLATSWEEP:?}
SRC=${SRCDIR:?}
S=$SRC/scripts/submit.sh
M=$SRC/configs/million.yaml
fails=0
rm -rf scratch && mkdir scratch && cd scratch || exit 1

fail() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { # check NAME EXPECTED_RC CMD...: exit code; one stderr line when failing
  local name=$1 want=$2; shift 2
  "$@" >out.txt 2>err.txt
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, want $want"; cat out.txt err.txt; return 1
  fi
  if [ "$want" -ne 0 ] && [ "$(wc -l <err.txt)" -ne 1 ]; then
    fail "$name: want exactly one line on stderr, got:"; cat err.txt; return 1
  fi
  echo "ok   $name"
}
has() { # has FILE LINE...: each LINE is a whole line of FILE
  local f=$1 l; shift
  for l in "$@"; do grep -qxF -- "$l" "$f" || fail "$f lacks the line: $l"; done
}
has_text() { # has_text FILE TEXT...: each TEXT occurs in FILE
  local f=$1 t; shift
  for t in "$@"; do grep -qF -- "$t" "$f" || fail "$f lacks: $t"; done
}
valid_shell() { bash -n "$1" 2>bash_n.txt || { fail "$1 is not valid shell:"; cat bash_n.txt; }; }
# time_s of the suggested limit, recomputed from the estimate the script names
suggested() {
  local e
  e=$(grep -o 'platsweep plan estimates [0-9]*:[0-9]*:[0-9]*' "$1" | awk '{print $4}')
  [ -n "$e" ] || { fail "$1 names no plan estimate"; echo 0; return; }
  IFS=: read -r h m s <<<"$e"
  local est=$((10#$h * 3600 + 10#$m * 60 + 10#$s)) need warn step
  need=$((2 * est + 300))
  warn=$((need / 9 < 60 ? 60 : need / 9 > 600 ? 600 : need / 9))
  step=$((need + warn > 7200 ? 900 : 300))
  echo $(((need + warn + step - 1) / step * step))
}
hms() { printf '%02d:%02d:%02d' $(($1 / 3600)) $(($1 / 60 % 60)) $(($1 % 60)); }

# A stub platsweep whose plan estimates 30 h: the long limit, and where --time is given.
cat >stub-platsweep <<'EOF'
#!/bin/sh
echo "estimate    30:00:00 wall time on 8 rank(s) x 4 thread(s), 960 core-hours"
EOF
chmod +x stub-platsweep

# ---- Slurm, defaults: 1 node x 2 ranks x 16 threads, time from platsweep plan -----------
if check slurm-default 0 "$S" "$M" --dry-run; then
  cp out.txt default.sbatch
  valid_shell default.sbatch
  [ "$(head -1 default.sbatch)" = "#!/bin/bash" ] || fail "default.sbatch: first line $(head -1 default.sbatch)"
  [ "$(wc -l <err.txt)" -eq 1 ] || fail "slurm-default: one summary line on stderr"
  t=$(suggested default.sbatch)
  [ "$t" -ge 600 ] || fail "suggested limit $t s < 10 min"
  has default.sbatch "#SBATCH --job-name=psw-million" "#SBATCH --nodes=1" \
    "#SBATCH --time=$(hms "$t")" "#SBATCH --requeue" \
    "platsweep=$P" "config=$M" "run_args=()" "ranks_per_node=2" "threads=16" "lead_s=60" \
    "time_s=$t"
  has_text default.sbatch "#SBATCH --ntasks-per-node=2 " "#SBATCH --cpus-per-task=16 " \
    "#SBATCH --signal=USR1@60 " "#SBATCH --open-mode=append "
  has_text default.sbatch 'export OMP_NUM_THREADS=$threads' \
    'export SRUN_CPUS_PER_TASK=$threads' 'export OMP_PLACES=cores OMP_PROC_BIND=close' \
    'threads=${SLURM_CPUS_PER_TASK:-$threads}' 'srun --mpi=pmix --cpu-bind=cores' \
    'srun --mpi=list' 'mpirun --map-by "ppr:${ranks_per_node}:node:PE=${threads}"' \
    'run "$config" --resume' 'if [ "$rc" -eq 75 ]; then' 'scontrol requeue "$SLURM_JOB_ID"' \
    'exit "$rc"'
  # directives come before the first command (sbatch stops reading them there)
  awk '/^#SBATCH/ { if (cmd) bad = 1 } /^[^#]/ && NF { cmd = 1 } END { exit bad }' default.sbatch ||
    fail "an #SBATCH line after the first command"
  [ "$(grep -c '^#SBATCH' default.sbatch)" -eq 9 ] || fail "want 9 #SBATCH lines"
fi

# ---- Slurm, explicit layout and time; run options passed on --------------------------------
if check slurm-explicit 0 "$S" "$M" --dry-run --nodes 4 --ranks-per-node 2 --threads 8 \
  --time 12:00:00 --partition compute --account proj42 --job-name sweep1 --module openmpi \
  --module hdf5 -- -o "my out.nc" --batch 65536; then
  cp out.txt explicit.sbatch
  valid_shell explicit.sbatch
  has explicit.sbatch "#SBATCH --job-name=sweep1" "#SBATCH --partition=compute" \
    "#SBATCH --account=proj42" "#SBATCH --nodes=4" "#SBATCH --time=12:00:00" "time_s=43200" \
    "module load openmpi hdf5" "ranks_per_node=2" "threads=8" "lead_s=600"
  has_text explicit.sbatch "#SBATCH --ntasks-per-node=2 " "#SBATCH --cpus-per-task=8 " \
    "#SBATCH --signal=USR1@600 " "given with --time"
  # the settings block, sourced, gives back the run options word for word
  sed -n '/^# >>> settings/,/^# <<< settings/p' explicit.sbatch >settings.sh
  got=$(bash -c '. ./settings.sh; printf "[%s]" "${run_args[@]}"')
  [ "$got" = "[-o][my out.nc][--batch][65536]" ] || fail "run_args: $got"
fi
PLATSWEEP=$PWD/stub-platsweep check slurm-days 0 "$S" "$M" --dry-run --time=2-00:30:00 &&
  has out.txt "#SBATCH --time=2-00:30:00"

# ---- PBS Pro --------------------------------------------------------------------------
if check pbs-default 0 "$S" "$M" --dry-run --pbs; then
  cp out.txt default.pbs
  valid_shell default.pbs
  t=$(suggested default.pbs)
  has default.pbs "#PBS -N psw-million" "#PBS -l select=1:ncpus=32:mpiprocs=2:ompthreads=16" \
    "#PBS -l walltime=$(hms "$t")" "#PBS -r y" "config=$M" "threads=16" "ranks_per_node=2"
  has_text default.pbs 'export OMP_NUM_THREADS=$threads' 'OMP_PLACES=cores OMP_PROC_BIND=close' \
    'cd "${PBS_O_WORKDIR:-.}"' 'run "$config" --resume' 'if [ "$rc" -eq 75 ]; then' \
    'qrerun "$PBS_JOBID"' 'kill -USR1 "$pid"'
  grep -q '^#SBATCH\|scontrol' default.pbs && fail "default.pbs has Slurm lines"
fi
if check pbs-explicit 0 "$S" "$M" --pbs --dry-run --nodes 4 --ranks-per-node 2 --threads 8 \
  --time 30:00:00 --partition workq --account proj42 --job-name averyveryverylongname; then
  cp out.txt explicit.pbs
  valid_shell explicit.pbs
  has explicit.pbs "#PBS -N averyveryverylo" "#PBS -q workq" "#PBS -A proj42" \
    "#PBS -l select=4:ncpus=16:mpiprocs=2:ompthreads=8" "#PBS -l walltime=30:00:00" \
    "threads=8" "lead_s=600"
fi

# ---- the suggestion for a long sweep ------------------------------------------------------
# 2 x 30 h + 5 min = 216300 s, + 600 s warning = 216900 s = 60:15:00 (a multiple of 15 min)
PLATSWEEP=$PWD/stub-platsweep check long-slurm 0 "$S" "$M" --dry-run &&
  has out.txt "#SBATCH --time=2-12:15:00" "lead_s=600"
PLATSWEEP=$PWD/stub-platsweep check long-pbs 0 "$S" "$M" --dry-run --pbs &&
  has out.txt "#PBS -l walltime=60:15:00"

# ---- submission through stub sbatch / qsub ----------------------------------------------
mkdir -p bin
cat >bin/sbatch <<'EOF'
#!/bin/sh
echo "$*" >sbatch.args; cat >sbatch.script; echo "4242;cluster1"
EOF
cat >bin/qsub <<'EOF'
#!/bin/sh
cat >qsub.script; echo "4243.pbs01"
EOF
chmod +x bin/sbatch bin/qsub
export PLATSWEEP=$PWD/stub-platsweep    # the plan's numbers do not matter below
if PATH=$PWD/bin:$PATH check submit-slurm 0 "$S" "$M" --time 01:00:00; then
  [ "$(cat out.txt)" = 4242 ] || fail "submit-slurm printed '$(cat out.txt)', want 4242"
  grep -qx -- --parsable sbatch.args || fail "sbatch args: $(cat sbatch.args)"
  "$S" "$M" --time 01:00:00 --dry-run 2>/dev/null | cmp -s - sbatch.script ||
    fail "sbatch got another script than --dry-run prints"
fi
if PATH=$PWD/bin:$PATH check submit-pbs 0 "$S" "$M" --pbs --time 01:00:00; then
  [ "$(cat out.txt)" = 4243.pbs01 ] || fail "submit-pbs printed '$(cat out.txt)'"
  has qsub.script "#PBS -l walltime=01:00:00"
fi
printf '#!/bin/sh\nexit 1\n' >bin/sbatch
PATH=$PWD/bin:$PATH check submit-refused 1 "$S" "$M" --time 01:00:00

# ---- usage errors (SPEC §7: 64 usage, 66 config missing, 78 config invalid) --------------
check help 0 "$S" --help && has_text out.txt "PLATSWEEP" "--dry-run" "build/default"
check unknown-option 64 "$S" "$M" --frobnicate
check no-config 64 "$S" --dry-run
check two-configs 64 "$S" "$M" "$M" --dry-run
check missing-value 64 "$S" "$M" --nodes
check bad-nodes 64 "$S" "$M" --nodes 0 --dry-run
check bad-threads 64 "$S" "$M" --threads x --dry-run
check bad-time 64 "$S" "$M" --time 90 --dry-run
check short-time 64 "$S" "$M" --time 00:01:00 --dry-run
check bad-partition 64 "$S" "$M" --partition "a b" --dry-run
check bad-job-name 64 "$S" "$M" --job-name "1job" --dry-run
check missing-config 66 "$S" nonexistent.yaml --dry-run
sed 's/^title:/titel:/' "$M" >typo.yaml
PLATSWEEP=$P check invalid-config 78 "$S" typo.yaml --dry-run
PLATSWEEP=/nonexistent/platsweep check no-platsweep 1 "$S" "$M" --dry-run

[ "$fails" -eq 0 ] && echo "submit: all passed" || echo "submit: $fails failed"
exit $((fails > 0))
