#!/usr/bin/env bash
# hostile.sh — large-scale hostile inputs the test suite is too quick for: a tree of 100,000
# files, a 2 GB file, a million tiny blobs. Each is generated in a temporary folder, scanned
# with the release keygate, and reported: exit status, seconds, peak RSS, findings, problems.
#
# Usage:
#   bench/hostile.sh [--keygate PATH] [--only wide|large|tiny]
#
# Expected: every scan finishes with exit 0 or 1 (nothing unreadable), the 2 GB file is listed
# as over --max-file-size by default and scanned with --max-file-size 0, and memory stays
# bounded (the RSS is printed for the note).
set -euo pipefail

prog=hostile.sh
usage_lines=4,10
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
keygate=""
only=""
runs=1
while (($# > 0)); do
  common_option "$@"
  if ((consumed > 0)); then shift "$consumed"; continue; fi
  case $1 in
    --only) only=$2; shift 2 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
resolve_keygate
isolate_git
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keygate-hostile.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

measure() {
  local name=$1
  shift
  local out=$tmp/report.json
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$keygate" scan "$@" --quiet --format json --output "$out" && status=0 || status=$?
  read -r seconds kib <"$tmp/time"
  python3 - "$name" "$status" "$seconds" "$kib" "$out" <<'PY'
import json, sys
name, status, seconds, kib, path = sys.argv[1:]
report = json.load(open(path))
print(f"{name:<28} exit {status}  {float(seconds):7.2f} s  {int(kib) / 1024:7.1f} MiB peak  "
      f"{report['summary']['findings']} findings  {len(report['errors'])} errors  {len(report['skipped'])} skipped"
      + (f"  ({report['skipped'][0]['message'][:70]})" if report['skipped'] else ""))
PY
}

fast_import_files() {  # $1 repo, $2 commits, $3 files per commit
  python3 - "$2" "$3" <<'PY' | git -C "$1" fast-import --quiet
import sys
commits, per = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout
mark = 0
for c in range(commits):
    out.write(f"commit refs/heads/main\ncommitter A <a@example.com> {1700000000 + c} +0000\ndata 6\nbatch\n")
    for f in range(per):
        body = f"value {c}-{f}\n"
        out.write(f"M 100644 inline d{f % 1000}/f{c}-{f}.txt\ndata {len(body)}\n{body}")
    out.write("\n")
PY
}

if [[ -z $only || $only == wide ]]; then
  git init -q -b main "$tmp/wide"
  fast_import_files "$tmp/wide" 1 100000
  git -C "$tmp/wide" checkout -q main
  measure "100,000-file tree" "$tmp/wide"
  rm -rf "$tmp/wide"
fi
if [[ -z $only || $only == large ]]; then
  mkdir "$tmp/large"
  truncate -s 2G "$tmp/large/huge.bin"
  echo "small file" >"$tmp/large/small.txt"
  measure "2 GB file (default limit)" "$tmp/large"
  measure "2 GB file (--max-file-size 0)" "$tmp/large" --max-file-size 0
  rm -rf "$tmp/large"
fi
if [[ -z $only || $only == tiny ]]; then
  git init -q -b main "$tmp/tiny"
  fast_import_files "$tmp/tiny" 100 10000
  measure "1,000,000 tiny blobs" "$tmp/tiny"
fi
