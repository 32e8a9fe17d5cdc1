#!/usr/bin/env bash
# Install Debian's build dependencies (when missing), build iommusim, and boot
# the reference machine (QEMU virt + SMMUv3 with a root port, a PCI bridge and
# virtio devices) to show it works.
set -euo pipefail
cd "$(dirname "$0")"
pkgs=$(sed 's/#.*//' debian-packages)  # the one list, shared with .ci/run
missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
./build/iommusim boot -M virt,iommu=smmuv3,gic-version=3 \
  -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1 \
  -device virtio-blk-pci,bus=rp1,drive=d0 \
  -drive if=none,id=d0,file=/dev/null,format=raw,readonly=on \
  -device pci-bridge,id=br1,bus=pcie.0,chassis_nr=2 \
  -device virtio-net-pci,bus=br1,addr=1,netdev=n0 -netdev user,id=n0 \
  -device virtio-rng-pci,bus=br1,addr=2 -device virtio-rng-pci,bus=pcie.0
