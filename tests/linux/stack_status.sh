#!/usr/bin/env bash
# How far the model agrees with one stack's corpus, without KNOWN-DIFFERENCES:
#   stack_status.sh BIN linux-V_qemu-Q [NAME...]
# prints "agree NAME" or "differ NAME" for each case (every case of the
# stack's folder when no NAME is given) and the totals; -q prints only them.
set -u
bin=$1 stack=$2
shift 2
quiet=
[ "${1:-}" = -q ] && { quiet=1; shift; }
here=$(cd "$(dirname "$0")" && pwd)
[[ $stack =~ ^linux-([0-9.]+)_qemu-([0-9.]+)$ ]] || { echo "not a stack folder: $stack" >&2; exit 2; }
lv=${BASH_REMATCH[1]} qv=${BASH_REMATCH[2]}
names=("$@")
[ ${#names[@]} -eq 0 ] && mapfile -t names < <(cd "$here/$stack" && ls *.linux | sed 's/\.linux$//')
one() {
	local name=$1 extra=()
	cd "$here" || exit 2
	mapfile -t args < "$name.args"
	[ -f "$name.script" ] && extra+=(--script "$name.script")
	[ -f "$name.dts" ] && extra+=(--dts "$name.dts")
	if "$bin" verify --linux-output "$stack/$name.linux" --linux "$lv" --qemu "$qv" "${extra[@]}" "${args[@]}" >/dev/null 2>&1
	then echo "agree $name"; else echo "differ $name"; fi
}
export -f one
export bin stack lv qv here
out=$(printf '%s\n' "${names[@]}" | xargs -P2 -I{} bash -c 'one {}' | sort -k2)
[ -z "$quiet" ] && echo "$out"
echo "$(grep -c '^agree' <<<"$out") agree, $(grep -c '^differ' <<<"$out") differ"
