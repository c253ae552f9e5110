#!/usr/bin/env bash
# Fill scripts/slurm/platsweep.sbatch (or scripts/pbs/platsweep.pbs) for one sweep and submit
# it; docs/cluster.md. `scripts/submit.sh --help` for the options.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")

usage() {
  cat <<'EOF'
usage: scripts/submit.sh CONFIG [--nodes N] [--ranks-per-node R] [--threads T]
                         [--time [D-]HH:MM:SS] [--partition P] [--account A]
                         [--job-name NAME] [--module M]... [--dry-run] [--pbs]
                         [-- RUN OPTIONS...]

Write a batch script that runs `platsweep run CONFIG --resume` as one hybrid MPI + OpenMP
job (N nodes x R ranks per node x T OpenMP threads per rank) and submit it with sbatch
(Slurm, scripts/slurm/platsweep.sbatch) or, with --pbs, qsub (PBS Pro,
scripts/pbs/platsweep.pbs). Prints the job id on stdout.

Before the time limit the ranks get SIGUSR1, write a checkpoint and exit 75; the script
then requeues the job (scontrol requeue / qrerun) and the next start resumes. A finished
sweep makes a requeued start do nothing.

  --nodes N            nodes (default 1)
  --ranks-per-node R   MPI ranks per node (default 2, e.g. one per socket)
  --threads T          OpenMP threads per rank = --cpus-per-task (default 16)
  --time T             time limit, [D-]HH:MM:SS, at least 00:02:00. Default: suggested
                       from `platsweep plan CONFIG --ranks N*R --threads T`: 2 x its
                       estimate + 5 min, plus the checkpoint warning, rounded up to 5 min
                       (15 min above 2 h). The estimate is calibrated on the machine that
                       runs submit.sh: give --time when the compute nodes are slower.
  --partition P        Slurm partition (PBS: queue, -q)
  --account A          account to charge (-A)
  --job-name NAME      job name (default psw-<config name>)
  --module M           `module load M` in the script (repeatable; site modules)
  --dry-run            print the script on stdout, submit nothing
  --pbs                PBS Pro instead of Slurm
  -- RUN OPTIONS       passed on to `platsweep run` (e.g. -- -o /scratch/out.nc --batch 65536)
  -h, --help           this text

The checkpoint warning (--signal=USR1@S) comes S = T/10 seconds before the limit, at
least 60 and at most 600. The job runs in the directory submit.sh was run from; a relative
output.path in CONFIG is relative to it.

platsweep is found as: $PLATSWEEP if set, else `platsweep` on PATH, else the repository's
build/default, build/ci or build/bench (the first that has one). The script calls it by
that absolute path, so it must be on a file system the compute nodes see.

exit codes: 0 submitted (or printed), 1 failure (no platsweep, sbatch/qsub failed),
            64 usage, 66 CONFIG missing, 78 CONFIG invalid (platsweep plan's message)
EOF
}

die() { # die CODE MESSAGE: one line on stderr
  echo "submit.sh: $2" >&2
  exit "$1"
}

# "[D-]HH:MM:SS" -> seconds on stdout; non-zero when malformed.
parse_time() {
  [[ $1 =~ ^(([0-9]+)-)?([0-9]+):([0-5][0-9]):([0-5][0-9])$ ]] || return 1
  echo $(((10#${BASH_REMATCH[2]:-0} * 24 + 10#${BASH_REMATCH[3]}) * 3600 +
    10#${BASH_REMATCH[4]} * 60 + 10#${BASH_REMATCH[5]}))
}

# seconds -> HH:MM:SS (hours may exceed 24: PBS walltime) or, with "d", D-HH:MM:SS if >= 1 day.
fmt_time() {
  local t=$1 d=0
  if [ "${2:-}" = d ] && [ "$t" -ge 86400 ]; then
    d=$((t / 86400)) t=$((t % 86400))
    printf '%d-%02d:%02d:%02d' "$d" $((t / 3600)) $((t / 60 % 60)) $((t % 60))
  else
    printf '%02d:%02d:%02d' $((t / 3600)) $((t / 60 % 60)) $((t % 60))
  fi
}

# ---- arguments --------------------------------------------------------------------------
config='' nodes=1 rpn=2 threads=16 time='' partition='' account='' job_name='' dry_run=0 pbs=0
modules=() run_args=()
need_value() { [ $# -ge 2 ] || die 64 "$1 needs a value (--help)"; }
while [ $# -gt 0 ]; do
  opt=$1
  case $opt in
    --*=*) set -- "${opt%%=*}" "${opt#*=}" "${@:2}"; continue ;;
  esac
  case $opt in
    -h | --help) usage; exit 0 ;;
    --nodes) need_value "$@"; nodes=$2; shift 2 ;;
    --ranks-per-node) need_value "$@"; rpn=$2; shift 2 ;;
    --threads) need_value "$@"; threads=$2; shift 2 ;;
    --time) need_value "$@"; time=$2; shift 2 ;;
    --partition) need_value "$@"; partition=$2; shift 2 ;;
    --account) need_value "$@"; account=$2; shift 2 ;;
    --job-name) need_value "$@"; job_name=$2; shift 2 ;;
    --module) need_value "$@"; modules+=("$2"); shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --pbs) pbs=1; shift ;;
    --) shift; run_args=("$@"); break ;;
    -*) die 64 "unknown option '$opt' (--help lists them)" ;;
    *)
      [ -z "$config" ] || die 64 "one CONFIG only ('$config', then '$opt')"
      config=$opt; shift ;;
  esac
