#!/bin/bash
# Build oracle/iommufd/viommu_probe.c for the arm64 guest and run it on the
# oracle's iommufd-canwbs kernel (arm_smmu_master_canwbs() true, so that
# IOMMU_VIOMMU_ALLOC works on QEMU 10.0) with 0000:01:00.0 bound to vfio-pci:
#   oracle/iommufd/run_viommu_probe.sh [LINUX_7_3_TREE] > oracle/iommufd/viommu_probe.expected
# Prints the probe's lines (the script section of oracle/run's output).
# (run_probe.sh's steps, for the iommufd-canwbs kernel and this probe.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:-$HOME/.cache/iommusim/oracle/modern/linux-source-7.3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inc/linux"
cp "$tree/include/uapi/linux/iommufd.h" "$tree/include/uapi/linux/vfio.h" "$work/inc/linux/"
qemu=(-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1
      -device virtio-net-pci,bus=rp1)
aarch64-linux-gnu-gcc -static -O2 -Wall -I "$work/inc" -D__user= '-D__counted_by(m)=' \
	-o "$work/probe" "$here/viommu_probe.c"
gzip -9 "$work/probe"
{
	echo "echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override"
	echo "echo 0000:01:00.0 > /sys/bus/pci/drivers/virtio-pci/unbind"
	echo "echo 0000:01:00.0 > /sys/bus/pci/drivers_probe"
	echo "base64 -d > /tmp/probe.gz <<'B64EOF'"
	base64 "$work/probe.gz"
	echo "B64EOF"
	echo "gunzip /tmp/probe.gz; chmod +x /tmp/probe; /tmp/probe"
} > "$work/script"
"$here/../run" --stack modern --kernel iommufd-canwbs --script "$work/script" -- "${qemu[@]}" |
	sed -n '/^@@iommusim script/,/^@@iommusim dmesg/p' | sed '1d;$d'
