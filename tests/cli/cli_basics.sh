#!/usr/bin/env bash
# The command line: --help everywhere, usage errors (exit 64, one line), JSON keys.
set -u
P=${PLATSWEEP:?}
PY=${PYTHON:-/usr/bin/python3}
fails=0
check() { # check NAME EXPECTED_RC CMD...
  local name=$1 want=$2; shift 2
  "$@" >out.txt 2>err.txt
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, want $want"; cat out.txt err.txt; fails=$((fails + 1)); return
  fi
  if [ "$want" -ne 0 ] && [ "$(wc -l <err.txt)" -ne 1 ]; then
    echo "FAIL $name: want exactly one line on stderr, got:"; cat err.txt; fails=$((fails + 1)); return
  fi
  echo "ok   $name"
}

check help 0 "$P" --help
grep -q "point" out.txt || { echo "FAIL help lists no point"; fails=$((fails + 1)); }
check point-help 0 "$P" point --help
check solvers-help 0 "$P" solvers --help
check bench-help 0 "$P" bench --help
check version 0 "$P" --version
grep -q "^platsweep [0-9]" out.txt || { echo "FAIL version line"; fails=$((fails + 1)); }
check no-command 64 "$P"
check bad-command 64 "$P" frobnicate
check unknown-key 64 "$P" point a=1 b=1 c=0 d=0 customers.sigma=1
grep -q "the logit family takes mu, s, M ('sigma' belongs to probit" err.txt || { echo "FAIL no suggestion: $(cat err.txt)"; fails=$((fails + 1)); }
check typo-key 64 "$P" point a=1 b=1 c=0 d=0 customers.muu=1
grep -q "did you mean 'customers.mu'" err.txt || { echo "FAIL no suggestion: $(cat err.txt)"; fails=$((fails + 1)); }
check bad-number 64 "$P" point a=one b=1 c=0 d=0
check missing-required 64 "$P" point a=1 b=1 c=0
check bad-family 64 "$P" point a=1 b=1 c=0 d=0 customers.family=cauchy
check bad-problem 64 "$P" point a=1 b=1 c=0 d=0 --problems welfare
check bad-solver 64 "$P" point a=1 b=1 c=0 d=0 --solver optimum=magic
grep -q "valid: newton" err.txt || { echo "FAIL solver list: $(cat err.txt)"; fails=$((fails + 1)); }
check eq-needs-fees 64 "$P" point a=1 b=1 c=0 d=0 --problems equilibrium
check not-kv 64 "$P" point a=1 b

# An invalid point is data: status 5, exit 0.
check invalid-point 0 "$P" point a=1 b=1 c=0 d=0 customers.s=-1 --json
"$PY" -c 'import json,sys; d=json.load(open("out.txt")); assert d["status_opt"] == 5, d; assert d["f_opt"] is None' ||
  { echo "FAIL invalid point JSON"; fails=$((fails + 1)); }

# JSON has exactly SPEC §5's names, and the values are consistent.
check json 0 "$P" point a=0.5 b=3 c=0.5 d=0.5 f=0.2 g=0.1 customers.s=0.2 --problems optimum,equilibrium --json
"$PY" - <<'PYEOF' || { echo "FAIL json content"; fails=$((fails + 1)); }
import json
d = json.load(open("out.txt"))
opt = "f_opt g_opt m_opt n_opt U_opt V_opt P_opt status_opt side_m side_n soc_q1 soc_q h_m h_n below_cost_m below_cost_n eq_stable_opt eq_det_opt n_eq_opt iter_optimum".split()
eq = "status_eq eq_count eq_m eq_n eq_U eq_V eq_det eq_stable iter_equilibrium".split()
assert set(d) == set(opt + eq), sorted(set(d) ^ set(opt + eq))
assert d["status_opt"] == 0 and d["below_cost_m"] == 1 and d["f_opt"] < 0.5
assert abs(d["P_opt"] - (d["m_opt"] * (d["f_opt"] - 0.5) + d["n_opt"] * (d["g_opt"] - 0.5))) < 1e-12
assert d["eq_count"] == len(d["eq_m"]) == len(d["eq_stable"]) >= 1
PYEOF

