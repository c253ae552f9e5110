#!/usr/bin/python3
"""The independent check through sweeps: the same points and tolerances as check.py, but
solved by `platsweep run` on one `list`-design config per family pair (the CSV columns
named as in SPEC §1), read back from the netCDF files.

Usage:
  /usr/bin/python3 tests/independent/check_sweep.py --points points.jsonl [--engine PATH]
        [--ref-cache FILE] [--jobs 2] [--limit K] [--verbose] [--workdir DIR]

Points of the `invalid` category are left out: a list design validates every cell, so an
out-of-domain value is a config error there (exit 78), not a per-point status.
The last line is "N passed, M failed"; the exit status is 1 if any failed.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import OrderedDict, defaultdict
from multiprocessing import Pool

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check  # noqa: E402

OPT = ("f_opt g_opt m_opt n_opt U_opt V_opt P_opt status_opt side_m side_n soc_q1 soc_q h_m h_n "
       "below_cost_m below_cost_n eq_stable_opt eq_det_opt n_eq_opt iter_optimum").split()
EQ = "status_eq eq_count eq_m eq_n eq_U eq_V eq_det eq_stable iter_equilibrium".split()


def pykey(p):
    return json.dumps(check.params_of(p), sort_keys=True)


def engine_rows(path, n):
    """Each row of a list-design output as the JSON object `point --json` would print."""
    rows = [dict() for _ in range(n)]
    with h5py.File(path, "r") as h:
        for v in OPT + EQ:
            a = h[v][...]
            for i in range(n):
                x = a[i]
                if a.dtype.kind == "f" and a.ndim == 1:
                    rows[i][v] = None if not math.isfinite(x) else float(x)
                elif a.ndim == 1:
                    rows[i][v] = int(x)
                else:
                    rows[i][v] = x  # trimmed below
        for i in range(n):
            c = max(rows[i]["eq_count"], 0)
            for v in ("eq_m", "eq_n", "eq_U", "eq_V", "eq_det"):
                rows[i][v] = [None if not math.isfinite(x) else float(x) for x in rows[i][v][:c]]
            rows[i]["eq_stable"] = [int(x) for x in rows[i]["eq_stable"][:c]]
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", required=True)
    ap.add_argument("--engine", default=os.environ.get("PLATSWEEP"))
    ap.add_argument("--ref-cache", default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    if not args.engine:
        print("check_sweep.py: no engine (--engine or PLATSWEEP)", file=sys.stderr)
        print("0 passed, 0 failed")
        return 2

    points = [json.loads(l) for l in open(args.points) if l.strip()]
    points = [p for p in points if p.get("_category") != "invalid"]
    if args.limit:
        points = points[: args.limit]
    cache = {}
    if args.ref_cache and os.path.exists(args.ref_cache):
        for line in open(args.ref_cache):
            d = json.loads(line)
            cache[d["_key"]] = check.unjson_ref(d["ref"])
    todo = [p for p in points if pykey(p) not in cache]
    if todo:
        with Pool(args.jobs) as pool:
            for p, ref in zip(todo, pool.map(check.ref_only, todo, chunksize=4)):
                cache[pykey(p)] = ref

    # one list-design sweep per (family pair, parameter set)
    groups = OrderedDict()
    for p in points:
        par = check.params_of(p)
        fam = (par["customers.family"], par["providers.family"])
        cols = tuple(sorted(k for k in par if not k.endswith(".family")))
        groups.setdefault((fam, cols), []).append(p)
    work = args.workdir or tempfile.mkdtemp(prefix="psw_check_sweep_")
    os.makedirs(work, exist_ok=True)
    n_pass = n_fail = 0
    cats = OrderedDict()
    field_fail = defaultdict(int)
    for gi, ((fam, cols), pts) in enumerate(groups.items()):
        csv = os.path.join(work, "g%03d.csv" % gi)
        with open(csv, "w") as fh:
            fh.write(",".join(cols) + "\n")
            for p in pts:
                fh.write(",".join(repr(float(p[c])) for c in cols) + "\n")
        cfg = os.path.join(work, "g%03d.yaml" % gi)
        with open(cfg, "w") as fh:
            fh.write("title: \"independent check, %s x %s\"\n" % fam)
            fh.write("model:\n  customers: {family: %s}\n  providers: {family: %s}\n" % fam)
            fh.write("sweep: {design: list, file: g%03d.csv}\n" % gi)
            fh.write("problems: [optimum, equilibrium]\n")
            fh.write("output: {path: g%03d.nc}\n" % gi)
        out = os.path.join(work, "g%03d.nc" % gi)
        r = subprocess.run([args.engine, "run", cfg, "-o", out, "--overwrite", "-q"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print("RUN FAILED %s: exit %d: %s" % (cfg, r.returncode, r.stderr.strip()))
            n_fail += len(pts)
            continue
        for p, eng in zip(pts, engine_rows(out, len(pts))):
            cat = p.get("_category", "?")
            st = cats.setdefault(cat, [0, 0, 0])
            st[0] += 1
            c = check.compare(p, cache[pykey(p)], eng, None)
            for (fld, *_r) in c.fails:
                field_fail[check.field_group(fld)] += 1
            if c.fails:
                st[2] += 1
                n_fail += 1
                if args.verbose:
                    print("MISMATCH id=%s cat=%s (%s x %s)" % (p.get("_id"), cat, *fam))
                    for (fld, rv, ev, tol) in c.fails:
                        print("  %-16s ref=%-26r eng=%-26r tol=%s" % (fld, rv, ev, tol))
            else:
                st[1] += 1
                n_pass += 1
    print("%-16s %6s %6s %6s" % ("category", "points", "pass", "fail"))
    for cat, (n, ok, bad) in cats.items():
        print("%-16s %6d %6d %6d" % (cat, n, ok, bad))
    if field_fail:
        print("failures by field: " + ", ".join("%s:%d" % kv for kv in sorted(field_fail.items(), key=lambda x: -x[1])))
    print("%d sweeps (one per family pair and column set) in %s" % (len(groups), work))
    print("%d passed, %d failed" % (n_pass, n_fail))
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
