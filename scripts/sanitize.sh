#!/usr/bin/env bash
# sanitize.sh — run the test suite under a sanitizer.
#
# Usage:
#   scripts/sanitize.sh address|thread [SWIFT-TEST-ARGS...]
#
# Builds into .build/sanitize-KIND (so the normal build is left alone) and runs
# `swift test --sanitize=KIND`; extra arguments go to swift test (e.g. --filter KeygateGitTests).
# AddressSanitizer also reports leaks at exit (detect_leaks=1); ThreadSanitizer reports every
# race. The end-to-end tests run the sanitized keygate binary as a child whose standard error the
# test reads, so every process writes its reports to .build/sanitize-KIND/reports/ instead; the
# script prints them and fails when there is one. Exits non-zero when a test fails or the
# sanitizer reports.
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"
[[ -x /opt/swift/usr/bin/swift ]] && PATH=$PATH:/opt/swift/usr/bin
kind=${1:?usage: scripts/sanitize.sh address|thread [SWIFT-TEST-ARGS...]}
shift
# Swift's own crash backtracer deadlocks inside a sanitizer's report: the sanitizer reports.
export SWIFT_BACKTRACE=enable=no
reports="$root/.build/sanitize-$kind/reports"
# The toolchain's own symbolizer: an older llvm-symbolizer found on PATH (Debian's LLVM 14) can
# deadlock with the sanitizer runtime while LeakSanitizer matches suppressions, and the process
# never exits.
symbolizer=$(dirname -- "$(command -v swift)")/llvm-symbolizer
[[ -x $symbolizer ]] || symbolizer=$(command -v llvm-symbolizer || true)
case $kind in
  address)
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:log_path=$reports/asan:external_symbolizer_path=$symbolizer}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/scripts/lsan.supp:print_suppressions=0}
    ;;
  thread) export TSAN_OPTIONS=${TSAN_OPTIONS:-second_deadlock_stack=1:log_path=$reports/tsan:external_symbolizer_path=$symbolizer} ;;
  *) echo "sanitize.sh: address or thread, not '$kind'" >&2; exit 64 ;;
esac
scripts/install-deps.sh >&2
swift build --build-tests --scratch-path ".build/sanitize-$kind" --sanitize="$kind" >&2
rm -rf "$reports" && mkdir -p "$reports"
# End-to-end tests run the sanitized keygate binary too: it lies beside the test bundle.
status=0
swift test --skip-build --scratch-path ".build/sanitize-$kind" --sanitize="$kind" "$@" || status=$?
shopt -s nullglob
found=("$reports"/*)
if (( ${#found[@]} > 0 )); then
  cat "${found[@]}" >&2
  echo "sanitize.sh: ${#found[@]} process(es) reported under $kind sanitizer (reports in $reports)" >&2
  (( status != 0 )) || status=1
else
  echo "sanitize.sh: no $kind sanitizer report" >&2
fi
exit "$status"
