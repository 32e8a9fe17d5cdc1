#!/bin/bash
# Build oracle/iommufd/NAME_probe.c for the arm64 guest and run it on the
# oracle's iommufd kernel (oracle/setup --stack modern builds it) on QEMU 10.0:
#   oracle/iommufd/run_probe.sh [NAME] [LINUX_7_3_TREE]
# NAME: ioas (the default) or device (a virtio-net-pci behind a root port,
# bound to vfio-pci before the probe runs). Prints the probe's lines (the
# script section of oracle/run's output).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=ioas
if [ $# -gt 0 ] && [ -f "$here/$1_probe.c" ]; then
	name=$1
	shift
fi
tree=${1:-$HOME/.cache/iommusim/oracle/modern/linux-source-7.3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inc/linux"
cp "$tree/include/uapi/linux/iommufd.h" "$work/inc/linux/"
qemu=(-M virt,iommu=smmuv3,gic-version=3 -nic none)
setup=()
if [ "$name" = device ]; then
	# the 7.3 <linux/vfio.h> (Debian 12's lacks the cdev ioctls) ahead of the system's
	cp "$tree/include/uapi/linux/vfio.h" "$work/inc/linux/"
	qemu+=(-device pcie-root-port,id=rp1,chassis=1 -device virtio-net-pci,bus=rp1)
	setup=("echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override"
	       "echo 0000:01:00.0 > /sys/bus/pci/drivers/virtio-pci/unbind"
	       "echo 0000:01:00.0 > /sys/bus/pci/drivers_probe")
fi
# -I: the 7.3 headers win over the system's for the files copied (vfio.h); the rest stay the system's.
# A source tree's header, not an installed one: __user and __counted_by as headers_install leaves them.
aarch64-linux-gnu-gcc -static -O2 -Wall -I "$work/inc" -D__user= '-D__counted_by(m)=' \
	-o "$work/probe" "$here/${name}_probe.c"
gzip -9 "$work/probe"
{
	for line in "${setup[@]}"; do echo "$line"; done
	echo "base64 -d > /tmp/probe.gz <<'B64EOF'"
	base64 "$work/probe.gz"
	echo "B64EOF"
	echo "gunzip /tmp/probe.gz; chmod +x /tmp/probe; /tmp/probe"
} > "$work/script"
"$here/../run" --stack modern --kernel iommufd --script "$work/script" -- "${qemu[@]}" |
	sed -n '/^@@iommusim script/,/^@@iommusim dmesg/p' | sed '1d;$d'
