#!/usr/bin/env bash
# bench/roofline/run.sh: build and run the roofline programs; prints Markdown on stdout.
#
#   bench/roofline/run.sh                 # from the repository root (or anywhere)
#   PEAK_ARGS="-r 7 -t 0.3" bench/roofline/run.sh
#
# Environment: CC (default cc), OUT (build directory, default build/roofline),
# PEAK_ARGS (extra arguments for peak: -s arith|math|all, -t SECONDS, -r REPEATS, -n SAMPLES).
# SLEEF (Debian: libsleef-dev) is optional: without it the SLEEF rows say "not installed".
# Takes about 1.5 minutes on the 2-core EPYC VM (one core busy).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
CC=${CC:-cc}
OUT=${OUT:-build/roofline}
PEAK_ARGS=${PEAK_ARGS:-}
mkdir -p "$OUT"

CFLAGS=(-std=c17 -O3 -march=native -fopenmp-simd
        -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
        -Wdouble-promotion)

# --- SLEEF present? (header and library must both work) ---------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/sleef_probe.c" <<'EOF'
#include <immintrin.h>
#include <sleef.h>
int main(void) { __m256d x = Sleef_expd4_u10avx2(_mm256_set1_pd(1.0)); return _mm256_cvtsd_f64(x) > 2.0 ? 0 : 1; }
EOF
sleef_def=() sleef_lib=() have_sleef=no have_sleef_gnuabi=no
if "$CC" -O1 -march=native "$tmp/sleef_probe.c" -o "$tmp/sleef_probe" -lsleef -lm >/dev/null 2>&1; then
    sleef_def=(-DPSW_HAVE_SLEEF) sleef_lib=(-lsleef) have_sleef=yes
fi
if [ "$have_sleef" = yes ] && "$CC" "${CFLAGS[@]}" "$here/simd_exp.c" -o "$tmp/gnuabi_probe" \
        -lsleefgnuabi -lm >/dev/null 2>&1; then
    have_sleef_gnuabi=yes
fi

# --- build ----------------------------------------------------------------------------------
peak_cmd=("$CC" "${CFLAGS[@]}" "${sleef_def[@]}" "$here/peak.c" -o "$OUT/peak" "${sleef_lib[@]}" -lm)
simd_cmd=("$CC" "${CFLAGS[@]}" "$here/simd_exp.c" -o "$OUT/simd_exp" -lm)
simd_sleef_cmd=("$CC" "${CFLAGS[@]}" "$here/simd_exp.c" -o "$OUT/simd_exp_sleef" -lsleefgnuabi -lm)
"${peak_cmd[@]}"
"${simd_cmd[@]}"
if [ "$have_sleef_gnuabi" = yes ]; then "${simd_sleef_cmd[@]}"; fi

# --- machine ----------------------------------------------------------------------------------
model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' \
        | grep -xE 'fma|avx2|avx512f|avx512dq|avx512vl|avx512bw|avx512cd|avx512ifma|avx512_bf16' \
        | tr '\n' ' ')
echo "## Roofline ceilings ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "- machine: ${model:-unknown}, $(nproc) CPUs, CPU family $(sed -n 's/^cpu family\t*: //p' /proc/cpuinfo | head -1) model $(sed -n 's/^model\t*: //p' /proc/cpuinfo | head -1); SIMD flags: ${flags:-none}"
echo "- compiler: $("$CC" --version | head -1); glibc $(ldd --version | head -1 | awk '{print $NF}'); SLEEF: $(
    if [ "$have_sleef" = yes ]; then dpkg-query -W -f='${Version}' libsleef-dev 2>/dev/null || echo present; else echo 'not installed'; fi)"
echo "- build: \`${peak_cmd[*]#"$root/"}\`"
echo "- load before: $(uptime | sed 's/.*load average/load average/')"
echo

# --- arithmetic and exp/log --------------------------------------------------------------------
# shellcheck disable=SC2086  # PEAK_ARGS is a list of words
"$OUT/peak" $PEAK_ARGS

# --- the omp simd route, with the objdump evidence ---------------------------------------------
echo "### exp/log from a \`#pragma omp simd\` loop without -ffast-math (simd_exp.c)"
echo
echo "Build: \`${simd_cmd[*]#"$root/"}\`. Calls in \`psw_vexp\` / \`psw_vlog\` (objdump -d):"
echo
echo '```'
objdump -d --no-show-raw-insn "$OUT/simd_exp" \
    | awk '/^[0-9a-f]+ <psw_v(exp|log)>:/{p=1; print; next} /^[0-9a-f]+ </{p=0} p && /call/' \
    | sed 's/^ *//'
echo '```'
echo
echo "| loop | rate per core (median) | accuracy check |"
echo "|---|---:|---|"
# shellcheck disable=SC2016  # the backquotes are Markdown, not expansions
"$OUT/simd_exp" | sed 's/^| `#pragma/| libmvec (-lm): `#pragma/'
if [ "$have_sleef_gnuabi" = yes ]; then
    # shellcheck disable=SC2016
    "$OUT/simd_exp_sleef" | sed 's/^| `#pragma/| SLEEF (-lsleefgnuabi -lm): `#pragma/'
else
    echo "| SLEEF (-lsleefgnuabi -lm) | not installed | |"
fi
echo

# --- reference check (optional: needs mpmath) ---------------------------------------------------
if /usr/bin/python3 -c 'import mpmath' >/dev/null 2>&1; then
    echo "Reference check (ref_check.py, 2 x 2000 arguments per function against mpmath):"
    echo
    for f in exp log; do
        echo "- $("$OUT/peak" --dump-ref "$f" 2000 | /usr/bin/python3 "$here/ref_check.py" "$f")"
    done
    echo
else
    echo "Reference check skipped (/usr/bin/python3 with mpmath not found)."
    echo
fi
echo "- load after: $(uptime | sed 's/.*load average/load average/')"
