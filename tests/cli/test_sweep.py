#!/usr/bin/python3
"""End-to-end sweeps: `platsweep run` on configs, read back with xarray / h5py / ncdump.

Run by ctest (label cli) with PLATSWEEP, SRCDIR set, in a scratch directory.
Last line: "N passed, M failed".
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

P = os.environ["PLATSWEEP"]
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
passed, failed = 0, 0
os.chdir(tempfile.mkdtemp(prefix="run_", dir=os.getcwd()))  # a fresh directory every run


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + detail if detail else ""))


def run(*args, **kw):
    return subprocess.run([P, *args], capture_output=True, text=True, **kw)


OPT_VARS = ("f_opt g_opt m_opt n_opt U_opt V_opt P_opt status_opt side_m side_n soc_q1 soc_q "
            "h_m h_n below_cost_m below_cost_n eq_stable_opt eq_det_opt n_eq_opt iter_optimum").split()
EQ_VARS = "status_eq eq_count eq_m eq_n eq_U eq_V eq_det eq_stable iter_equilibrium".split()

# ---- a grid: the quickstart config, smaller, written here ----
open("grid.yaml", "w").write("""title: "grid test"
model:
  c: 0.5
  d: 0.5
  f: 0.8
  g: 0.8
  customers: {family: logit, mu: 0.0, s: 0.3, M: 1.0}
  providers: {family: logit, mu: 0.0, s: 0.6}
sweep:
  design: grid
  axes:
    b: {from: 0.0, to: 4.0, num: 23}
    a: {from: 0.1, to: 10.0, num: 17, spacing: log}
    providers.M: {values: [0.5, 1.0, 2.0]}
problems: [optimum, equilibrium]
output:
  path: grid.nc
""")
r = run("run", "grid.yaml", "--threads", "1", "--progress-interval", "0.001")
check("grid run exits 0", r.returncode == 0, r.stderr)
check("no .partial left", not os.path.exists("grid.nc.partial") and os.path.exists("grid.nc"))
check("progress lines in a non-terminal log", "progress" in r.stderr and "\r" not in r.stderr, r.stderr[:300])
ds = xr.open_dataset("grid.nc")
check("dimensions in config order", [d for d in ds[OPT_VARS[0]].dims] == ["b", "a", "providers_M"],
      str(ds[OPT_VARS[0]].dims))
check("b coordinate", np.allclose(ds["b"].values, np.linspace(0, 4, 23), rtol=0, atol=1e-15))
check("a log coordinate", np.allclose(ds["a"].values, np.exp(np.linspace(np.log(0.1), np.log(10.0), 17)), rtol=1e-14)
      and ds["a"].values[0] == 0.1 and ds["a"].values[-1] == 10.0)
check("values coordinate", list(ds["providers_M"].values) == [0.5, 1.0, 2.0])
missing = [v for v in OPT_VARS + EQ_VARS if v not in ds]
check("every SPEC §5 variable", not missing, str(missing))
check("eq is the last dimension, size 9", ds["eq_m"].dims[-1] == "eq" and ds.sizes["eq"] == 9)
check("status_opt is int8 with flags", ds["status_opt"].dtype == np.int8 or str(ds["status_opt"].dtype).startswith("float"),
      str(ds["status_opt"].dtype))
with h5py.File("grid.nc", "r") as h:
    check("string attributes come back as str", isinstance(h.attrs["title"], str) and isinstance(h.attrs["config"], str))
    check("config attribute is verbatim", h.attrs["config"] == open("grid.yaml").read())
    check("flag_meanings on status", "flag_meanings" in h["status_opt"].attrs)
    st = h["status_opt"][...]
    check("every point computed", st.min() >= 0 and st.max() <= 5, str((st.min(), st.max())))
    cnt = h["eq_count"][...]
    eqm = h["eq_m"][...]
    filled = np.isfinite(eqm).sum(axis=-1)
    check("eq_count matches the filled eq slots", np.array_equal(filled, cnt))
nc = subprocess.run(["ncdump", "-h", "grid.nc"], capture_output=True, text=True)
check("ncdump -h reads it", nc.returncode == 0 and "f_opt(b, a, providers_M)" in nc.stdout, nc.stderr[:200])

# ---- determinism: threads do not change a bit ----
r2 = run("run", "grid.yaml", "-o", "grid2.nc", "--threads", "2", "-q", "--batch", "37")
check("2-thread run", r2.returncode == 0, r2.stderr)
with h5py.File("grid.nc", "r") as a, h5py.File("grid2.nc", "r") as b:
    same = all(np.array_equal(a[v][...], b[v][...], equal_nan=(a[v].dtype.kind == "f"))
               for v in OPT_VARS + EQ_VARS)
check("bit-identical for 1 and 2 threads and another batch size", same)

# ---- overwrite policy ----
before = os.path.getmtime("grid.nc")
r3 = run("run", "grid.yaml", "-q")
check("existing output: exit 73, one line", r3.returncode == 73 and len(r3.stderr.strip().splitlines()) == 1,
      "%d %r" % (r3.returncode, r3.stderr))
check("existing output untouched", os.path.getmtime("grid.nc") == before)
r4 = run("run", "grid.yaml", "-q", "--overwrite")
check("--overwrite replaces it", r4.returncode == 0, r4.stderr)

# ---- list design == `platsweep point` on each row ----
random.seed(3)
rows = []
for i in range(40):
    rows.append(dict(a=random.uniform(-0.5, 3), b=random.uniform(-0.5, 3), c=random.uniform(-0.5, 1.5),
                     d=random.uniform(-0.5, 1.5), **{"customers.s": random.uniform(0.05, 2)},
                     f=random.uniform(-1, 2), g=random.uniform(-1, 2)))
cols = list(rows[0])
with open("points.csv", "w") as fh:
    fh.write(",".join(cols) + "\n")
    for row in rows:
        fh.write(",".join(repr(row[c]) for c in cols) + "\n")
open("list.yaml", "w").write("""model:
  customers: {family: logit}
  providers: {family: probit, mu: 0.2, sigma: 0.7}
