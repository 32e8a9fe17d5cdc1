#!/bin/bash
# Build oracle/iommufd/ioas_probe.c for the arm64 guest and run it on the
# oracle's iommufd kernel (oracle/setup --stack modern builds it) on QEMU 10.0:
#   oracle/iommufd/run_probe.sh [LINUX_7_3_TREE]
# prints the probe's lines (the script section of oracle/run's output).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:-$HOME/.cache/iommusim/oracle/modern/linux-source-7.3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inc/linux"
cp "$tree/include/uapi/linux/iommufd.h" "$work/inc/linux/"
aarch64-linux-gnu-gcc -static -O2 -Wall -idirafter "$work/inc" -o "$work/probe" "$here/ioas_probe.c"
gzip -9 "$work/probe"
{
	echo "base64 -d > /tmp/probe.gz <<'B64EOF'"
	base64 "$work/probe.gz"
	echo "B64EOF"
	echo "gunzip /tmp/probe.gz; chmod +x /tmp/probe; /tmp/probe"
} > "$work/script"
"$here/../run" --stack modern --kernel iommufd --script "$work/script" -- \
	-M virt,iommu=smmuv3,gic-version=3 -nic none |
	sed -n '/^@@iommusim script/,/^@@iommusim dmesg/p' | sed '1d;$d'
