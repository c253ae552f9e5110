#!/usr/bin/env bash
# README's first command: install what is missing, build, run the quickstart sweep
# (optimal fees and participation equilibria over the cross-side benefits a and b),
# write a netCDF-4 file and draw its phase diagram as a PNG.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default >/dev/null
P=$PWD/build/default/platsweep
OUT=${DEMO_OUT:-$PWD/demo}
mkdir -p "$OUT"

echo "== platsweep $($P --version | head -1 | cut -d' ' -f2-)"
echo
echo "== The plan of the quickstart sweep"
$P plan configs/quickstart.yaml
echo
echo "== The sweep"
$P run configs/quickstart.yaml -o "$OUT/quickstart.nc" --overwrite
echo
echo "== The phase diagram"
/usr/bin/python3 scripts/plot.py "$OUT/quickstart.nc" --out "$OUT/quickstart.png" >/dev/null
echo
echo "== One point: Proposition 1 (customers charged below cost)"
$P point a=0.5 b=3 c=0.5 d=0.5 customers.s=0.2 providers.s=1 | sed -n '5,6p;13,14p'
echo
echo "demo: wrote $OUT/quickstart.nc"
echo "demo: wrote $OUT/quickstart.png"
echo "demo: open it with: /usr/bin/python3 -c \"import xarray as xr; print(xr.open_dataset('$OUT/quickstart.nc'))\""