sweep: {design: list, file: points.csv}
problems: [optimum, equilibrium]
output: {path: list.nc}
""")
r = run("run", "list.yaml", "-q")
check("list run", r.returncode == 0, r.stderr)
ds = xr.open_dataset("list.nc")
df = ds[["a", "b", "customers_s", "f_opt", "g_opt", "status_opt", "eq_count"]].to_dataframe()
check("list: one row per input row, in order", len(df) == 40 and np.allclose(df["a"].values, [r["a"] for r in rows], rtol=0, atol=0))
mism = 0
for i, row in enumerate(rows):
    args = ["point", "providers.family=probit", "providers.mu=0.2", "providers.sigma=0.7"]
    args += ["%s=%r" % (k, v) for k, v in row.items()] + ["--json"]
    pj = json.loads(run(*args).stdout)
    for k in ("f_opt", "g_opt", "m_opt", "P_opt"):
        x, y = float(ds[k].values[i]), pj[k]
        if not ((y is None and np.isnan(x)) or (y is not None and x == y)):
            mism += 1
    if int(ds["eq_count"].values[i]) != pj["eq_count"] or int(ds["status_opt"].values[i]) != pj["status_opt"]:
        mism += 1
check("list rows equal `platsweep point` exactly", mism == 0, "%d mismatches" % mism)

# ---- lhs and sobol: the point dimension ----
for design, extra in (("lhs", "points: 200, seed: 7"), ("sobol", "points: 256, seed: 1")):
    open(design + ".yaml", "w").write("""model:
  c: 0.5
  d: 0.5
  customers: {family: logit}
  providers: {family: logit}
sweep: {design: %s, %s, ranges: {a: [0, 2], b: [0, 4]}}
problems: [optimum]
output: {path: %s.nc}
""" % (design, extra, design))
    r = run("run", design + ".yaml", "-q")
    check(design + " run", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        d2 = xr.open_dataset(design + ".nc")
        df = d2[["a", "b", "f_opt"]].to_dataframe()
        n = 200 if design == "lhs" else 256
        ok = len(df) == n and df["a"].between(0, 2).all() and df["b"].between(0, 4).all()
        if design == "lhs":  # one point per stratum on every axis
            ok = ok and len(set(np.floor(df["a"].values / 2 * n).astype(int))) == n
        check(design + ": columns and strata", ok)
r5 = run("run", "lhs.yaml", "-q", "-o", "lhs2.nc")
with h5py.File("lhs.nc", "r") as a, h5py.File("lhs2.nc", "r") as b:
    check("lhs is reproducible", np.array_equal(a["a"][...], b["a"][...]))

# ---- errors: exit codes, one line, nothing left behind ----
r = run("run", "nope.yaml")
check("missing config: 66", r.returncode == 66 and len(r.stderr.strip().splitlines()) == 1, r.stderr)
open("bad.yaml", "w").write("model:\n  cc: 1\n")
r = run("run", "bad.yaml")
check("bad config: 78 naming the line", r.returncode == 78 and "bad.yaml:2" in r.stderr, r.stderr)
open("badout.yaml", "w").write(open("grid.yaml").read().replace("path: grid.nc", "path: /nonexistent/dir/x.nc"))
r = run("run", "badout.yaml", "-q")
check("unwritable output: 73", r.returncode == 73 and len(r.stderr.strip().splitlines()) == 1, r.stderr)
check("nothing left behind", not os.path.exists("/nonexistent/dir/x.nc.partial"))

# ---- every bad config of tests/configs/bad through `run`: its exit code, one line, no file ----
bad_dir = os.path.join(SRC, "tests", "configs", "bad")
nbad = 0
for fn in sorted(os.listdir(bad_dir)):
    if not fn.endswith((".yaml", ".json")):
        continue
    out = "bad_out_%s.nc" % fn.replace(".", "_")
    r = run("run", os.path.join(bad_dir, fn), "-o", out, "-q")
    want = 66 if "missing_csv" in fn else 78
    lines = r.stderr.strip().splitlines()
    ok = (r.returncode == want and len(lines) == 1 and (fn in lines[0] or ".csv:" in lines[0])
          and not os.path.exists(out) and not os.path.exists(out + ".partial"))
    check("bad config %s: exit %d, one line naming it, no output" % (fn, want), ok,
          "exit %d: %r" % (r.returncode, r.stderr))
    nbad += 1
check("at least 25 bad configs", nbad >= 25, str(nbad))

# ---- plan ----
r = run("plan", "grid.yaml", "--ranks", "2", "--threads", "2")
check("plan", r.returncode == 0 and "1173 points" in r.stdout and "estimate" in r.stdout, r.stdout + r.stderr)

# ---- every shipped config parses and plans ----
for root, _, files in os.walk(os.path.join(SRC, "configs")):
    for fn in sorted(files):
        if fn.endswith((".yaml", ".json")):
            r = run("plan", os.path.join(root, fn))
            check("configs/%s plans" % os.path.relpath(os.path.join(root, fn), os.path.join(SRC, "configs")),
                  r.returncode == 0, r.stderr)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
