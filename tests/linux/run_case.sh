#!/usr/bin/env bash
# One case of the real-Linux corpus: iommusim verify against NAME.linux (what
# real Linux printed for NAME.args, NAME.script, NAME.dts). A case listed in
# KNOWN-DIFFERENCES must still differ (or still be refused by the model);
# any other case must agree.
set -u
bin=$1 base=$2
dir=$(dirname "$base") name=$(basename "$base")
cd "$dir" || exit 2
mapfile -t args < "$name.args"
extra=()
[ -f "$name.script" ] && extra+=(--script "$name.script")
[ -f "$name.dts" ] && extra+=(--dts "$name.dts")
out=$("$bin" verify --linux-output "$name.linux" "${extra[@]}" "${args[@]}" 2>&1)
rc=$?
reason=$(sed -n "s/^$name: //p" KNOWN-DIFFERENCES)
case $rc in
0)
	if [ -n "$reason" ]; then
		echo "$name now agrees with real Linux: remove it from tests/linux/KNOWN-DIFFERENCES ($reason)"
		exit 1
	fi
	exit 0 ;;
1)
	echo "$out"
	if [ -n "$reason" ]; then
		echo "known difference: $reason"
		exit 0
	fi
	echo "$name differs from real Linux (tests/linux/$name.linux)"
	exit 1 ;;
2)
	# the model refused a command line real QEMU booted: a difference too
	echo "$out"
	if [ -n "$reason" ]; then
		echo "known difference (the model refuses the command line): $reason"
		exit 0
	fi
	echo "iommusim verify failed (exit status $rc): the model refuses what real QEMU booted"
	exit 1 ;;
*)
	echo "$out"
	echo "iommusim verify failed (exit status $rc)"
	exit 1 ;;
esac
