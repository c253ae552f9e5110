#!/usr/bin/python3
"""Compare the platsweep engine with the independent Python reference model.

Usage:
  /usr/bin/python3 tests/independent/check.py --points points.jsonl [--engine PATH]
        [--jobs 2] [--limit K] [--verbose] [--ref-cache FILE] [--no-engine]

For each point (a JSON line from gen_points.py) it runs
  $PLATSWEEP point KEY=VALUE ... --problems optimum,equilibrium --json
and the reference (model.py), and compares (SPEC section 9 tolerances):
  * fees, U, V, h_m, h_n, eq_U, eq_V: |x - x_ref| <= 1e-7 S + 1e-6 |x_ref|   (S: MODEL 0)
  * m (n):                          |x - x_ref| <= 1e-7 M + 1e-6 |x_ref|   (N for n)
  * profit:                         |P - P_ref| <= 1e-9 max(|P_ref|, 1e-13 PS)
  * status_opt, side_m, side_n, n_eq_opt, status_eq, eq_count: identical
  * below_cost_*: identical, except where |f_ref - c| (|g_ref - d|) is within the fee tolerance
  * eq_stable_opt / eq_stable: identical, except where |det(I-A)| < 1e-8 (ref or engine)
    and, for eq_stable, on a kink (MODEL 2.4: compare stable only where on_kink is false)
  * status 3 (degenerate): only the status and P are compared (the maximiser is not unique);
    status 4 (not_converged) and 5 (invalid): only the status.  For an invalid point a
    non-zero engine exit with a message is accepted as well.
Soft fields (reported as warnings, never failures): soc_q1, soc_q, eq_det_opt, eq_det
(|x - x_ref| <= 1e-6 (1 + |x_ref|)).
The last line is exactly "N passed, M failed"; the exit status is 1 if any failed.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import OrderedDict, defaultdict
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model  # noqa: E402

ENGINE_CANDIDATES = ["/work/main/build/default/platsweep", "/work/main/build/ci/platsweep"]
STATUS_NAMES = {0: "ok", 1: "corner", 2: "no_interior", 3: "degenerate", 4: "not_conv", 5: "invalid"}


def params_of(point):
    return {k: v for k, v in point.items() if not k.startswith("_")}


def fmt(v):
    if isinstance(v, str):
        return v
    return repr(float(v))


def engine_cmd(engine, params):
    args = [engine, "point"]
    for k, v in params.items():
        args.append("%s=%s" % (k, fmt(v)))
    args += ["--problems", "optimum,equilibrium", "--json"]
    return args


def run_engine(engine, params, timeout=120):
    cmd = engine_cmd(engine, params)
    t0 = time.time()
    p = None
    for attempt in range(3):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            return None, "timeout after %ss" % timeout, time.time() - t0
        except OSError as ex:  # binary being relinked, etc.
            err = "cannot run engine: %s" % ex
            time.sleep(2.0)
    if p is None:
        return None, err, time.time() - t0
    dt = time.time() - t0
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode, (p.stderr.strip() or p.stdout.strip())[:300]), dt
    try:
        return json.loads(p.stdout), None, dt
    except Exception as ex:
        return None, "bad JSON (%s): %s" % (ex, p.stdout[:300]), dt


def num(x):
    if x is None:
        return math.nan
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def isnan(x):
    return isinstance(x, float) and math.isnan(x)


class Cmp:
    def __init__(self):
        self.fails = []   # (field, ref, eng, tol)
        self.warns = []

    def val(self, field, ref, eng, tol, soft=False):
        r, e = num(ref), num(eng)
        if eng is None and math.isinf(r):
            ok = True  # JSON null stands for NaN and +-Inf alike
        elif isnan(r) or isnan(e):
            ok = isnan(r) and isnan(e)
            # infinities are equal if same sign
        elif math.isinf(r) or math.isinf(e):
            ok = r == e
        else:
            ok = abs(r - e) <= tol
        if not ok:
            (self.warns if soft else self.fails).append((field, ref, eng, tol))
        return ok

    def same(self, field, ref, eng, soft=False):
        ok = ref == eng
        if not ok:
            (self.warns if soft else self.fails).append((field, ref, eng, None))
        return ok


def intval(x):
    if x is None:
        return None
    try:
        return int(x)
    except (TypeError, ValueError):
        return x


def compare(point, ref, eng, eng_err):
    c = Cmp()
    S, PS, M, N = ref.get("_S"), ref.get("_PS"), ref.get("_M"), ref.get("_N")
    if ref.get("status_opt") == model.STATUS_INVALID or ref.get("_invalid"):
        if eng is None:
            c.warns.append(("invalid_point_engine_error", "status 5", eng_err, None))
            return c
        c.same("status_opt", 5, intval(eng.get("status_opt")))
        c.same("status_eq", 5, intval(eng.get("status_eq")))
        return c
    if eng is None:
        c.fails.append(("engine", "JSON", eng_err, None))
        return c

    def mtol(x):
        return 1e-7 * S + 1e-6 * abs(num(x)) if not isnan(num(x)) else 0.0

    def ptol_m(x):
        return 1e-7 * M + 1e-6 * abs(num(x))

    def ptol_n(x):
        return 1e-7 * N + 1e-6 * abs(num(x))

    def soft(field, r, e):
        c.val(field, r, e, 1e-6 * (1 + abs(num(r))) if not isnan(num(r)) else 0.0, soft=True)

    # ---------------- optimum
    rs, es = ref["status_opt"], intval(eng.get("status_opt"))
    c.same("status_opt", rs, es)
    if rs == es and rs in (0, 1, 2):
        for fld in ("f_opt", "g_opt", "U_opt", "V_opt"):
            c.val(fld, ref[fld], eng.get(fld), mtol(ref[fld]))
        for fld in ("h_m", "h_n"):
            alt = ref.get("_" + fld + "_alt", math.nan)
            if isnan(num(ref[fld])) and not isnan(num(alt)) and not isnan(num(eng.get(fld))):
                # one side on a face, this side interior: MODEL 4 says NaN; the value is
                # accepted as a soft difference (ambiguous wording)
                c.val(fld, alt, eng.get(fld), mtol(alt))
                c.warns.append((fld + "(NaN expected by MODEL 4)", ref[fld], eng.get(fld), None))
            else:
                c.val(fld, ref[fld], eng.get(fld), mtol(ref[fld]))
        c.val("m_opt", ref["m_opt"], eng.get("m_opt"), ptol_m(ref["m_opt"]))
        c.val("n_opt", ref["n_opt"], eng.get("n_opt"), ptol_n(ref["n_opt"]))
        c.val("P_opt", ref["P_opt"], eng.get("P_opt"), 1e-9 * max(abs(ref["P_opt"]), 1e-13 * PS))
        c.same("side_m", ref["side_m"], intval(eng.get("side_m")))
        c.same("side_n", ref["side_n"], intval(eng.get("side_n")))
        if abs(ref["f_opt"] - num(point["c"])) > mtol(ref["f_opt"]):
            c.same("below_cost_m", ref["below_cost_m"], intval(eng.get("below_cost_m")))
        if abs(ref["g_opt"] - num(point["d"])) > mtol(ref["g_opt"]):
            c.same("below_cost_n", ref["below_cost_n"], intval(eng.get("below_cost_n")))
        rd, ed = num(ref["eq_det_opt"]), num(eng.get("eq_det_opt"))
        if not (isnan(rd) or abs(rd) < 1e-8 or (math.isfinite(ed) and abs(ed) < 1e-8)):
            c.same("eq_stable_opt", ref["eq_stable_opt"], intval(eng.get("eq_stable_opt")))
        if "continuum_at_opt_fees" not in ref.get("_warn", []):
            c.same("n_eq_opt", ref["n_eq_opt"], intval(eng.get("n_eq_opt")))
        soft("soc_q1", ref["soc_q1"], eng.get("soc_q1"))
        soft("soc_q", ref["soc_q"], eng.get("soc_q"))
        soft("eq_det_opt", ref["eq_det_opt"], eng.get("eq_det_opt"))
    elif rs == es and rs == 3:
        c.val("P_opt", ref["P_opt"], eng.get("P_opt"), 1e-9 * max(abs(ref["P_opt"]), 1e-13 * PS))
    # ---------------- equilibrium
    c.same("status_eq", ref["status_eq"], intval(eng.get("status_eq")))
    cnt_ok = c.same("eq_count", ref["eq_count"], intval(eng.get("eq_count")))
    if cnt_ok and ref["status_eq"] == intval(eng.get("status_eq")) == 0:
        n_eq = ref["eq_count"]

        def arr(key):
            v = eng.get(key)
            if v is None:
                return [None] * n_eq
            if not isinstance(v, list):
                v = [v]
            return list(v) + [None] * (n_eq - len(v))

        em, en, eU, eV, ed, est = (arr(k) for k in ("eq_m", "eq_n", "eq_U", "eq_V", "eq_det", "eq_stable"))
        for i in range(n_eq):
            c.val("eq_m[%d]" % i, ref["eq_m"][i], em[i], ptol_m(ref["eq_m"][i]))
            c.val("eq_n[%d]" % i, ref["eq_n"][i], en[i], ptol_n(ref["eq_n"][i]))
            c.val("eq_U[%d]" % i, ref["eq_U"][i], eU[i], mtol(ref["eq_U"][i]))
            c.val("eq_V[%d]" % i, ref["eq_V"][i], eV[i], mtol(ref["eq_V"][i]))
            rd, edv = num(ref["eq_det"][i]), num(ed[i])
            kink = ref["_eq_on_kink"][i]
            if not kink and not (isnan(rd) or abs(rd) < 1e-8 or (math.isfinite(edv) and abs(edv) < 1e-8)):
                c.same("eq_stable[%d]" % i, ref["eq_stable"][i], intval(est[i]))
            if not kink:
                soft("eq_det[%d]" % i, ref["eq_det"][i], ed[i])
        # index theorem on the engine's own output (MODEL 2.2), soft
        dets = [num(x) for x in ed]
        if n_eq and all(math.isfinite(x) and abs(x) > 1e-8 for x in dets) and not any(ref["_eq_on_kink"]):
            idx = sum(1 if x > 0 else -1 for x in dets)
            if idx != 1:
                c.warns.append(("index_theorem", 1, idx, None))
    return c


def field_group(name):
    return name.split("[")[0]


def ref_only(point):
    return model.public(model.solve_point(params_of(point)))


def job(task):
    point, engine, cached = task
    t0 = time.time()
    if cached is not None:
        ref = cached
        tref = 0.0
    else:
        try:
            ref = model.public(model.solve_point(params_of(point)))
        except Exception as ex:  # a reference crash is reported, not hidden
            ref = {"_crash": repr(ex)}
        tref = time.time() - t0
    if engine is None:
        return point, ref, None, None, tref, 0.0
    eng, err, teng = run_engine(engine, params_of(point))
    return point, ref, eng, err, tref, teng


def jsonable(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [jsonable(v) for v in x]
    return x


def unjson_ref(d):
    out = {}
    for k, v in d.items():
        if v is None and not k.startswith("_"):
            out[k] = math.nan
        elif isinstance(v, list) and k in ("eq_det", "eq_m", "eq_n", "eq_U", "eq_V"):
            out[k] = [math.nan if x is None else x for x in v]
        else:
            out[k] = v
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", required=True)
    ap.add_argument("--engine", default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--ref-cache", default=None, help="JSONL cache of reference results keyed by _id")
    ap.add_argument("--no-engine", action="store_true", help="run the reference only (timing, diagnostics)")
    ap.add_argument("--category", default=None, help="only points of this category")
    args = ap.parse_args()

    engine = None
    if not args.no_engine:
        engine = args.engine or os.environ.get("PLATSWEEP")
        if not engine:
            for cand in ENGINE_CANDIDATES:
                if os.access(cand, os.X_OK):
                    engine = cand
                    break
        if not engine or not os.access(engine, os.X_OK):
            print("check.py: no engine (use --engine PATH or set PLATSWEEP)", file=sys.stderr)
            print("0 passed, 0 failed")
            return 2

    points = []
    with open(args.points) as fh:
        for line in fh:
            line = line.strip()
            if line:
                points.append(json.loads(line))
    if args.category:
        points = [p for p in points if p.get("_category") == args.category]
    if args.limit:
        points = points[: args.limit]

    cache = {}
    if args.ref_cache and os.path.exists(args.ref_cache):
        with open(args.ref_cache) as fh:
            for line in fh:
                d = json.loads(line)
                cache[d["_key"]] = unjson_ref(d["ref"])

    def key(p):
        return json.dumps(params_of(p), sort_keys=True)

    tasks = [(p, engine, cache.get(key(p))) for p in points]
    t_start = time.time()
    results = []
    new_cache = []
    with Pool(args.jobs) as pool:
        for res in pool.imap(job, tasks, chunksize=1):
            results.append(res)
            p, ref, eng, err, tref, teng = res
            if key(p) not in cache and "_crash" not in ref:
                new_cache.append({"_key": key(p), "ref": jsonable(ref)})
    wall = time.time() - t_start
    if args.ref_cache and new_cache:
        with open(args.ref_cache, "a") as fh:
            for d in new_cache:
                fh.write(json.dumps(d) + "\n")

    cats = OrderedDict()
    field_fail = defaultdict(int)
    field_warn = defaultdict(int)
    n_pass = n_fail = 0
    ref_warn_pts = []
    tref_tot = teng_tot = 0.0
    for (p, ref, eng, err, tref, teng) in results:
        tref_tot += tref
        teng_tot += teng
        cat = p.get("_category", "?")
        st = cats.setdefault(cat, {"n": 0, "pass": 0, "fail": 0, "warn": 0, "status": defaultdict(int)})
        st["n"] += 1
        if "_crash" in ref:
            st["fail"] += 1
            n_fail += 1
            print("REFERENCE CRASH id=%s: %s" % (p.get("_id"), ref["_crash"]))
            continue
        st["status"][ref.get("status_opt")] += 1
        rw = [w for w in ref.get("_warn", []) if not w.startswith("tie_with") and w != "underflow"]
        if rw:
            ref_warn_pts.append((p.get("_id"), cat, rw))
        if engine is None:
            st["pass"] += 1
            n_pass += 1
            continue
        c = compare(p, ref, eng, err)
        for (fld, *_r) in c.fails:
            field_fail[field_group(fld)] += 1
        for (fld, *_r) in c.warns:
            field_warn[field_group(fld)] += 1
        if c.warns:
            st["warn"] += 1
        if c.fails:
            st["fail"] += 1
            n_fail += 1
            if args.verbose:
                print("MISMATCH id=%s cat=%s" % (p.get("_id"), cat))
                print("  cmd: %s" % " ".join(engine_cmd("$PLATSWEEP", params_of(p))))
                for (fld, r, e, tol) in c.fails:
                    print("  %-16s ref=%-26r eng=%-26r tol=%s" % (fld, r, e, tol))
                for (fld, r, e, tol) in c.warns:
                    print("  (soft) %-9s ref=%-26r eng=%-26r" % (fld, r, e))
                if ref.get("_warn"):
                    print("  ref diagnostics: %s" % ref["_warn"])
        else:
            st["pass"] += 1
            n_pass += 1
            if args.verbose and c.warns:
                print("SOFT id=%s cat=%s: %s" % (p.get("_id"), cat,
                                                  ", ".join("%s ref=%r eng=%r" % (f, r, e) for (f, r, e, _t) in c.warns)))

    print()
    print("%-16s %6s %6s %6s %6s   %s" % ("category", "points", "pass", "fail", "soft", "reference status_opt counts"))
    for cat, st in cats.items():
        sts = " ".join("%s:%d" % (STATUS_NAMES.get(k, k), v) for k, v in sorted(st["status"].items(), key=lambda x: str(x[0])))
        print("%-16s %6d %6d %6d %6d   %s" % (cat, st["n"], st["pass"], st["fail"], st["warn"], sts))
    if field_fail:
        print("failures by field: " + ", ".join("%s:%d" % kv for kv in sorted(field_fail.items(), key=lambda x: -x[1])))
    if field_warn:
        print("soft differences by field: " + ", ".join("%s:%d" % kv for kv in sorted(field_warn.items(), key=lambda x: -x[1])))
    if ref_warn_pts:
        print("reference self-check diagnostics on %d points:" % len(ref_warn_pts))
        for (i, cat, w) in ref_warn_pts[:30]:
            print("  id=%s cat=%s %s" % (i, cat, w))
    npts = max(1, len(results))
    print("wall %.1f s; reference %.3f s/point (CPU-sum); engine %.3f s/point" % (wall, tref_tot / npts, teng_tot / npts))
    print("%d passed, %d failed" % (n_pass, n_fail))
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
