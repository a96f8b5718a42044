#!/usr/bin/env bash
# Run a command and check its exit status and output.
#   expect.sh [--status N] [--grep REGEX]... [--timeout S] -- COMMAND [ARGS...]
# Passes when the command exits with N (default 0) and every REGEX
# (extended grep) matches a line of its combined stdout and stderr.
set -u
status=0
timeout_seconds=30
patterns=()
while [ $# -gt 0 ]; do
  case "$1" in
    --status) status=$2; shift 2 ;;
    --grep) patterns+=("$2"); shift 2 ;;
    --timeout) timeout_seconds=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "expect.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
output=$(mktemp)
trap 'rm -f "$output"' EXIT
timeout "$timeout_seconds" "$@" </dev/null >"$output" 2>&1
actual=$?
cat "$output"
failed=0
if [ "$actual" -ne "$status" ]; then
  echo "expect.sh: exit status $actual, expected $status" >&2
  failed=1
fi
for pattern in "${patterns[@]}"; do
  if ! grep -Eq -- "$pattern" "$output"; then
    echo "expect.sh: no line matches /$pattern/" >&2
    failed=1
  fi
done
exit $failed
