#!/usr/bin/env bash
# A single-node Slurm cluster on loopback, for tests and for trying the job scripts by hand
# (CONVENTIONS §2.6, docs/cluster.md "A Slurm of your own").
#
#   scripts/slurm/local-cluster.sh start     start munged, slurmctld, slurmd (idempotent)
#   scripts/slurm/local-cluster.sh status    the daemons' PIDs and `sinfo`
#   scripts/slurm/local-cluster.sh stop      cancel the cluster's jobs, stop the daemons
#   scripts/slurm/local-cluster.sh env       print `export SLURM_CONF=...` for eval
#
# Everything lives in one private directory, $PSW_SLURM_DIR (default /tmp/platsweep-slurm):
# slurm.conf, a munge key of its own, munged's socket, the controller's state, slurmd's spool,
# logs and PID files. Nothing is written outside it: the daemons are started by hand (no
# systemd, no /etc/slurm, no /etc/munge, no /run/munge), listen on 127.0.0.1 only, on ports
# $PSW_SLURM_PORT and $PSW_SLURM_PORT+1 (default 16817, 16818: a real Slurm on the machine
# keeps 6817/6818), and are stopped by the PIDs they wrote. Client commands find the cluster
# through SLURM_CONF:  export SLURM_CONF=$PSW_SLURM_DIR/slurm.conf  (or eval "$(... env)").
#
# Needs root (slurmd starts jobs as their users; slurmctld and munged drop to the slurm and
# munge users) and Debian's slurm-wlm and munge packages (scripts/deps.sh installs them).
# Exit codes: 0 done, 1 failure (the logs' last lines are printed), 64 usage,
#             69 slurm-wlm/munge not installed, 77 not root; status: 3 when a daemon is down.
set -euo pipefail

dir=${PSW_SLURM_DIR:-/tmp/platsweep-slurm}
port=${PSW_SLURM_PORT:-16817}
me=local-cluster.sh
export PATH=$PATH:/usr/sbin:/sbin     # the daemons and mungekey live in sbin

say() { echo "$me: $*" >&2; }
die() { say "$2"; exit "$1"; }

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

[ $# -eq 1 ] || { usage >&2; exit 64; }
cmd=$1
case $cmd in
  start | stop | status | env) ;;
  -h | --help) usage; exit 0 ;;
  *) say "unknown command '$cmd' (start, stop, status, env)"; exit 64 ;;
esac

if [ "$cmd" = env ]; then
  printf 'export SLURM_CONF=%q\n' "$dir/slurm.conf"
  exit 0
fi

