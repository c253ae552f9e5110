#!/usr/bin/env python3
"""The Slurm job script against a real Slurm (issue #6, docs/cluster.md "What is tested").

Starts the single-node cluster of scripts/slurm/local-cluster.sh (slurmctld + slurmd +
munged on loopback, in a private directory), then, each job submitted through
`scripts/submit.sh CONFIG --nodes 1 --ranks-per-node 2 --threads 1 --time ...`:

  1. a small 2-rank sweep (a few seconds): COMPLETED, exit 0:0, no restart, both ranks
     worked, the output equal variable by variable (bit for bit) to a direct `platsweep run`
     of the same config;
  2. the requeue cycle: a sweep longer than the signal lead allows, with --time 00:02:00
     (Slurm's limits are whole minutes, and submit.sh asks for 2 at least). Slurm sends
     USR1 (--signal=USR1@60) 30-60 s after the start, the ranks checkpoint and exit 75, the
     script runs `scontrol requeue`, the job comes back (cred_expire=5 s in the test
     cluster's slurm.conf; 120 s by default) with SLURM_RESTART_COUNT + 1, resumes, and
     ends COMPLETED with a file equal to a direct run. The grid is sized from the speed
     measured in step 1 (at least 400 x 400: ~75 s of both cores here), and the direct
     reference run goes on beside the job (the two share the cores, so the job's first part
     is slower still): USR1 comes well before the sweep is done, and the job is requeued
     once or twice.

Prints which launch path the job script took (srun --mpi=pmix, or its mpirun fallback).
The daemons are stopped whatever happens (finally, and on SIGTERM/SIGINT).

Environment (set by ctest, tests/slurm/tests.cmake): PLATSWEEP, SRCDIR, OMPI_ALLOW_RUN_AS_ROOT*.
Needs root and Debian's slurm-wlm + munge (scripts/deps.sh): exit 77 (ctest: skipped) when not
root, or when Slurm is not installed outside CI (with CI set that is a failure).
Runs in the current directory, under ./slurm_work/; the cluster lives in $PSW_SLURM_DIR
(default /tmp/psw-slurm-test: short, for the daemons' Unix sockets), kept on failure.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77
# The requeue sweep's length on both cores, from the speed of step 1's direct run (which
# underestimates it: ~1.5 s of its ~4 s are fixed costs). USR1 comes 30-60 s after the start.
# At least MIN_GRID^2 points: ~75 s alone on the 2-core development machine.
TARGET_SWEEP_S = 90.0
MIN_GRID = 400
T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


def need_env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"test_slurm: {name} is not set (ctest sets PLATSWEEP and SRCDIR)")
    return value


PLATSWEEP = os.path.abspath(need_env("PLATSWEEP"))
SRCDIR = os.path.abspath(need_env("SRCDIR"))
CLUSTER = os.path.join(SRCDIR, "scripts", "slurm", "local-cluster.sh")
SUBMIT = os.path.join(SRCDIR, "scripts", "submit.sh")
CLUSTER_DIR = os.environ.get("PSW_SLURM_DIR") or "/tmp/psw-slurm-test"
sys.path.insert(0, os.path.join(SRCDIR, "tests", "cli"))
from _nccompare import differences  # noqa: E402


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


ENV = dict(os.environ)
ENV.update(
    PSW_SLURM_DIR=CLUSTER_DIR,
    SLURM_CONF=os.path.join(CLUSTER_DIR, "slurm.conf"),
    PLATSWEEP=PLATSWEEP,  # submit.sh writes this binary's path into the job script
    OMPI_ALLOW_RUN_AS_ROOT="1",  # for the mpirun fallback, jobs run as root here
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
    PATH=os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin",
)


def run(cmd, timeout=60, check_rc=True, **kw):
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=timeout, **kw)
    if check_rc and p.returncode != 0:
        raise Failure(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stdout}{p.stderr}")
    return p


MODEL = """\
# tests/slurm/test_slurm.py: the optimum with intra-side effects (slow enough per point
# that a small grid takes seconds)
title: "slurm test: {name}"
model:
  c: 0.5
  d: 0.5
  e_m: 0.3
  e_n: -0.2
  customers: {{family: logit, mu: 0.0, s: 0.5, M: 1.0}}
  providers: {{family: logit, mu: 0.0, s: 0.5, M: 1.0}}
sweep:
  design: grid
  axes:
    a: {{from: 0.0, to: 3.0, num: {n}}}
    b: {{from: 0.0, to: 3.0, num: {n}}}
