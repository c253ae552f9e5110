#!/usr/bin/env python3
"""Checkpoint / resume acceptance of `platsweep run` under MPI (SPEC.md §4, §7, §8).

  1. determinism: bit-identical variables for ranks x threads in {1,2}x{1,2} and other
     --batch values, on a grid config (optimum + equilibrium) and an lhs config;
  2. kill -9 of mpirun and both ranks at random moments (seeded; the seed is printed and
     RESUME_TEST_SEED=... repeats it), then --resume (2 and 1 ranks in turn, some resumes
     killed again) -> the reference file, no OUT.partial* left behind;
  3. PLATSWEEP_FAULT=write:N / checkpoint:N (a crash mid-write, a crash between the record's
     .tmp and its rename) -> --resume -> the reference file;
  4. SIGTERM to the ranks / SIGUSR1 to mpirun -> exit 75 with OUT.partial + checkpoint ->
     --resume -> the reference; --resume of a complete file -> 0, "nothing to resume";
  5. a changed config with --resume -> 78 naming the key; a plain run over a checkpoint -> 73;
  6. SLURM_NTASKS=2 on a single-rank run -> 64;
  7. the log of a 2-rank run shows work on both ranks.

Environment (set by ctest): PLATSWEEP, PYTHON, SRCDIR, MPIEXEC and the OMPI_* variables for
root and oversubscription. Runs in the current (scratch) directory, under ./resume_work/.
Prints one line per check passed; exits 1 with the reason on the first failure.
"""
import glob
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def need_env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"test_resume: {name} is not set (ctest sets PLATSWEEP, SRCDIR, MPIEXEC)")
    return value


PLATSWEEP = os.path.abspath(need_env("PLATSWEEP"))
MPIEXEC = need_env("MPIEXEC")
SRCDIR = need_env("SRCDIR")
sys.path.insert(0, os.path.join(SRCDIR, "tests", "cli"))
from _nccompare import differences  # noqa: E402

RUN_TIMEOUT = 150.0  # seconds for one run; generous, for a loaded machine
CKPT_INTERVAL = "0.05"  # small, so that kills find checkpoints (a grid run takes < 1 s)
CRASH_BATCH = "4096"  # points per unit in the crash tests: ~60 units, many rounds
N_KILLS = 5

# the model block both configs share (fixed values; the providers' family differs)
MODEL = """\
model:
  c: 0.5
  d: 0.5
  f: 0.3
  g: 0.2
  customers: {{family: logit, mu: 0.0, s: 0.5, M: 1.0}}
  providers: {{family: logit, {prov}, M: 1.0}}
"""

GRID_YAML = """\
# platsweep test_resume: both problems on a 600 x 400 grid (big enough that kills land mid-run)
title: "resume test: grid"
""" + MODEL.format(prov="mu: 0.0, s: 1.0") + """\
sweep:
  design: grid
  axes:
    a: {from: 0.0, to: 3.0, num: 600}
    b: {from: 0.0, to: 3.0, num: 400}
problems: [optimum, equilibrium]
output:
  path: grid.nc
  compression: 1
"""

LHS_YAML = """\
# platsweep test_resume: both problems on a point design (parameter columns in the output)
title: "resume test: lhs"
""" + MODEL.format(prov="mu: 0.2, s: 0.8") + """\
sweep:
  design: lhs
  points: 50000
  seed: 11
  ranges:
    a: [0, 3]
    b: [0, 3]
problems: [optimum, equilibrium]
output:
  path: lhs.nc
  compression: 1
"""


class Failure(Exception):
    pass


def check(cond, msg, detail=""):
    if not cond:
        raise Failure(msg + (f"\n  {detail}" if detail else ""))
    print(f"ok   {msg}", flush=True)


# ---- processes -------------------------------------------------------------------------------

LIVE = []  # runs started and not yet reaped: killed on the way out whatever happens


