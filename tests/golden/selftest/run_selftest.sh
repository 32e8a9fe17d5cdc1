#!/usr/bin/env bash
# The golden runner's own test: run_golden.sh must pass pass_*, and fail every
# fail_* (a case whose output differs from its files in one way only) with
# the complaint in fail_*.why, so a golden cannot pass while the output differs.
# The cases live here, out of the tests/golden/*.args glob that makes goldens.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
runner=$here/../run_golden.sh
bad=0 n=0
for args in "$here"/*.args; do
  base=${args%.args} name=$(basename "${args%.args}")
  n=$((n + 1))
  log=$("$runner" "$bin" "$base" 2>&1); rc=$?
  case $name in
  pass_*)
    if [ "$rc" -ne 0 ]; then
      echo "FAIL $name: the runner rejected a matching case:"; echo "$log"; bad=1
    fi ;;
  fail_*)
    why=$(cat "$base.why")
    if [ "$rc" -eq 0 ]; then
      echo "FAIL $name: the runner accepted output that differs"; bad=1
    elif ! grep -qF -- "$why" <<<"$log"; then
      echo "FAIL $name: the runner failed, but not with '$why':"; echo "$log"; bad=1
    fi ;;
  *)
    echo "FAIL $name: a self-test case is named pass_* or fail_*"; bad=1 ;;
  esac
done
[ "$n" -gt 0 ] || { echo "no self-test cases in $here"; exit 1; }
[ "$bad" -eq 0 ] && echo "$n runner self-test cases behaved"
exit $bad