problems: [optimum]
output:
  path: {name}.nc
  compression: 1
"""
BATCH = "200"  # points per unit: a unit takes well under a second, so USR1 is acted on at once


def write_config(name, n):
    path = os.path.abspath(f"{name}.yaml")
    with open(path, "w") as f:
        f.write(MODEL.format(name=name, n=n))
    return path


def direct_run(config, out, beside_job=False):
    """A direct 2-thread `platsweep run` (no scheduler): the reference file."""
    cmd = [PLATSWEEP, "run", config, "-o", out, "--threads", "2", "--batch", BATCH,
           "--progress-interval", "3600"]
    env = dict(ENV)
    if beside_job:  # spinning OpenMP threads would burn CPU the job's ranks need
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(proc, what, timeout):
    """Wait for a direct run; returns its output."""
    out, _ = proc.communicate(timeout=timeout)
    check(proc.returncode == 0, f"{what}: exit {proc.returncode}\n{out}")
    return out


def submit(config, time_limit):
    p = run([SUBMIT, config, "--nodes", "1", "--ranks-per-node", "2", "--threads", "1",
             "--time", time_limit, "--", "--batch", BATCH])
    jobid = p.stdout.strip()
    check(re.fullmatch(r"[0-9]+", jobid) is not None, f"submit.sh printed {p.stdout!r}, not a job id")
    log(f"submitted job {jobid}: {p.stderr.strip()}")
    return jobid


FINAL = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
         "BOOT_FAIL", "DEADLINE", "PREEMPTED"}


def job_info(jobid):
    p = run(["scontrol", "show", "job", "-o", jobid], timeout=20)
    return dict(re.findall(r"(\w+)=(\S*)", p.stdout))


def wait_job(jobid, timeout, on_change=None):
    """Poll scontrol until the job ends; log each change of state (and call on_change with the
    record). Returns the last record."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        info = job_info(jobid)
        now = (info.get("JobState"), info.get("Restarts"), info.get("Reason"))
        if now != last:
            log(f"job {jobid}: {now[0]} restarts={now[1]} reason={now[2]}")
            last = now
            if on_change:
                on_change(info)
        if info.get("JobState") in FINAL:
            return info
        if time.monotonic() > deadline:
            raise Failure(f"job {jobid} not finished after {timeout:.0f} s: {info.get('JobState')}")
        time.sleep(1.0)


def job_log(name, jobid):
    path = f"psw-{name}-{jobid}.out"
    check(os.path.exists(path), f"no job log {path}")
    with open(path) as f:
        return f.read()


def launch_path(text):
    if "launching with mpirun" in text:
        return "mpirun (the template's fallback: srun offered no PMIx)"
    return "srun --mpi=pmix"


def compare(out, ref):
    check(os.path.exists(out), f"{out} missing")
    check(not os.path.exists(out + ".partial"), f"{out}.partial left behind")
    d = differences(out, ref)
    check(not d, f"{out} differs from the direct run {ref}:\n  " + "\n  ".join(d))


def test_small():
    """A 2-rank sweep of a few seconds; its direct run also measures the machine's speed."""
    n = 80
    config = write_config("small", n)
    t = time.monotonic()
    out = finish(direct_run(config, "small_ref.nc"), "direct run of small.yaml", 120)
    m = re.search(r"\(([0-9.e+]+) points/s", out)  # its own figure: without the start-up
    rate = float(m.group(1)) if m else n * n / (time.monotonic() - t)
    log(f"direct run: {n * n} points at {rate:.0f} points/s on 2 threads")

    jobid = submit(config, "00:05:00")
    info = wait_job(jobid, 180)
    text = job_log("small", jobid)
    check(info["JobState"] == "COMPLETED" and info.get("ExitCode") == "0:0",
          f"small job ended {info['JobState']} exit {info.get('ExitCode')}\n{text}")
    check(info.get("Restarts") == "0", f"small job restarted {info.get('Restarts')} times\n{text}")
    check("2 ranks x 1 thread" in text, f"the job did not run 2 ranks x 1 thread:\n{text}")
    for r in (0, 1):
        m = re.search(rf"rank {r}: (\d+) units", text)
        check(m is not None and int(m.group(1)) > 0, f"rank {r} did no work:\n{text}")
    compare("small.nc", "small_ref.nc")
    path = launch_path(text)
    log(f"ok small: job {jobid} COMPLETED 0:0, 2 ranks via {path}, small.nc == direct run")
    return rate, path