case $dir in
  /*) ;;
  *) dir=$PWD/$dir ;;
esac
conf=$dir/slurm.conf
export SLURM_CONF=$conf

# pid_of NAME: the live PID in $dir/run/NAME.pid, or nothing
pid_of() {
  local f=$dir/run/$1.pid p
  [ -s "$f" ] || return 0
  p=$(cat "$f" 2>/dev/null) || return 0
  [[ $p =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null && echo "$p"
  return 0
}

# stop_pid NAME: SIGTERM to the PID it wrote, up to 15 s to exit, then SIGKILL
stop_pid() {
  local p
  p=$(pid_of "$1")
  if [ -n "$p" ]; then
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 150); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$p" 2>/dev/null; then
      say "$1 (pid $p) did not stop on SIGTERM: SIGKILL"
      kill -KILL "$p" 2>/dev/null || true
    fi
    say "stopped $1 (pid $p)"
  fi
  rm -f "$dir/run/$1.pid"
}

show_logs() {
  local f
  for f in "$dir"/munge/munged.log "$dir"/log/*.log; do
    [ -s "$f" ] || continue
    echo "----- last lines of $f" >&2
    tail -n 15 "$f" >&2
  done
}

do_stop() {
  [ -d "$dir" ] || { say "nothing to stop ($dir does not exist)"; return 0; }
  # Jobs first: slurmd leaves its slurmstepd (and the job's processes) running when it stops.
  if [ -n "$(pid_of slurmctld)" ]; then
    local jobs
    jobs=$(timeout 10 squeue -h -o %A 2>/dev/null | tr '\n' ' ' || true)
    if [ -n "${jobs// /}" ]; then
      say "cancelling jobs $jobs"
      # shellcheck disable=SC2086
      timeout 10 scancel $jobs 2>/dev/null || true
      for _ in $(seq 30); do
        [ -z "$(timeout 10 squeue -h -o %A 2>/dev/null || true)" ] && break   # none left, not even completing
        sleep 0.5
      done
    fi
  fi
  stop_pid slurmd
  stop_pid slurmctld
  stop_pid munged
}

do_status() {
  local n p rc=0
  for n in munged slurmctld slurmd; do
    p=$(pid_of "$n")
    if [ -n "$p" ]; then echo "$n: running (pid $p)"; else echo "$n: stopped"; rc=3; fi
  done
  echo "SLURM_CONF=$conf"
  if [ "$rc" -eq 0 ]; then timeout 10 sinfo 2>&1 || true; fi
  return "$rc"
}

if [ "$cmd" = status ]; then
  do_status
  exit $?
fi

[ "$(id -u)" -eq 0 ] || die 77 "needs root (slurmd starts the jobs as their users); try sudo"

if [ "$cmd" = stop ]; then
  do_stop
  exit 0
fi

# ---- start ----------------------------------------------------------------------------------
for prog in munged mungekey slurmctld slurmd sinfo sbatch scontrol runuser; do
  command -v "$prog" >/dev/null ||
    die 69 "$prog not found: install Debian's slurm-wlm and munge (scripts/deps.sh)"
done
id slurm >/dev/null 2>&1 || die 69 "no user 'slurm' (the slurm-wlm packages create it)"
id munge >/dev/null 2>&1 || die 69 "no user 'munge' (the munge package creates it)"

if [ -n "$(pid_of munged)" ] && [ -n "$(pid_of slurmctld)" ] && [ -n "$(pid_of slurmd)" ]; then
  say "already running in $dir"
  do_status
  exit 0
fi
# a half-started cluster: start again from nothing
[ -d "$dir" ] && do_stop

# stop what was started if start fails half-way
trap 'rc=$?; if [ "$rc" -ne 0 ]; then show_logs; say "start failed: stopping what started"; do_stop; fi' EXIT

mkdir -p "$dir"/{munge,ctld,slurmd,log,run}
chmod 0755 "$dir" "$dir"/{slurmd,log,run}
chown munge: "$dir/munge"
chmod 0755 "$dir/munge"              # munged: owned by munge, not writable by others
chown slurm: "$dir/ctld" "$dir/log" "$dir/run"
chmod 0700 "$dir/ctld"

# munge: a key of the cluster's own (never /etc/munge/munge.key), a socket in $dir
key=$dir/munge/munge.key
if [ ! -s "$key" ]; then
  runuser -u munge -- mungekey --create --keyfile="$key" --force
  say "created the munge key $key"
fi
chown munge: "$key"
chmod 0600 "$key"
socket=$dir/munge/munge.socket.2
rm -f "$socket" "$socket.lock"
runuser -u munge -- munged --socket="$socket" --key-file="$key" \
  --log-file="$dir/munge/munged.log" --pid-file="$dir/munge/munged.pid" \
  --seed-file="$dir/munge/munged.seed"
# munged writes its PID where its user may write; keep a copy with the others
for _ in $(seq 50); do [ -s "$dir/munge/munged.pid" ] && [ -S "$socket" ] && break; sleep 0.1; done
cp "$dir/munge/munged.pid" "$dir/run/munged.pid"
[ -n "$(pid_of munged)" ] || die 1 "munged did not start"

# slurm.conf: CONVENTIONS §2.6, with this machine's node line and the paths in $dir
host=$(hostname -s)
node=$(slurmd -C | head -n 1)        # NodeName=host CPUs=.. Boards=.. ... RealMemory=..
[[ $node == NodeName=* ]] || die 1 "slurmd -C printed '$node', not a NodeName line"
cat >"$conf" <<EOF
# written by scripts/slurm/local-cluster.sh: a single-node Slurm on loopback (CONVENTIONS §2.6)
ClusterName=pswlocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
# the cluster's own munged; a requeued job may start again cred_expire s later (default 120)
AuthInfo=socket=$socket,cred_expire=5
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/slurmd
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# look at pending jobs every few seconds (defaults 60 and 30): a requeued job starts promptly
SchedulerParameters=sched_interval=2,bf_interval=2
MpiDefault=pmix
ReturnToService=2
KillWait=30
MinJobAge=600
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
chmod 0644 "$conf"

# -c: a fresh controller state every start (no jobs from an earlier cluster)
slurmctld -f "$conf" -c
for _ in $(seq 100); do [ -n "$(pid_of slurmctld)" ] && break; sleep 0.1; done
[ -n "$(pid_of slurmctld)" ] || die 1 "slurmctld did not start"
slurmd -f "$conf"
for _ in $(seq 100); do [ -n "$(pid_of slurmd)" ] && break; sleep 0.1; done
[ -n "$(pid_of slurmd)" ] || die 1 "slurmd did not start"

state=
for _ in $(seq 60); do
  state=$(timeout 10 sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || die 1 "node $host is '${state:-unknown}' after 30 s, not idle"

trap - EXIT
say "started in $dir: munged $(pid_of munged), slurmctld $(pid_of slurmctld), slurmd $(pid_of slurmd)"
say "use it with: export SLURM_CONF=$conf"
timeout 10 sinfo >&2 || true
