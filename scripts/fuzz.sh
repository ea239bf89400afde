#!/usr/bin/env bash
# fuzz.sh — build keygate's libFuzzer targets and run them.
#
# Usage:
#   scripts/fuzz.sh TARGET [SECONDS] [-- LIBFUZZER-ARGS...]   fuzz TARGET for SECONDS (default 600)
#   scripts/fuzz.sh --replay                                    run every target over its saved corpus once
#   scripts/fuzz.sh --minimise TARGET                           merge and clean TARGET's corpus (as after a run)
#
#   TARGET: rules, policy, inventory, matcher, decoders, reports
#
# The targets are in Fuzz/KeygateFuzz (built with -sanitize=fuzzer,address and -DKEYGATE_FUZZING
# into .build/fuzz). Corpora live in Fuzz/corpus/TARGET, seeded from the repository's own
# policies and examples, or, for the matcher, decoders and reports, from text with keys made at
# run time from parts. After a run the corpus is merged down to the inputs that add coverage and
# cleaned of every input in which keygate finds a secret (see minimise); FuzzCorpusReplayTests
# replays what is committed. A crash writes its input to Fuzz/crashes/ and the script exits
# non-zero: fix it, and keep the input in the corpus as a regression test.
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"
[[ -x /opt/swift/usr/bin/swift ]] && PATH=$PATH:/opt/swift/usr/bin
targets=(rules policy inventory matcher decoders reports)

build() {
  swift build --scratch-path .build/fuzz --product keygate-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DKEYGATE_FUZZING -Xswiftc -use-ld=lld >&2
  binary=$(swift build --scratch-path .build/fuzz --product keygate-fuzz --show-bin-path)/keygate-fuzz
}

# Seeds: the YAML and JSON this repository already has, for the loaders; text with keys
# assembled from parts for the matcher and decoders.
seed() {
  local target=$1 dir=Fuzz/corpus/$1
  mkdir -p "$dir"
  # The loaders' seeds once; the seeds with keys at every run (minimise drops them afterwards).
  if [[ -n $(ls -A "$dir" 2>/dev/null) ]] && [[ $target =~ ^(rules|policy|inventory)$ ]]; then return 0; fi
  case $target in
    rules) cp policies/rules/*.yml "$dir"/ 2>/dev/null || cp policies/*/*.y*ml "$dir"/ ;;
    policy)
      cp policies/defaults/keygate.yaml "$dir/defaults.yaml"
      cp ci-examples/policy-demo/keygate.yaml "$dir/policy-demo.yaml"
      ;;
    inventory) cp ci-examples/policy-demo/keys.yaml "$dir"/ ;;
    matcher | decoders | reports)
      local marker
      marker=$(printf '%s' OpenAI | base64)
      printf 'OPENAI_API_KEY=sk-%s%s%s%s\n' proj- "$(head -c 60 /dev/zero | tr '\0' A)" "$marker" "$(head -c 60 /dev/zero | tr '\0' b)" >"$dir/env"
      printf 'token: %s\n' "$(printf 'sk-%s%s%s' proj- "$(head -c 60 /dev/zero | tr '\0' C)" "$marker" | base64 -w0)" >"$dir/base64"
      printf 'path\xffsk-proj-\xffAda\xffada@example.com\xff2026-01-01\xffsubject \x01\x1b[31m\xffdir/file\n' >"$dir/report"
      ;;
  esac
}

# Keeps the corpus small and free of key-like text: libFuzzer's merge keeps only the inputs that
# add coverage, then every input in which keygate itself finds a secret (a mutated key, a
# generic assignment) is dropped, so the repository stays clean for its own scanner and for push
# protection. The seeds with keys are made again at each run, from parts.
minimise() {
  local target=$1 dir=Fuzz/corpus/$1 merged
  merged=$(mktemp -d "${TMPDIR:-/tmp}/keygate-fuzz-merge.XXXXXX")
  KEYGATE_FUZZ_TARGET=$target "$binary" -merge=1 "$merged" "$dir" >/dev/null 2>&1 || { rm -rf "$merged"; return 0; }
  rm -rf "$dir" && mv "$merged" "$dir"
  swift build --product keygate >&2
  local keygate
  keygate=$(swift build --product keygate --show-bin-path)/keygate
  { grep -lE 'T3BlbkFJ[A-Za-z0-9_-]{20}' -r "$dir" || true; } | xargs -r rm -f
  "$keygate" scan "$dir" --quiet --format json --no-archives --max-file-size 0 --output "$dir.findings.json" || true
  python3 - "$dir" "$dir.findings.json" <<'PY'
import json, os, sys
folder, report = sys.argv[1:3]
for finding in json.load(open(report))["findings"]:
    path = os.path.join(folder, finding["path"].split("!")[0])
    if os.path.exists(path):
        os.remove(path)
PY
  rm -f "$dir.findings.json"
  echo "fuzz.sh: $target corpus: $(ls "$dir" | wc -l) inputs kept" >&2
}

if [[ ${1:-} == --minimise ]]; then
  build
  minimise "${2:?usage: scripts/fuzz.sh --minimise TARGET}"
  exit 0
fi

if [[ ${1:-} == --replay ]]; then
  build
  for target in "${targets[@]}"; do
    seed "$target"
    echo "fuzz.sh: replaying $(ls Fuzz/corpus/$target | wc -l) inputs of $target" >&2
    KEYGATE_FUZZ_TARGET=$target "$binary" -runs=0 "Fuzz/corpus/$target" 2>&1 | tail -1 >&2
  done
  exit 0
fi

target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS] | --replay}
seconds=${2:-600}
shift $(($# >= 2 ? 2 : 1))
[[ ${1:-} == -- ]] && shift
printf '%s\n' "${targets[@]}" | grep -qx "$target" || { echo "fuzz.sh: unknown target $target" >&2; exit 64; }
build
seed "$target"
mkdir -p Fuzz/crashes
status=0
KEYGATE_FUZZ_TARGET=$target "$binary" "Fuzz/corpus/$target" -max_total_time="$seconds" \
  -artifact_prefix=Fuzz/crashes/"$target"- -max_len=65536 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 "$@" ||
  status=$?
minimise "$target"
exit "$status"
