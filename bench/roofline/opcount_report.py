#!/usr/bin/env python3
"""The report of bench/roofline/opcount.sh: operations per point and the share of the ceiling.

Reads what opcount.sh left in --out (opcount_<pair>.txt, uprobe_<pair>.txt, kernels.md,
time_<pair>.txt; missing ones are skipped) and prints Markdown: per pair, the lane-evaluations
per point of every kernel, the operations they make per point, the ceiling time per point at
the peak rates of README.md (arithmetic and empirical), the measured time and the share; the
uprobe cross-check of the exp/log counts. No third-party modules.
"""
import argparse
import json
import math
import os
import re
import statistics

# Peak rates per core, lane-operations per ns (README.md, "Arithmetic ceilings" and "exp"/"log":
# medians of 5 run.sh runs; libmvec AVX-512 for exp and log, the library the engine calls).
PEAK = {"exp": 1.52, "log": 1.35, "div": 6.99, "fma": 55.13, "mul": 55.24, "add": 55.32,
        "muladd": 98.19}

FIELDS = ("exp", "log", "div", "fma", "mul", "add", "sel")


def ops(**kw):
    return {k: kw.get(k, 0) for k in FIELDS}


def plus(*ds):
    return {k: sum(d[k] for d in ds) for k in FIELDS}


def scale(d, x):
    return {k: d[k] * x for k in FIELDS}


# Op content of one lane-evaluation of each kernel: GCC 12.2 -O3 -march=native (AVX-512, 8
# lanes per zmm instruction), counted by loopops.py in the loop bodies of the bench build and
# checked against the C source (README.md, "Op content"); "sel" = compares, min/max, blends,
# and/xor (not charged: the FP pipes take them beside the arithmetic). Scalar kernels: the C
# source of eval()/finv() in src/model/family.c (one instruction per operation).
# psw_family_eval_batch with some outputs: a loop whose every trip does CORE, plus one block
# per requested output; with all four: its own loop (ALL).
EVAL_COND = {
    "logit": {"core": ops(exp=2, div=2, add=2, mul=1, sel=3),
              "F": ops(mul=1, sel=3), "Fp": ops(div=1, mul=2),
              "h": ops(add=1, div=1, mul=1, sel=4), "hp": ops()},
    "linear": {"core": ops(div=2, add=2, mul=1, sel=5),
               "F": ops(), "Fp": ops(sel=2), "h": ops(div=1), "hp": ops()},
}
EVAL_ALL = {"logit": ops(exp=2, div=4, add=3, mul=5, sel=10),
            "linear": ops(div=3, add=2, mul=1, sel=7)}
# + the fix-up scan after the vector loop: a scalar m/(M - m) per lane (vsubsd, vdivsd)
FINV_VEC = {"logit": ops(log=1, div=2, add=3, mul=2, sel=6)}
FINV_SCALAR = {"logit": ops(log=1, div=1, add=2, mul=1, sel=4),
               "linear": ops(div=3, add=2, sel=2)}          # u0, u1 and (m - alpha)/beta
FINV_END = {"logit": ops(sel=2), "linear": ops(div=2, add=1, sel=2)}  # u0, u1 only
SCALAR_EVAL = {"logit": ops(exp=2, div=4, add=3, mul=5, sel=10),
               "linear": ops(div=3, add=2, mul=1, sel=7)}
FP_SIDE = {"logit": SCALAR_EVAL["logit"],
           "linear": plus(SCALAR_EVAL["linear"], ops(div=2, add=1))}  # + u0, u1
SURPLUS = {"logit": ops(exp=1, log=1, div=1, add=2, mul=1),         # log1p counted as log
           "linear": ops(div=3, add=2, mul=3)}
PHI_NEWTON = ops(exp=1, log=1, div=2, add=11, mul=1, sel=16)
PHI_INIT = ops(log=1, div=1, add=2, sel=7)

MASK_BITS = ("F", "Fp", "h", "hp")


def lane_ns(o):
    """Ceiling time of one lane-evaluation at the peak rates (ns): exp, log and div add up;
    FMA/mul share two pipes, add/sub two others, both at most PEAK['muladd'] together."""
    arith = max((o["fma"] + o["mul"]) / PEAK["mul"], o["add"] / PEAK["add"],
                (o["fma"] + o["mul"] + o["add"]) / PEAK["muladd"])
    return o["exp"] / PEAK["exp"] + o["log"] / PEAK["log"] + o["div"] / PEAK["div"] + arith


def read_counts(path):
    c = {}
    if not os.path.exists(path):
        return None
    for line in open(path):
        m = re.match(r"opcount (\S+) (\S+) (\d+)$", line.strip())
        if m:
            c[(m.group(1), m.group(2))] = int(m.group(3))
    return c


