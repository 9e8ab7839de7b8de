#!/usr/bin/env bash
# Installs what the peer benchmarks in ../shared/peers need: Debian's python3-torch and numpy, and the OpenMP
# build of OpenBLAS (Debian's torch alone links the netlib reference BLAS, 35-80x slower). Idempotent.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
/usr/bin/python3 -c 'import torch' 2>/dev/null || need+=(python3-torch)
[ -d /usr/lib/x86_64-linux-gnu/openblas-openmp ] || need+=(libopenblas0-openmp)
command -v gcc >/dev/null || need+=(gcc)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "limbic: installing peer benchmark packages: ${need[*]} (one-time)" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "limbic: need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
