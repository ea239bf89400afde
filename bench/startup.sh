#!/usr/bin/env bash
# What a small scan costs because of the rules: `keygate scan --staged` in a one-commit
# repository with one staged file, with the compiled-rules cache off (every run compiles the
# Hyperscan database for all rules), cold (an empty cache: compile, then write), and warm (the
# database read back from the cache). Prints medians of several runs.
#
# With --repo PATH, the same on a shared clone of that repository (e.g. the 10,000-commit one
# bench/make-history.sh builds) with one small staged change.
#
# usage: bench/startup.sh [--runs N] [--keygate PATH] [--repo PATH]
set -euo pipefail
runs=7
source_repo=""
keygate="$(cd "$(dirname "$0")/.." && pwd)/.build/release/keygate"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --keygate) keygate="$2"; shift 2 ;;
    --repo) source_repo="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "startup.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
[ -x "$keygate" ] || { echo "startup.sh: $keygate is not built (make release)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
if [ -n "$source_repo" ]; then
  # A shared clone borrows the objects: quick to make, and the source is left untouched.
  git clone -q --shared "$source_repo" "$repo"
  first=$(git -C "$repo" ls-files | awk 'NR == 1')
  printf 'x = 1\n' >>"$repo/$first"
  git -C "$repo" add -- "$first"
else
  git init -q "$repo"
  git -C "$repo" -c user.name=bench -c user.email=bench@example.invalid commit -q --allow-empty -m init
  printf 'def greet(name):\n    return f"hello {name}"\n' >"$repo/app.py"
  git -C "$repo" add app.py
fi
commits=$(git -C "$repo" rev-list --count HEAD 2>/dev/null || echo 0)

# One timed run of `keygate scan --staged`, in seconds (wall clock).
time_one() {
  local start end
  start=$(date +%s.%N)
  KEYGATE_CACHE_DIR="$1" "$keygate" scan --staged "$repo" --format json --output /dev/null 2>/dev/null || {
    status=$?
    [ "$status" -le 1 ] || { echo "startup.sh: keygate exited $status" >&2; exit 2; }
  }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.4f\n", b - a}'
}

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

off=$(for _ in $(seq "$runs"); do time_one off; done | median)
cold=$(for i in $(seq "$runs"); do time_one "$work/cache-cold-$i"; done | median)
time_one "$work/cache-warm" >/dev/null
warm=$(for _ in $(seq "$runs"); do time_one "$work/cache-warm"; done | median)
rules=$("$keygate" rules list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rules"]))')
cache_bytes=$(du -sb "$work/cache-warm" | cut -f1)

echo "keygate scan --staged, one small staged change, $commits commits, $rules rules, median of $runs runs:"
printf '  cache off (compile every run): %ss\n' "$off"
printf '  cold cache (compile + write):  %ss\n' "$cold"
printf '  warm cache (read the database): %ss\n' "$warm"
printf '  compiling costs %ss per run; the cache file is %s bytes\n' "$(awk -v a="$off" -v b="$warm" 'BEGIN {printf "%.3f", a - b}')" "$cache_bytes"
