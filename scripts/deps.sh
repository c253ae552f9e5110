#!/usr/bin/env bash
# Install the Debian 12 packages that platsweep's build, tests and scripts need.
# Idempotent: does nothing (and prints nothing) when everything is already present.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git
  libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools zlib1g-dev libdeflate-dev
  libcyaml-dev libyaml-dev
  libcriterion-dev
  libgsl-dev
  valgrind
  netcdf-bin
  python3-numpy python3-scipy python3-mpmath
  python3-h5py python3-h5netcdf python3-xarray python3-netcdf4 python3-matplotlib
  slurm-wlm munge                # the ctest slurm.cluster: scripts/slurm/local-cluster.sh
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done" >&2