def kernels_of(counts, kind, lanes_phi_init):
    """[(name, lane-evaluations, op content, empirical kernel name)] of one family kind."""
    rows = []
    get = lambda s: counts.get((kind, s), 0)
    for key, n in sorted(counts.items()):
        k, slot = key
        m = re.match(r"eval_batch\[(.*)\]$", slot)
        if k != kind or not m:
            continue
        outs = m.group(1).split(",") if m.group(1) else []
        if set(outs) == set(MASK_BITS):
            o, emp = EVAL_ALL[kind], "%s_eval_all" % kind
        else:
            o = plus(EVAL_COND[kind]["core"], *[EVAL_COND[kind][b] for b in outs])
            emp = "%s_eval_%s" % (kind, "".join(outs))
        rows.append(("eval_batch[%s]" % ",".join(outs), n, o, emp))
    if get("finv_batch_vec"):
        rows.append(("Finv_batch (vector loop)", get("finv_batch_vec"), FINV_VEC[kind],
                     "%s_Finv" % kind))
    n_end = get("Finv_end")
    if kind == "logit":
        n_scal = get("Finv") + get("finv_batch_scalar") - n_end
        if n_scal:
            rows.append(("Finv scalar (incl. batch fix-ups)", n_scal, FINV_SCALAR[kind],
                         "logit_scalar_Finv"))
    else:
        n_batch = get("finv_batch_scalar")
        n_direct = get("Finv")
        # the ends come from both routes; charge them to the batch loop (their main source)
        if n_batch:
            rows.append(("Finv_batch (scalar loop), inside", n_batch - n_end,
                         FINV_SCALAR[kind], "%s_Finv" % kind))
        if n_direct:
            rows.append(("Finv scalar", n_direct, FINV_SCALAR[kind], "%s_scalar_Finv" % kind))
    if n_end:
        rows.append(("Finv at an end", n_end, FINV_END[kind],
                     "%s_Finv" % kind if kind != "logit" else None))
    for slot, o, emp in (("F", SCALAR_EVAL[kind], "%s_scalar_F" % kind),
                         ("eval", SCALAR_EVAL[kind], "%s_scalar_eval" % kind),
                         ("Fp_side", FP_SIDE[kind], "%s_scalar_eval" % kind),
                         ("Fp_sup", SCALAR_EVAL[kind], "%s_scalar_eval" % kind),
                         ("surplus", SURPLUS[kind], "%s_scalar_eval" % kind)):
        if get(slot):
            rows.append(("scalar %s" % slot, get(slot), o, emp))
    if kind == "logit" and get("phi_newton"):
        rows.append(("phi_inv Newton lane-iteration", get("phi_newton"), PHI_NEWTON,
                     "phi_newton"))
        rows.append(("phi_inv start (derived: 2 x 64 lanes per batch)", lanes_phi_init,
                     PHI_INIT, "logit_Finv"))
    return rows


def fmt_ops(o):
    return ", ".join("%s %g" % (k, o[k]) for k in FIELDS if o[k]) or "-"


def read_kernels(path):
    ns = {}
    if os.path.exists(path):
        for line in open(path):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 3:
                try:
                    ns[cells[0]] = float(cells[2])
                except ValueError:
                    pass
    return ns


def read_times(path, points):
    if not os.path.exists(path):
        return None, ([], [])
    med, loads = [], []
    for line in open(path):
        if line.startswith("load"):
            loads.append(line.split(None, 1)[1].strip())
        elif line.startswith("{"):
            med.append(json.loads(line)["median_s"] / points * 1e9)
    return (statistics.median(med) if med else None), (med, loads)