def test_requeue(rate):
    """USR1 before the limit -> checkpoint -> exit 75 -> scontrol requeue -> resume -> done."""
    n = int((rate * TARGET_SWEEP_S) ** 0.5)
    n = max(MIN_GRID, min(n, 1000))
    config = write_config("requeue", n)
    log(f"requeue sweep: {n} x {n} = {n * n} points, ~{n * n / rate:.0f} s on both cores")
    jobid = submit(config, "00:02:00")
    # The direct run of the same config goes on beside the job: it fills the gaps while the
    # job waits to start again, and while both run the job's ranks get about half the cores,
    # which puts the end of the sweep further past the first USR1.
    ref = direct_run(config, "requeue_ref.nc", beside_job=True)
    try:
        info = wait_job(jobid, 420)
    except BaseException:
        ref.kill()
        raise
    text = job_log("requeue", jobid)
    check(info["JobState"] == "COMPLETED" and info.get("ExitCode") == "0:0",
          f"requeue job ended {info['JobState']} exit {info.get('ExitCode')}\n{text}")
    restarts = int(info.get("Restarts", "0"))
    check(restarts >= 1, f"the job was never requeued (the sweep ended before USR1):\n{text}")
    stops = text.count("stopped on a signal after a checkpoint")
    resumes = len(re.findall(r"platsweep run: resuming requeue\.nc\.partial", text))
    starts = re.findall(r"^platsweep job \d+ start \S+ restart=(\d+)", text, re.M)
    check(stops == restarts and resumes == restarts,
          f"{restarts} restarts but {stops} checkpoint stops and {resumes} resumes:\n{text}")
    check(starts == [str(i) for i in range(restarts + 1)], f"start lines restart={starts}:\n{text}")
    check("DUE TO TIME LIMIT" not in text, f"the job hit its time limit:\n{text}")
    finish(ref, "direct run of requeue.yaml", 300)
    compare("requeue.nc", "requeue_ref.nc")
    log(f"ok requeue: job {jobid} USR1 -> exit 75 -> scontrol requeue -> resume, {restarts} "
        f"time(s), COMPLETED 0:0 via {launch_path(text)}; requeue.nc == direct run")


def on_signal(signum, _frame):
    raise SystemExit(f"test_slurm: stopped by signal {signum}")


def main():
    if os.geteuid() != 0:
        print("test_slurm: SKIP: needs root (local-cluster.sh starts slurmd, which runs jobs as their users)")
        return SKIP
    missing = [p for p in ("munged", "slurmctld", "slurmd", "sbatch", "scontrol")
               if shutil.which(p, path=ENV["PATH"]) is None]
    if missing:
        msg = f"Slurm is not installed ({', '.join(missing)} missing): scripts/deps.sh installs slurm-wlm and munge"
        if os.environ.get("CI"):
            print(f"test_slurm: FAIL: {msg}")
            return 1
        print(f"test_slurm: SKIP: {msg}")
        return SKIP

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    work = os.path.abspath("slurm_work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chdir(work)
    ok = False
    try:
        # a cluster left behind by a killed run is stopped by its PIDs first
        run([CLUSTER, "stop"], timeout=120, check_rc=False)
        p = run([CLUSTER, "start"], timeout=120)
        log(p.stderr.strip().splitlines()[0] if p.stderr.strip() else "cluster started")
        rate, _ = test_small()
        test_requeue(rate)
        ok = True
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f"test_slurm: FAIL: {e}", flush=True)
    finally:
        p = subprocess.run([CLUSTER, "stop"], env=ENV, capture_output=True, text=True, timeout=120)
        log("cluster stopped" if p.returncode == 0 else f"local-cluster.sh stop: exit {p.returncode}\n{p.stderr}")
        if not ok:
            for f in ("log/slurmctld.log", "log/slurmd.log", "munge/munged.log"):
                path = os.path.join(CLUSTER_DIR, f)
                if os.path.exists(path):
                    with open(path, errors="replace") as fh:
                        tail = fh.readlines()[-20:]
                    print(f"----- last lines of {path}\n{''.join(tail)}", flush=True)
    if not ok:
        return 1
    if not os.environ.get("PSW_SLURM_DIR"):
        shutil.rmtree(CLUSTER_DIR, ignore_errors=True)
    log(f"test_slurm: all passed in {time.monotonic() - T0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