done

[ -n "$config" ] || die 64 "no CONFIG given (usage: scripts/submit.sh CONFIG [options], --help)"
for v in nodes:"$nodes" ranks-per-node:"$rpn" threads:"$threads"; do
  [[ ${v#*:} =~ ^[1-9][0-9]{0,5}$ ]] || die 64 "--${v%%:*} '${v#*:}': need a whole number >= 1"
done
name_re='^[A-Za-z0-9_.,:@+-]+$'
for v in partition:"$partition" account:"$account"; do
  [ -z "${v#*:}" ] || [[ ${v#*:} =~ $name_re ]] ||
    die 64 "--${v%%:*} '${v#*:}': letters, digits and _.,:@+- only"
done
for m in ${modules[@]+"${modules[@]}"}; do
  [[ $m =~ ^[A-Za-z0-9_./@+-]+$ ]] || die 64 "--module '$m': one module name (letters, digits, _./@+-)"
done
if [ -n "$job_name" ]; then
  [[ $job_name =~ ^[A-Za-z][A-Za-z0-9_.-]*$ ]] ||
    die 64 "--job-name '$job_name': a letter, then letters, digits and _.- only"
fi
if [ -n "$time" ]; then
  time_s=$(parse_time "$time") || die 64 "--time '$time': want [D-]HH:MM:SS, e.g. 01:30:00"
  [ "$time_s" -ge 120 ] ||
    die 64 "--time $time is too short: the checkpoint warning needs a limit of 00:02:00 or more"
fi
[ -e "$config" ] || die 66 "config '$config' not found"
{ [ -f "$config" ] && [ -r "$config" ]; } || die 66 "config '$config' is not a readable file"
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")

# ---- platsweep and its plan -------------------------------------------------------------
psw=${PLATSWEEP:-}
if [ -z "$psw" ]; then
  psw=$(command -v platsweep || true)
  for d in default ci bench; do
    [ -n "$psw" ] && break
    [ -x "$repo/build/$d/platsweep" ] && psw=$repo/build/$d/platsweep
  done
fi
[ -n "$psw" ] || die 1 "platsweep not found: set PLATSWEEP, put it on PATH or build it (cmake --preset default)"
[ -x "$psw" ] || die 1 "platsweep '$psw' is not executable"
psw=$(cd "$(dirname "$psw")" && pwd)/$(basename "$psw")

ranks=$((nodes * rpn))
set +e
plan=$("$psw" plan "$config" --ranks "$ranks" --threads "$threads")
rc=$?
set -e
[ "$rc" -eq 0 ] || exit "$rc"                 # platsweep printed the one-line reason

est_line=$(grep -m1 '^estimate ' <<<"$plan" || true)
if [ -z "$time" ]; then
  [[ $est_line =~ ^estimate\ +([0-9]+):([0-9]{2}):([0-9]{2})\  ]] ||
    die 1 "cannot read the estimate from 'platsweep plan' (give --time): '$est_line'"
  est_hms=${BASH_REMATCH[1]}:${BASH_REMATCH[2]}:${BASH_REMATCH[3]}
  est=$((10#${BASH_REMATCH[1]} * 3600 + 10#${BASH_REMATCH[2]} * 60 + 10#${BASH_REMATCH[3]}))
  need=$((2 * est + 300))                     # safety factor 2, + 5 min start-up and writing
  warn=$((need / 9 < 60 ? 60 : need / 9 > 600 ? 600 : need / 9))
  step=$((need + warn > 7200 ? 900 : 300))
  time_s=$(((need + warn + step - 1) / step * step))
  why="platsweep plan estimates $est_hms for $ranks x $threads threads; x2 + 5 min + warning, rounded up"
else
  why="given with --time"
fi
lead_s=$((time_s / 10 < 60 ? 60 : time_s / 10 > 600 ? 600 : time_s / 10))

stem=$(basename "$config")
stem=${stem%.*}
[ -n "$job_name" ] || job_name=psw-$(tr -c 'A-Za-z0-9_.\n-' _ <<<"$stem")
[ "$pbs" -eq 0 ] || job_name=${job_name:0:15}  # PBS job names: 15 characters at most

# ---- the script -------------------------------------------------------------------------
if [ "$pbs" -eq 1 ]; then
  template=$here/pbs/platsweep.pbs
  limit=$(fmt_time "$time_s")
else
  template=$here/slurm/platsweep.sbatch
  limit=$(fmt_time "$time_s" d)
fi
[ -r "$template" ] || die 1 "template '$template' missing"
origin="# $(basename "$template") for $(basename "$config"), written by scripts/submit.sh"

q() { printf '%q' "$1"; }
# "#SBATCH --key=OLD   # comment" with NEW for OLD, the comment kept in its column.
set_value() {
  [[ $1 =~ ^([^=]*=)([^[:space:]]*)(.*)$ ]] || { echo "$1"; return; }
  local rest=${BASH_REMATCH[3]} d=$((${#2} - ${#BASH_REMATCH[2]}))
  if [ -n "$rest" ]; then
    if [ "$d" -lt 0 ]; then
      rest=$(printf '%*s' $((-d)) '')$rest
    else
      while [ "$d" -gt 0 ] && [[ $rest == "  "* ]]; do rest=${rest:1} d=$((d - 1)); done
    fi
  fi
  echo "${BASH_REMATCH[1]}$2$rest"
}
settings() {
  echo "# >>> settings (written by scripts/submit.sh)"
  echo "platsweep=$(q "$psw")"
  echo "config=$(q "$config")"
  local a args=
  for a in ${run_args[@]+"${run_args[@]}"}; do args+="${args:+ }$(q "$a")"; done
  echo "run_args=($args)"
  echo "ranks_per_node=$rpn"
  echo "threads=$threads"
  echo "# the time limit: $why"
  echo "time_s=$time_s"
  echo "lead_s=$lead_s"
  echo "max_requeues=50"
  echo "# <<< settings"
}

script=$(
  in_settings=0
  while IFS= read -r line; do
    if [ "$in_settings" -eq 1 ]; then
      [[ $line == "# <<< settings"* ]] && in_settings=0
      continue
    fi
    case $line in
      "#!"*)
        echo "$line"
        echo "$origin"
        ;;
      "#SBATCH --job-name="*)
        echo "#SBATCH --job-name=$job_name"
        [ -z "$partition" ] || echo "#SBATCH --partition=$partition"
        [ -z "$account" ] || echo "#SBATCH --account=$account"
        ;;
      "#SBATCH --nodes="*) set_value "$line" "$nodes" ;;
      "#SBATCH --ntasks-per-node="*) set_value "$line" "$rpn" ;;
      "#SBATCH --cpus-per-task="*) set_value "$line" "$threads" ;;
      "#SBATCH --time="*) set_value "$line" "$limit" ;;
      "#SBATCH --signal=USR1@"*) set_value "$line" "USR1@$lead_s" ;;
      "#PBS -N "*)
        echo "#PBS -N $job_name"
        [ -z "$partition" ] || echo "#PBS -q $partition"
        [ -z "$account" ] || echo "#PBS -A $account"
        ;;
      "#PBS -l select="*)
        echo "#PBS -l select=$nodes:ncpus=$((rpn * threads)):mpiprocs=$rpn:ompthreads=$threads"
        ;;
      "#PBS -l walltime="*) echo "#PBS -l walltime=$limit" ;;
      "# module load "*)
        if [ ${#modules[@]} -gt 0 ]; then echo "module load ${modules[*]}"; else echo "$line"; fi
        ;;
      "# >>> settings"*) settings; in_settings=1 ;;
      *) echo "$line" ;;
    esac
  done <"$template"
)

summary="$nodes node(s) x $rpn rank(s) x $threads thread(s), time limit $limit ($why)"
if [ "$dry_run" -eq 1 ]; then
  echo "submit.sh: $summary" >&2
  printf '%s\n' "$script"
  exit 0
fi

if [ "$pbs" -eq 1 ]; then
  command -v qsub >/dev/null || die 1 "qsub not found (not on a PBS login node? --dry-run prints the script)"
  set +e
  id=$(printf '%s\n' "$script" | qsub)
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || die 1 "qsub failed (exit $rc)"
else
  command -v sbatch >/dev/null || die 1 "sbatch not found (not on a Slurm login node? --dry-run prints the script)"
  set +e
  id=$(printf '%s\n' "$script" | sbatch --parsable)
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || die 1 "sbatch failed (exit $rc)"
  id=${id%%;*}                                # "jobid;cluster" on multi-cluster sites
fi
echo "submit.sh: submitted $job_name: $summary" >&2
echo "$id"