def uprobe(path):
    ev = {}
    if os.path.exists(path):
        for line in open(path):
            f = line.strip().split(",")
            if len(f) > 2 and f[2].startswith("probe_"):
                ev[f[2].split(":")[1]] = int(f[0]) if f[0].isdigit() else None
    return ev


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="build/roofline")
    ap.add_argument("--pairs", default="logit:logit linear:linear")
    ap.add_argument("--points", type=int, default=20000)
    ap.add_argument("--uprobe-points", type=int, default=4000)
    a = ap.parse_args()
    kern = read_kernels(os.path.join(a.out, "kernels.md"))
    print("Peak rates (lane-ops per ns, one core): " +
          ", ".join("%s %g" % kv for kv in PEAK.items()))
    for pair in a.pairs.split():
        tag = pair.replace(":", "_")
        kinds = pair.split(":")
        counts = read_counts(os.path.join(a.out, "opcount_%s.txt" % tag))
        print("\n## %s" % pair)
        if counts is None:
            print("(no counts: run the count step)")
            continue
        runs = 2  # the warm-up and --repeat 1
        per = runs * a.points
        batches = math.ceil(a.points / 64)
        phi_init = 2 * 64 * batches * runs if kinds[0] == "logit" else 0
        rows = []
        for kind in dict.fromkeys(kinds):  # both sides share a kind's counters
            rows += [(kind,) + r for r in kernels_of(counts, kind, phi_init if kind == "logit" else 0)]
        print("\nPer point: lane-evaluations counted over the warm-up and one repeat of %d points "
              "(/ %d), the op content of one lane-evaluation, the ceiling time of one at the "
              "peak rates, and per point.\n" % (a.points, per))
        print("| family | kernel | lane-evals / point | ops per lane-eval | ceiling ns / lane-eval "
              "| ceiling ns / point | kernels.c ns / lane-eval | kernels.c ns / point |")
        print("|---|---|---:|---|---:|---:|---:|---:|")
        tot = ops()
        t_ceil = t_emp = 0.0
        emp_ok = True
        for kind, name, n, o, emp in rows:
            lp = n / per
            tl = lane_ns(o)
            e = kern.get(emp) if emp else 0.0
            if e is None:
                emp_ok = False
            tot = plus(tot, scale(o, lp))
            t_ceil += lp * tl
            t_emp += lp * (e or 0.0)
            print("| %s | %s | %.2f | %s | %.3f | %.1f | %s | %s |" % (
                kind, name, lp, fmt_ops(o), tl, lp * tl,
                "%.3f" % e if e is not None else "?", "%.1f" % (lp * e) if e is not None else "?"))
        print("| | **total** | | | | **%.1f** | | **%s** |" % (
            t_ceil, "%.1f" % t_emp if emp_ok and kern else "?"))
        print("\nOperations per point: " + ", ".join("%s %.1f" % (k, tot[k]) for k in FIELDS))
        arith = max((tot["fma"] + tot["mul"]) / PEAK["mul"], tot["add"] / PEAK["add"],
                    (tot["fma"] + tot["mul"] + tot["add"]) / PEAK["muladd"])
        print("\nCeiling time per point = %.1f exp / %.2f + %.1f log / %.2f + %.1f div / %.2f + "
              "max((%.1f fma + %.1f mul) / %.2f, %.1f add / %.2f, all three / %.2f) = "
              "%.1f + %.1f + %.1f + %.1f = %.1f ns" % (
                  tot["exp"], PEAK["exp"], tot["log"], PEAK["log"], tot["div"], PEAK["div"],
                  tot["fma"], tot["mul"], PEAK["mul"], tot["add"], PEAK["add"], PEAK["muladd"],
                  tot["exp"] / PEAK["exp"], tot["log"] / PEAK["log"], tot["div"] / PEAK["div"],
                  arith, t_ceil))
        med, (meds, loads) = read_times(os.path.join(a.out, "time_%s.txt" % tag), a.points)
        if med:
            print("\nMeasured (bench build, --threads 1 --repeat 5, median of %d runs): %.1f ns per "
                  "point (%.0f points/s); runs: %s ns; load averages: %s" % (
                      len(meds), med, 1e9 / med, ", ".join("%.0f" % m for m in meds),
                      "; ".join(loads)))
            print("\n**Share of the arithmetic ceiling: %.1f / %.1f = %.1f%%**" % (
                t_ceil, med, 100 * t_ceil / med))
            if emp_ok and kern:
                print("\nShare of the kernels' own empirical ceiling (kernels.c): %.1f / %.1f = "
                      "%.1f%%" % (t_emp, med, 100 * t_emp / med))
        ev = uprobe(os.path.join(a.out, "uprobe_%s.txt" % tag))
        uc = read_counts(os.path.join(a.out, "uprobe_%s.txt" % tag))
        if ev and uc:
            up_runs, npts = 2, a.uprobe_points
            b = math.ceil(npts / 64)
            urows = []
            for kind in dict.fromkeys(kinds):
                urows += kernels_of(uc, kind, 2 * 64 * b * up_runs if kind == "logit" else 0)
            vexp = sum(n * o["exp"] for name, n, o, _ in urows if "scalar" not in name)
            vlog = sum(n * o["log"] for name, n, o, _ in urows
                       if "scalar" not in name and "end" not in name)
            sexp = sum(n * o["exp"] for name, n, o, _ in urows if "scalar" in name)
            slog = sum(n * o["log"] for name, n, o, _ in urows if "scalar" in name)
            sample_exp = 4 * npts  # psw_point_sample: 4 log-uniform draws per point
            print("\nUprobe cross-check (%d points, warm-up + 1 repeat; exact call counts):\n" % npts)
            print("| function | uprobe calls | x lanes | predicted from the counters | difference |")
            print("|---|---:|---:|---:|---:|")
            for fn, lanes, pred in (("_ZGVeN8v_exp_skx", 8, vexp), ("_ZGVeN8v_log_skx", 8, vlog),
                                    ("exp (scalar)", 1, sexp + sample_exp),
                                    ("log (scalar)", 1, slog)):
                key = {"exp (scalar)": "sexp", "log (scalar)": "slog"}.get(fn, fn)
                got = ev.get(key)
                if got is None:
                    continue
                print("| %s | %d | %d | %d | %+d |" % (fn, got, got * lanes, pred,
                                                      got * lanes - pred))
            print("\n(scalar exp predicted: 2 per scalar eval + 4 per sampled point; scalar log: 1 "
                  "per scalar Finv off the ends; the vector log's own fallback to the scalar log on "
                  "lanes whose argument is 0 or subnormal shows up in the scalar log row)")


if __name__ == "__main__":
    main()
