#!/usr/bin/env bash
# README's first command: install what is missing, build, and show platsweep on the
# paper's examples (Kijima & Arai 2016, Propositions 1 and 2).
# Sweeps, the .nc file and the PNG phase diagram arrive with the sweep engine (issue #3);
# until then the demo solves single points.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default >/dev/null
P=build/default/platsweep

echo "== platsweep $($P --version | head -1)"
echo
echo "== Proposition 1: customers are charged below cost (f* < c) when the external"
echo "   benefit b n* they bring to providers exceeds their markup F/F'"
echo "\$ platsweep point a=0.5 b=3 c=0.5 d=0.5 customers.s=0.2 providers.s=1"
$P point a=0.5 b=3 c=0.5 d=0.5 customers.s=0.2 providers.s=1
echo
echo "== Proposition 2: the side whose participation responds more (larger F'/F) pays"
echo "   the smaller markup; swapping the sides' spreads swaps the markups"
for s in "customers.s=0.5 providers.s=1" "customers.s=1 providers.s=0.5"; do
  echo "\$ platsweep point a=1 b=1 c=0.5 d=0.5 $s"
  $P point a=1 b=1 c=0.5 d=0.5 $s | sed -n '5,6p;12,13p;15,16p'
done
echo
echo "== Chicken and egg: three participation equilibria at the same fees"
echo "\$ platsweep point a=3 b=3 c=0 d=0 f=1.5 g=1.5 customers.s=0.5 providers.s=0.5 --problems equilibrium"
$P point a=3 b=3 c=0 d=0 f=1.5 g=1.5 customers.s=0.5 providers.s=0.5 --problems equilibrium
echo
echo "demo: done. The binary is $P; try '$P --help'."