def base_env(**extra):
    """The caller's environment without anything that would change a run's behaviour."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SLURM_") and k not in ("PLATSWEEP_FAULT", "OMP_NUM_THREADS")}
    env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
    env.update(extra)
    return env


def run_argv(config, out, ranks, threads=None, extra=()):
    """1 rank: the plain binary (MPI singleton); more: under mpiexec. Both cores are used
    unless threads says otherwise."""
    threads = threads or (2 if ranks == 1 else 1)
    cmd = [PLATSWEEP, "run", config, "-o", out, "--threads", str(threads), *extra]
    if ranks == 1:
        return cmd
    return [MPIEXEC, "-n", str(ranks), "--bind-to", "none", *cmd]


class Run:
    """One `platsweep run` (under mpiexec when ranks > 1), output and log in files."""
    counter = 0

    def __init__(self, config, out, ranks, threads=None, extra=(), env=None):
        Run.counter += 1
        self.log = f"log{Run.counter:03d}.txt"
        self.argv = run_argv(config, out, ranks, threads, extra)
        with open(self.log, "w") as f:
            f.write("$ " + " ".join(self.argv) + "\n")
            f.flush()
            self.t0 = time.monotonic()
            self.p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=f,
                                      stderr=subprocess.STDOUT, env=env or base_env())
        LIVE.append(self)

    def elapsed(self):
        return time.monotonic() - self.t0

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def wait(self, timeout=RUN_TIMEOUT):
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(self)
            raise Failure(f"timeout after {timeout:.0f} s: {' '.join(self.argv)}\n{self.text()}")
        if self in LIVE:
            LIVE.remove(self)
        return rc

    def wait_for(self, pattern, timeout=RUN_TIMEOUT):
        """Wait until the log matches pattern (a regex); the match, or None if the run ended."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(pattern, self.text(), re.M)
            if m or self.p.poll() is not None:
                return m
            time.sleep(0.02)
        kill_tree(self)
        raise Failure(f"timeout waiting for /{pattern}/ in the log of {' '.join(self.argv)}")


def run(config, out, ranks=1, threads=None, extra=(), env=None):
    """Run to the end: (exit code, log text, wall seconds)."""
    r = Run(config, out, ranks, threads, extra, env)
    rc = r.wait()
    return rc, r.text(), r.elapsed()


def children(pid):
    kids = []
    for f in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(f) as fh:
                kids += [int(x) for x in fh.read().split()]
        except OSError:
            pass
    return kids


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        for k in children(todo.pop()):
            if k not in out:
                out.append(k)
                todo.append(k)
    return out


def proc_state(pid):
    """'R', 'S', 'T', 'Z', ... or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def wait_gone(pids, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if all(proc_state(p) in (None, "Z", "X") for p in pids):
            return
        time.sleep(0.01)
    raise Failure(f"processes {pids} still alive {timeout:.0f} s after SIGKILL")


def shm_files(pids):
    """Open MPI's shared-memory segments mapped by pids (left in /dev/shm by a kill -9)."""
    files = set()
    for p in pids:
        try:
            with open(f"/proc/{p}/maps") as f:
                files |= {line.split()[-1] for line in f if "/dev/shm/vader_segment" in line}
        except OSError:
            pass
    return files


def session_dirs(pids):
    """Open MPI's session directories of pids (mpirun, or a singleton's daemon): pid.<pid> and
    its job family's jf.<jobid >> 16>, both left in the temporary directory by a kill -9."""
    dirs = []
    for tmp in {os.environ.get("TMPDIR") or "/tmp", tempfile.gettempdir()}:
        for p in pids:
            for d in glob.glob(os.path.join(tmp, "ompi.*", f"pid.{p}")):
                dirs.append(d)
                try:
                    with open(os.path.join(d, "contact.txt")) as f:
                        jobid = int(f.readline().split(".")[0])
                    dirs.append(os.path.join(os.path.dirname(d), f"jf.{jobid >> 16}"))
                except (OSError, ValueError):
                    pass
    return dirs


def kill_tree(r):
    """SIGKILL the run's process and every process below it, all at the same moment: the root
    is stopped first so it cannot start another rank meanwhile. Cleans up what Open MPI leaves
    behind when mpirun (or a singleton) is killed: session directories, shared memory."""
    root = r.p.pid
    if r.p.poll() is None:
        try:
            os.kill(root, signal.SIGSTOP)
        except ProcessLookupError:
            pass
        end = time.monotonic() + 2.0
        while proc_state(root) not in (None, "T", "t", "Z") and time.monotonic() < end:
            time.sleep(0.001)
    pids = descendants(root)
    shm = shm_files(pids)
    for p in pids + [root]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    r.p.wait()
    wait_gone(pids)
    if r in LIVE:
        LIVE.remove(r)
    for f in shm:
        if os.path.basename(f).startswith("vader_segment."):
            try:
                os.unlink(f)
            except OSError:
                pass
    for d in session_dirs([root] + pids):
        shutil.rmtree(d, ignore_errors=True)
    return pids