# The reference and the default variant agree on this point.
"$P" point a=0.5 b=3 c=0.5 d=0.5 customers.s=0.2 --json >fast.json
"$P" point a=0.5 b=3 c=0.5 d=0.5 customers.s=0.2 --json --solver optimum=reference >ref.json
"$PY" -c '
import json
a, b = json.load(open("fast.json")), json.load(open("ref.json"))
for k in "f_opt g_opt m_opt n_opt P_opt".split():
    assert abs(a[k] - b[k]) <= 1e-10 * max(abs(a[k]), abs(b[k])) + 1e-14, (k, a[k], b[k])
' || { echo "FAIL fast vs reference"; fails=$((fails + 1)); }

check solvers 0 "$P" solvers
for v in newton bracket reference fixed_point; do
  grep -q "^$v " out.txt || { echo "FAIL solvers lacks $v"; fails=$((fails + 1)); }
done
check bench-small 0 "$P" bench --points 64 --repeat 1 --pairs logit:logit --json
"$PY" -c 'import json; rows=[json.loads(l) for l in open("out.txt")]; assert len(rows) >= 3 and all(r["points_per_s"] > 0 for r in rows)' ||
  { echo "FAIL bench json"; fails=$((fails + 1)); }
"$PY" -c 'import json; r=json.loads(open("out.txt").readline()); assert r["cpu"] and "-std=c17" in r["cflags"] and 0 <= r["escalated_share"] <= 1, r' ||
  { echo "FAIL bench json provenance"; fails=$((fails + 1)); }
check bench-check 0 "$P" bench --points 64 --repeat 1 --pairs logit:logit,linear:linear --solvers newton --json
"$PY" -c 'import json; rows=[json.loads(l) for l in open("out.txt")]; assert len(rows) == 2 and all(r["checked"] == 64 and r["diff"] == 0 and 0 <= r["max_err"] <= 1e-10 for r in rows), rows' ||
  { echo "FAIL bench max_err against the reference"; fails=$((fails + 1)); }
check bench-nocheck 0 "$P" bench --points 16 --repeat 1 --pairs logit:logit --solvers newton --check 0 --json
"$PY" -c 'import json; r=json.loads(open("out.txt").readline()); assert r["checked"] == 0 and r["max_err"] is None, r' ||
  { echo "FAIL bench --check 0"; fails=$((fails + 1)); }
check bench-check-bad 64 "$P" bench --check -1
check bench-dump 0 "$P" bench --points 50 --repeat 1 --pairs logit:logit --solvers newton,reference --dump dump.csv
"$PY" - <<'PYEOF' || { echo "FAIL bench dump"; fails=$((fails + 1)); }
import csv
rows = list(csv.DictReader(open("dump.csv")))
assert len(rows) == 100, len(rows)                       # 2 variants x 50 points
new = {r["index"]: r for r in rows if r["variant"] == "newton"}
ref = {r["index"]: r for r in rows if r["variant"] == "reference"}
assert set(new) == set(ref) == {str(i) for i in range(50)}
for i, a in new.items():                                  # same points, same answers
    b = ref[i]
    assert a["a"] == b["a"] and a["prov_p1"] == b["prov_p1"]
    assert a["status"] == b["status"] and a["n_eq"] == b["n_eq"], (a, b)
    assert abs(float(a["f"]) - float(b["f"])) <= 1e-9 * (1 + abs(float(b["f"]))), (a["f"], b["f"])
PYEOF
check bench-dump-uncreatable 73 "$P" bench --points 8 --repeat 1 --pairs logit:logit --dump /nonexistent/dir/d.csv

echo "$((fails == 0 ? 1 : 0)) passed, $fails failed" >/dev/null
[ "$fails" -eq 0 ] && echo "cli_basics: all passed" || echo "cli_basics: $fails failed"
exit $((fails > 0))
