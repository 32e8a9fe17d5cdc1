#!/usr/bin/env bash
# Golden scenario: <base>.args holds the iommusim arguments (one per line),
# <base>.script the optional script fed on stdin, <base>.expected the exact output.
set -u
bin=$1 base=$2
mapfile -t args < "$base.args"
cd "$(dirname "$base")" || exit 2
if [ -f "$base.script" ]; then
  out=$("$bin" "${args[@]}" --script "$base.script" 2>&1); rc=$?
else
  out=$("$bin" "${args[@]}" 2>&1); rc=$?
fi
want_rc=0
[ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
if [ "$rc" != "$want_rc" ]; then
  echo "exit status $rc, expected $want_rc"; echo "$out"; exit 1
fi
diff -u "$base.expected" <(printf '%s\n' "$out") || exit 1