def rank_pids(r):
    """The rank processes of a 2-rank run, from its layout lines (printed once every rank has
    its signal handlers)."""
    m = r.wait_for(r"^  rank 1: host .*, pid \d+")
    if not m:
        raise Failure(f"no layout lines (the run ended first):\n{r.text()}")
    pids = [int(x) for x in re.findall(r"^  rank \d+: host .*?, pid (\d+)", r.text(), re.M)]
    check(sorted(pids) == sorted(children(r.p.pid)),
          "the layout lines name the rank processes (the children of mpirun)",
          f"layout {pids}, children {children(r.p.pid)}")
    return pids


# ---- files -----------------------------------------------------------------------------------

def leftovers(out):
    return sorted(glob.glob(glob.escape(out) + ".partial*"))


def remove_outputs(out):
    for f in [out] + leftovers(out):
        os.remove(f)


def check_identical(out, ref, what):
    check(os.path.exists(out), f"{what}: {out} exists")
    d = differences(ref, out)
    check(not d, f"{what}: variables identical to the reference", "; ".join(d[:6]))


def check_finished(rc, log, out, ref, what):
    check(rc == 0, f"{what}: exit 0", f"exit {rc}\n{log}")
    check_identical(out, ref, what)
    check(not leftovers(out), f"{what}: no {out}.partial* left behind", str(leftovers(out)))


def rank_work(log):
    return {int(r): int(n) for r, n in re.findall(r"^  rank (\d+): (\d+) units, ", log, re.M)}


# ---- the checks ------------------------------------------------------------------------------

def test_determinism(config, name):
    """1. reference 1 rank x 1 thread; the same variables for the other ranks x threads, two of
    them with other --batch values. Returns (reference path, wall time of a 2-rank run, the log
    of a 2-rank run with the default batch)."""
    ref = f"{name}_ref.nc"
    rc, log, _ = run(config, ref, ranks=1, threads=1, extra=["-q"])
    check(rc == 0 and os.path.exists(ref), f"{name}: reference run (1 rank x 1 thread)", log)
    t_two, log22 = [], ""
    for ranks, threads, extra in [(1, 2, ["--batch", "1000"]),
                                  (2, 1, ["--batch", CRASH_BATCH, "--checkpoint-interval", CKPT_INTERVAL]),
                                  (2, 2, [])]:
        out = f"{name}_r{ranks}t{threads}.nc"
        rc, log, secs = run(config, out, ranks=ranks, threads=threads, extra=extra)
        what = f"{name}: {ranks} rank(s) x {threads} thread(s) {' '.join(extra)}".rstrip()
        check_finished(rc, log, out, ref, what)
        if ranks == 2:
            t_two.append(secs)
        if ranks == 2 and not extra:
            log22 = log
        os.remove(out)
    return ref, min(t_two), log22


def test_rank_log(log):
    """7. both ranks did work in a 2-rank run."""
    work = rank_work(log)
    check(sorted(work) == [0, 1] and all(n > 0 for n in work.values()),
          f"2-rank run log: both ranks did work {work}", log)


def kill_at(r, moment, after_ckpt=None):
    """SIGKILL r (mpirun and ranks, or the single rank) `moment` seconds after its start, or
    with after_ckpt=OUT `moment` seconds after OUT's first checkpoint record appears. Returns
    (seconds since the start, whether the run had ended by then)."""
    if after_ckpt:
        while r.p.poll() is None and not os.path.exists(after_ckpt + ".partial.ckpt"):
            if r.elapsed() > RUN_TIMEOUT:
                kill_tree(r)
                raise Failure(f"no checkpoint record after {RUN_TIMEOUT:.0f} s: {' '.join(r.argv)}")
            time.sleep(0.005)
        moment += r.elapsed()
    delay = moment - r.elapsed()
    if delay > 0:
        time.sleep(delay)
    finished = r.p.poll() is not None
    kill_tree(r)
    return moment, finished


