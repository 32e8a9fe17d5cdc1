#!/usr/bin/env bash
# Golden scenario: <base>.args holds the iommusim arguments (one per line),
# <base>.script the optional script it runs, <base>.expected the exact stdout,
# <base>.stderr the exact stderr (no such file: stderr must be empty), <base>.rc
# the exit status (no such file: 0). Each stream is compared on its own and byte
# for byte, so a line moved to the other stream or an extra blank line fails.
set -u
bin=$1 base=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mapfile -t args < "$base.args" || exit 2
cd "$(dirname "$base")" || exit 2
script=()
[ -f "$base.script" ] && script=(--script "$base.script")
"$bin" "${args[@]}" "${script[@]}" >"$tmp/stdout" 2>"$tmp/stderr"; rc=$?

want_rc=0
[ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
want_err=/dev/null
[ -f "$base.stderr" ] && want_err=$base.stderr

fail=0
if [ "$rc" != "$want_rc" ]; then
  echo "exit status $rc, expected $want_rc"; fail=1
fi
# cmp decides (diff alone would not say "byte for byte"); diff shows where.
for s in stdout:"$base.expected" stderr:"$want_err"; do
  stream=${s%%:*} want=${s#*:}
  if ! cmp -s "$want" "$tmp/$stream"; then
    echo "$stream differs from $want:"
    diff -a -u --label "$want" --label "$stream" "$want" "$tmp/$stream"
    fail=1
  fi
done
exit $fail
