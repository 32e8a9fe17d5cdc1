#!/bin/sh
# iommusim's -device help against real QEMU 7.2's, stored by oracle/regen-qemu-help.
#   check_help.sh IOMMUSIM DIR NAME
# NAME.help: -device NAME,help must print exactly the stored text.
# device-list: -device help must be QEMU's list with only the modelled types
# left, each under its category, in QEMU's order; each with a NAME.help.
bin=$1 dir=$2 name=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ "$name" != device-list ]; then
	"$bin" boot -device "$name,help" > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
	diff -u "$dir/$name.help" "$tmp/out"
	exit
fi
"$bin" boot -device help > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
# "Category devices:|name ..." for each device line
tag() { awk '/ devices:$/ { cat = $0; next } /^name / { print cat "|" $0 }' "$1"; }
tag "$dir/device-list.help" > "$tmp/qemu"
tag "$tmp/out" > "$tmp/ours"
[ -s "$tmp/ours" ] || { echo "no device listed"; exit 1; }
last=0 fail=0
while IFS= read -r l; do
	n=$(grep -nxF -- "$l" "$tmp/qemu" | cut -d: -f1 | head -1)
	if [ -z "$n" ]; then
		echo "not in QEMU's list: $l"; fail=1
	elif [ "$n" -le "$last" ]; then
		echo "out of QEMU's order: $l"; fail=1
	else
		last=$n
	fi
	t=$(echo "$l" | sed 's/^[^|]*|name "\([^"]*\)".*/\1/')
	[ -f "$dir/$t.help" ] || { echo "no $t.help: run oracle/regen-qemu-help $t"; fail=1; }
done < "$tmp/ours"
# the text itself: QEMU's layout (headers, blank lines) of those lines
awk -F'|' 'BEGIN { prev = "" } { if ($1 != prev) { if (prev != "") print ""; print $1; prev = $1 } print $2 }' \
	"$tmp/ours" > "$tmp/layout"
diff -u "$tmp/layout" "$tmp/out" || fail=1
exit $fail