def test_kill9(rng, configs, t_run):
    """2. kill -9 at random moments, then resume (2 and 1 ranks in turn; some resumes are
    killed again) until a run finishes. Kills 2 and 4 come just after the first checkpoint
    record, so that resuming from a record after kill -9 is always covered."""
    resumes, with_ckpt = 0, 0
    crash = ["--batch", CRASH_BATCH, "--checkpoint-interval", CKPT_INTERVAL]
    for i in range(N_KILLS):
        name = "lhs" if i == N_KILLS - 1 else "grid"
        config, ref = configs[name]
        out = f"kill{i}.nc"
        r = Run(config, out, ranks=2, extra=["-q", *crash])
        if i in (2, 4):
            moment, finished = kill_at(r, rng.uniform(0.0, 0.1) * t_run[name], after_ckpt=out)
        else:
            moment, finished = kill_at(r, rng.uniform(0.2, 0.9) * t_run[name])
        what = f"kill -9 #{i} ({name}) at {moment:.2f} s"
        had = os.path.exists(out + ".partial.ckpt")
        with_ckpt += had
        print(f"     {what}{' (the run had ended)' if finished else ''}: checkpoint on disk: {had}",
              flush=True)
        rekill = i % 2 == 1
        while True:
            ranks = 2 if resumes % 2 == 0 else 1
            resumes += 1
            r = Run(config, out, ranks=ranks, extra=["--resume", "--checkpoint-interval", CKPT_INTERVAL])
            if rekill:
                rekill = False
                moment, _ = kill_at(r, rng.uniform(0.1, 0.7) * t_run[name])
                what += f", its resume on {ranks} rank(s) killed at {moment:.2f} s"
                print(f"     {what}: checkpoint on disk: {os.path.exists(out + '.partial.ckpt')}",
                      flush=True)
                continue
            check_finished(r.wait(), r.text(), out, ref, f"{what}, resumed on {ranks} rank(s)")
            break
        remove_outputs(out)
    check(with_ckpt >= 2, f"kill -9: {with_ckpt} of {N_KILLS} kills found a checkpoint to resume from")


def test_faults(configs):
    """3. crashes at the fault-injection sites, with a checkpoint after every round."""
    every_round = ["-q", "--batch", CRASH_BATCH, "--checkpoint-interval", "0"]
    for site, n, name, resume_ranks in [("write", 3, "lhs", 1), ("checkpoint", 2, "grid", 2)]:
        config, ref = configs[name]
        out = f"fault_{site}.nc"
        rc, log, _ = run(config, out, ranks=2, extra=every_round,
                         env=base_env(PLATSWEEP_FAULT=f"{site}:{n}"))
        what = f"PLATSWEEP_FAULT={site}:{n} ({name})"
        check(rc != 0 and f"killing this process at {site} #{n}" in log,
              f"{what}: the run is killed at the site", f"exit {rc}\n{log}")
        check(not os.path.exists(out) and os.path.exists(out + ".partial")
              and os.path.exists(out + ".partial.ckpt"),
              f"{what}: no {out}; the partial file and an earlier checkpoint are there",
              str(os.listdir(".")))
        if site == "checkpoint":
            check(os.path.exists(out + ".partial.ckpt.tmp"),
                  f"{what}: the new record's .tmp is there, not renamed", str(leftovers(out)))
        # a different --batch: the resume keeps the checkpoint's unit
        rc, log, _ = run(config, out, ranks=resume_ranks, extra=["--resume", "--batch", "1000"])
        check_finished(rc, log, out, ref, f"{what}: resumed on {resume_ranks} rank(s)")
        check(re.search(r"resuming .*: [1-9]\d* of \d+ units done", log)
              and f"checkpoint's {CRASH_BATCH} points per unit" in log,
              f"{what}: the resume copied units and kept the checkpoint's unit size", log)
        remove_outputs(out)


def stop_run(config, out, how, t_grid):
    """A 2-rank run stopped by SIGTERM to its ranks or SIGUSR1 to mpirun: (exit code, log).
    The signal comes a fifth of a 2-rank run's time after the ranks are up (at most 0.3 s),
    so that it lands mid-run however fast the solver has become."""
    r = Run(config, out, ranks=2, extra=["--batch", CRASH_BATCH])  # default interval: 60 s
    ranks = rank_pids(r)
    time.sleep(min(0.3, 0.2 * t_grid))
    if how == "SIGTERM":
        for p in ranks:
            os.kill(p, signal.SIGTERM)
    else:
        os.kill(r.p.pid, signal.SIGUSR1)
    return r.wait(), r.text()


def check_stopped(rc, log, out, what):
    check(rc == 75, f"{what}: exit 75", f"exit {rc}\n{log}")
    check("run again with --resume" in log, f"{what}: the message says to resume", log)
    check(os.path.exists(out + ".partial") and os.path.exists(out + ".partial.ckpt")
          and not os.path.exists(out), f"{what}: {out}.partial and its checkpoint, no {out}",
          str(os.listdir(".")))


