#!/usr/bin/env bash
# iommusim verify's own behaviour, without QEMU: a stand-in oracle (fake_oracle/run)
# answers as oracle/run would, so agreement, a difference, QEMU refusing the
# arguments, a guest that times out, and an oracle not set up are all checked.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
fails=0 total=0
check() {	# check NAME WANT_RC WANT_TEXT -- command...
	local name=$1 want_rc=$2 want=$3 out rc
	shift 4
	total=$((total + 1))
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want_rc" ] || ! grep -qF -- "$want" <<<"$out"; then
		echo "FAIL $name: exit $rc (want $want_rc), output:"
		echo "$out"
		echo "(wanted a line with: $want)"
		fails=$((fails + 1))
	else
		echo "ok $name"
	fi
}
args=(-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci)
export IOMMUSIM_ORACLE_DIR=$here/fake_oracle FAKE_ORACLE_BIN=$bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the stand-in replays what the model prints: they agree
FAKE_ORACLE=agree check agree 0 "" -- "$bin" verify "${args[@]}"
FAKE_ORACLE=differ check differ 1 "+0000:00:01.0 vendor=0x1af4" -- "$bin" verify "${args[@]}"
FAKE_ORACLE=differ check differ_label 1 "--- linux/summary" -- "$bin" verify "${args[@]}"
FAKE_ORACLE=refuse check qemu_refuses 2 "qemu-system-aarch64: -device foo: 'foo' is not a valid device model name" -- "$bin" verify "${args[@]}"
FAKE_ORACLE=timeout check timeout 3 "the guest did not finish" -- "$bin" verify --timeout 1 "${args[@]}"
# the real oracle/run, with an empty cache
IOMMUSIM_ORACLE_DIR=$here/../../oracle IOMMUSIM_ORACLE_CACHE=$(mktemp -d) \
	check not_set_up 2 "is not set up" -- "$bin" verify "${args[@]}"
check bad_stack 2 "unknown stack 'new'" -- "$bin" verify --stack new "${args[@]}"
check no_file 2 "--linux-output /nonexistent" -- "$bin" verify --linux-output /nonexistent "${args[@]}"
printf '@@iommusim summary\n' > "$tmp/partial.linux"
check partial 2 "a section is missing" -- "$bin" verify --linux-output "$tmp/partial.linux" "${args[@]}"
# what the fake oracle printed for the same machine, as a corpus file
FAKE_ORACLE=agree "$here/fake_oracle/run" -- "${args[@]}" -cpu cortex-a57 -smp 2 -m 1024 > "$tmp/agree.linux"
check file_agrees 0 "" -- "$bin" verify --linux-output "$tmp/agree.linux" "${args[@]}"
check bad_model_args 2 "iommusim: -device nope: 'nope' is not a valid device model name" -- \
	"$bin" verify --linux-output "$tmp/agree.linux" -M virt -device nope
# --kconfig: the model boots with it; the oracle's kernel cannot, so a file is needed
check kconfig_needs_file 2 "--kconfig needs --linux-output" -- \
	"$bin" verify --kconfig DEBUG_TEST_DRIVER_REMOVE=y "${args[@]}"
check kconfig_file_agrees 0 "" -- "$bin" verify --linux-output "$tmp/agree.linux" \
	--kconfig DEBUG_TEST_DRIVER_REMOVE=y "${args[@]}"
check kconfig_unknown 2 "--kconfig: unknown option FOO;" -- \
	"$bin" verify --linux-output "$tmp/agree.linux" --kconfig FOO=y "${args[@]}"
check kconfig_missing_value 2 "verify: --kconfig needs an argument" -- "$bin" verify "${args[@]}" --kconfig
printf 'echo x > /sys/nope\n' > "$tmp/s"
FAKE_ORACLE=agree check script_agrees 0 "" -- "$bin" verify --script "$tmp/s" "${args[@]}"
check missing_script 2 "--script /nonexistent" -- "$bin" verify --script /nonexistent "${args[@]}"
echo "$(( total - fails )) passed, $fails failed"
[ $fails = 0 ]
