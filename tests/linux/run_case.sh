#!/usr/bin/env bash
# One case of the real-Linux corpus: iommusim verify against NAME.linux (what
# real Linux printed for NAME.args, NAME.script, NAME.dts). A case listed in
# KNOWN-DIFFERENCES must still differ (or still be refused by the model);
# any other case must agree.
#
# run_case.sh BIN tests/linux/NAME [linux-V_qemu-Q]: with the third argument,
# the expectation is linux-V_qemu-Q/NAME.linux (what Linux V printed on QEMU
# Q for the same NAME.args), the model answers as that pairing, and the
# known differences are linux-V_qemu-Q/KNOWN-DIFFERENCES.
#
# A case with a NAME.kernel (tests/linux/iommufd/NAME) was written by that
# oracle kernel (iommufd, iommufd-canwbs): verify --kernel answers as it and
# compares the summary and the script; its folder keeps its .linux and
# KNOWN-DIFFERENCES.
set -u
bin=$1 base=$2 stack=${3:-}
dir=$(dirname "$base") name=$(basename "$base")
cd "$dir" || exit 2
mapfile -t args < "$name.args"
extra=()
[ -f "$name.script" ] && extra+=(--script "$name.script")
[ -f "$name.dts" ] && extra+=(--dts "$name.dts")
[ -f "$name.kernel" ] && extra+=(--kernel "$(cat "$name.kernel")")
expect=$name.linux known=KNOWN-DIFFERENCES
if [ -n "$stack" ]; then
	[[ $stack =~ ^linux-([0-9.]+)_qemu-([0-9.]+)$ ]] || { echo "not a stack folder: $stack"; exit 2; }
	extra+=(--linux "${BASH_REMATCH[1]}" --qemu "${BASH_REMATCH[2]}")
	expect=$stack/$name.linux known=$stack/KNOWN-DIFFERENCES
fi
out=$("$bin" verify --linux-output "$expect" "${extra[@]}" "${args[@]}" 2>&1)
rc=$?
reason=$(sed -n "s/^$name: //p" "$known")
case $rc in
0)
	if [ -n "$reason" ]; then
		echo "$name now agrees with real Linux: remove it from tests/linux/$known ($reason)"
		exit 1
	fi
	exit 0 ;;
1)
	echo "$out"
	if [ -n "$reason" ]; then
		echo "known difference: $reason"
		exit 0
	fi
	echo "$name differs from real Linux (tests/linux/$expect)"
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