def test_signals(config, ref, config_c, t_grid):
    """4 + 5. SIGTERM -> 75 -> (a changed config: 78; a plain run: 73) -> resume on 1 rank;
    SIGUSR1 -> 75 -> resume on 2 ranks -> resume again: nothing to resume."""
    out = "stopped.nc"
    rc, log = stop_run(config, out, "SIGTERM", t_grid)
    check_stopped(rc, log, out, "SIGTERM to both ranks")

    rc, log, _ = run(config_c, out, ranks=1, extra=["--resume"])
    check(rc == 78, "--resume with model.c changed: exit 78", f"exit {rc}\n{log}")
    check(re.search(r"model\.c: 0\.5 in the checkpoint, 0\.6 in the config", log),
          "--resume with model.c changed: the message names the key and both values", log)
    rc, log, _ = run(config, out, ranks=2)
    check(rc == 73, "a run without --resume over a checkpoint: exit 73", f"exit {rc}\n{log}")
    check("--resume" in log and "--overwrite" in log,
          "a run without --resume over a checkpoint: the message suggests --resume / --overwrite", log)
    check(os.path.exists(out + ".partial.ckpt"), "the refused runs left the checkpoint alone")

    rc, log, _ = run(config, out, ranks=1, extra=["--resume"])
    check_finished(rc, log, out, ref, "SIGTERM run resumed on 1 rank")
    remove_outputs(out)

    rc, log = stop_run(config, out, "SIGUSR1", t_grid)
    check_stopped(rc, log, out, "SIGUSR1 to mpirun")
    rc, log, _ = run(config, out, ranks=2, extra=["--resume"])
    check_finished(rc, log, out, ref, "SIGUSR1 run resumed on 2 ranks")

    rc, log, _ = run(config, out, ranks=2, extra=["--resume"])
    check(rc == 0 and "is complete: nothing to resume" in log,
          "--resume of a complete file: exit 0, nothing to resume", f"exit {rc}\n{log}")
    check_identical(out, ref, "--resume of a complete file")
    rc, log, _ = run(config, out, ranks=1)
    check(rc == 73, "a run without --resume over a complete file: exit 73", f"exit {rc}\n{log}")
    remove_outputs(out)


def test_slurm_single_rank(config):
    """6. SLURM_NTASKS=2 but one rank: a broken launch, refused."""
    out = "slurm.nc"
    rc, log, _ = run(config, out, ranks=1, env=base_env(SLURM_NTASKS="2"))
    check(rc == 64, "SLURM_NTASKS=2 on a single-rank run: exit 64", f"exit {rc}\n{log}")
    check(not os.path.exists(out) and not leftovers(out), "SLURM_NTASKS=2: no output written")


def main():
    t_start = time.monotonic()
    seed = int(os.environ.get("RESUME_TEST_SEED") or random.SystemRandom().randrange(1, 10**6))
    print(f"test_resume: seed {seed} (repeat with RESUME_TEST_SEED={seed})", flush=True)
    rng = random.Random(seed)
    work = os.path.abspath("resume_work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chdir(work)
    for name, text in [("grid.yaml", GRID_YAML), ("lhs.yaml", LHS_YAML),
                       ("grid_c.yaml", GRID_YAML.replace("  c: 0.5\n", "  c: 0.6\n"))]:
        with open(name, "w") as f:
            f.write(text)

    def phase(label):
        print(f"---- {label} (at {time.monotonic() - t_start:.1f} s)", flush=True)

    phase("6. SLURM_NTASKS on a single rank")
    test_slurm_single_rank("grid.yaml")
    configs, t_run = {}, {}
    for name in ("grid", "lhs"):
        phase(f"1. determinism, {name}" + (" (and 7. the work of each rank)" if name == "grid" else ""))
        ref, t_run[name], log22 = test_determinism(f"{name}.yaml", name)
        configs[name] = (f"{name}.yaml", ref)
        if name == "grid":
            test_rank_log(log22)
    phase(f"2. kill -9 and resume (2-rank run time: grid {t_run['grid']:.2f} s, "
          f"lhs {t_run['lhs']:.2f} s)")
    test_kill9(rng, configs, t_run)
    phase("3. fault injection")
    test_faults(configs)
    phase("4, 5. signals, a changed config, a run over a checkpoint")
    test_signals(*configs["grid"], "grid_c.yaml", t_run["grid"])
    os.chdir("..")
    shutil.rmtree(work, ignore_errors=True)
    print(f"test_resume: all checks passed in {time.monotonic() - t_start:.1f} s", flush=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("test_resume: terminated"))
    try:
        main()
    except Failure as e:
        print(f"FAIL {e}", flush=True)
        print(f"     (files and logs kept in {os.getcwd()})", flush=True)
        sys.exit(1)
    finally:
        for r in list(LIVE):
            kill_tree(r)
