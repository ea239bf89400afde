#!/usr/bin/env bash
# history.sh — time a full-history keygate scan against the floor of reading every object.
#
# Usage:
#   bench/history.sh REPO [--runs N] [--keygate PATH] [-- EXTRA-KEYGATE-ARGS...]
#
#   REPO          a git repository, e.g. one made by bench/make-history.sh
#   --runs N      timed runs of each command (default 5)
#   --keygate P   the keygate binary (default: .build/release/keygate under the project root,
#                 built with `swift build -c release` there if missing)
#   -- ARGS       passed on to `keygate scan` (e.g. -- --workers 1)
#
# The floor is `git -C REPO cat-file --batch-all-objects --batch --unordered >/dev/null`: git
# reading and inflating every object once. keygate runs `keygate scan REPO --format json
# --output FILE` (exit 0 or 1 are both success here; anything else fails the bench). After one
# untimed run of each to warm the page cache, the two are timed N times, interleaved (the order
# alternates between rounds). Wall time comes from time.perf_counter around the child; peak RSS
# from the child's own rusage (wait4, the number GNU time's %M reports). The table shows every
# run, the medians and keygate/floor as median over median, keygate's peak RSS, and the repo's
# commits and blob bytes; when REPO/.git/keygate-bench.json exists (make-history.sh writes it)
# the bench also checks that keygate reported every planted key.
#
# The results go, as one JSON line, to the last line of stdout and to bench/work/results.jsonl.
#
# Example:
#   bench/make-history.sh bench/work/history && bench/history.sh bench/work/history --runs 5
set -euo pipefail

prog=history.sh
usage_lines=4,11
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

repo=""
runs=5
keygate=""
extra=()
while (($# > 0)); do
  common_option "$@"
  if ((consumed > 0)); then
    shift "$consumed"
    continue
  fi
  case $1 in
    --)
      shift
      extra=("$@")
      break
      ;;
    -*)
      usage_error "unknown option: $1"
      ;;
    *)
      [[ -z $repo ]] || usage_error "only one REPO, got '$repo' and '$1'"
      repo=$1
      shift
      ;;
  esac
done

[[ -n $repo ]] || usage_error "missing REPO"
check_runs

command -v git >/dev/null 2>&1 || die "git is not installed"
command -v python3 >/dev/null 2>&1 || die "python3 is not installed"

# The floor's git runs without the user's or the system's configuration.
isolate_git

repo=$(checked_repository "$repo")

resolve_keygate

mkdir -p -- "$root/bench/work"
results=$root/bench/work/results.jsonl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keygate-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

project_rev=$(project_revision)

python3 - "$repo" "$runs" "$keygate" "$tmp" "$results" "$project_rev" "${extra[@]}" <<'PY'
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

PROG = "history.sh"
repo, runs, keygate, tmp, results_path, project_rev = sys.argv[1:7]
runs = int(runs)
extra = sys.argv[7:]
report = os.path.join(tmp, "report.json")
floor_cmd = ["git", "-C", repo, "cat-file", "--batch-all-objects", "--batch", "--unordered"]
keygate_cmd = [keygate, "scan", repo, "--format", "json", "--output", report, *extra]


def fail(msg, stderr_file=None):
    print(f"{PROG}: {msg}", file=sys.stderr)
    if stderr_file and os.path.exists(stderr_file):
        with open(stderr_file, errors="replace") as f:
            text = f.read()
        if text:
            sys.stderr.write("--- its stderr ---\n" + text + ("" if text.endswith("\n") else "\n"))
    sys.exit(1)


def timed(argv, stderr_path):
    """Run argv; return (wall seconds, peak RSS in KiB, exit code)."""
    with open(os.devnull, "rb") as stdin, open(os.devnull, "wb") as stdout, \
            open(stderr_path, "wb") as stderr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        t1 = time.perf_counter()
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    return t1 - t0, usage.ru_maxrss, code


def run_floor():
    err = os.path.join(tmp, "floor.err")
    seconds, rss, code = timed(floor_cmd, err)
    if code != 0:
        fail(f"the floor ({' '.join(floor_cmd)}) exited with {code}", err)
    return seconds, rss


def run_keygate():
    err = os.path.join(tmp, "keygate.err")
    if os.path.exists(report):
        os.remove(report)
    seconds, rss, code = timed(keygate_cmd, err)
    if code not in (0, 1):
        fail(f"keygate exited with {code} (0 = nothing found and 1 = keys found are the only successes)", err)
    return seconds, rss, code


def git_out(*args):
    result = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"history.sh: git {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


# Repository facts (untimed).
commits = int(git_out("rev-list", "--all", "--count").strip())
blobs = blob_bytes = objects = 0
with subprocess.Popen(["git", "-C", repo, "cat-file", "--batch-all-objects",
                       "--batch-check=%(objecttype) %(objectsize)"],
                      stdout=subprocess.PIPE, text=True) as p:
    for line in p.stdout:
        kind, size = line.split()
        objects += 1
        if kind == "blob":
            blobs += 1
            blob_bytes += int(size)
if p.returncode != 0:
    fail("git cat-file --batch-check failed")

print(f"{PROG}: {repo}: {commits} commits, {blobs} blobs, {blob_bytes / 2**20:.1f} MiB of blobs, "
      f"{objects} objects", file=sys.stderr)
print(f"{PROG}: keygate: {keygate} {' '.join(extra)}".rstrip(), file=sys.stderr)
print(f"{PROG}: warming the page cache (one untimed run of each)...", file=sys.stderr)
run_floor()
run_keygate()

floor_s, keygate_s, floor_rss, keygate_rss, codes = [], [], [], [], []
for i in range(runs):
    order = ("floor", "keygate") if i % 2 == 0 else ("keygate", "floor")
    for which in order:
        if which == "floor":
            s, rss = run_floor()
            floor_s.append(s)
            floor_rss.append(rss)
        else:
            s, rss, code = run_keygate()
            keygate_s.append(s)
            keygate_rss.append(rss)
            codes.append(code)
    print(f"{PROG}: run {i + 1}/{runs}: floor {floor_s[-1]:.3f} s, keygate {keygate_s[-1]:.3f} s",
          file=sys.stderr)

# What keygate reported on the last run, and whether it found every planted key.
found = {}
try:
    with open(report) as f:
        found = json.load(f)
except (OSError, ValueError) as e:
    print(f"{PROG}: warning: cannot read keygate's JSON report: {e}", file=sys.stderr)
summary = found.get("summary") if isinstance(found, dict) else None
summary = summary if isinstance(summary, dict) else {}
fingerprints = set()
if isinstance(found, dict):
    for item in (found.get("secrets") or []) + (found.get("findings") or []):
        if isinstance(item, dict) and "fingerprint" in item:
            fingerprints.add(item["fingerprint"])
planted_total = planted_found = None
manifest_path = os.path.join(repo, ".git", "keygate-bench.json")
missing = []
if os.path.isfile(manifest_path):
    with open(manifest_path) as f:
        planted = json.load(f).get("planted", [])
    planted_total = len(planted)
    missing = [p for p in planted if p["fingerprint"] not in fingerprints]
    planted_found = planted_total - len(missing)

floor_med = statistics.median(floor_s)
keygate_med = statistics.median(keygate_s)
ratio = keygate_med / floor_med if floor_med > 0 else float("inf")
mib = 1024.0  # ru_maxrss is in KiB on Linux

print()
print(f"repository  {repo}")
print(f"            {commits} commits, {blobs} blobs, {blob_bytes} blob bytes ({blob_bytes / 2**20:.1f} MiB)")
print(f"keygate     {keygate}" + (f" {' '.join(extra)}" if extra else ""))
print()
print(f"{'run':>6}  {'floor (s)':>10}  {'keygate (s)':>11}  {'ratio':>6}")
for i, (f, k) in enumerate(zip(floor_s, keygate_s), 1):
    print(f"{i:>6}  {f:>10.4f}  {k:>11.4f}  {k / f:>6.2f}")
print(f"{'median':>6}  {floor_med:>10.4f}  {keygate_med:>11.4f}  {ratio:>6.2f}")
print()
print(f"keygate / floor (median / median): {ratio:.2f}x")
print(f"keygate peak RSS: {max(keygate_rss) / mib:.1f} MiB (floor: {max(floor_rss) / mib:.1f} MiB)")
print(f"floor throughput: {blob_bytes / 2**20 / floor_med:.0f} MiB/s of blobs; "
      f"keygate: {blob_bytes / 2**20 / keygate_med:.0f} MiB/s")
if isinstance(found, dict) and "verdict" in found:
    facts = [f"verdict {found['verdict']}"]
    if "complete" in found:
        facts.append(f"complete {found['complete']}")
    for key, label in (("findings", "findings"), ("secrets", "secrets"), ("blobs", "blobs"),
                       ("bytes", "bytes"), ("seconds", "s by its own clock")):
        if summary.get(key) is not None:
            facts.append(f"{summary[key]} {label}")
    print("keygate report: " + ", ".join(facts))
if planted_total is not None:
    print(f"planted keys found: {planted_found}/{planted_total}")
    for p in missing:
        print(f"{PROG}: warning: keygate did not report planted key {p['id']} ({p['rule_id']}, "
              f"{p['path']}, {p['where']})", file=sys.stderr)

result = {
    "bench": "history",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "host": platform.node(),
    "cpus": os.cpu_count(),
    "project_rev": project_rev,
    "repo": repo,
    "commits": commits,
    "blobs": blobs,
    "blob_bytes": blob_bytes,
    "keygate": keygate,
    "keygate_args": extra,
    "keygate_exit": codes[-1],
    "runs": runs,
    "floor_s": [round(s, 6) for s in floor_s],
    "keygate_s": [round(s, 6) for s in keygate_s],
    "floor_median_s": round(floor_med, 6),
    "keygate_median_s": round(keygate_med, 6),
    "ratio": round(ratio, 4),
    "keygate_peak_rss_mib": round(max(keygate_rss) / mib, 1),
    "floor_peak_rss_mib": round(max(floor_rss) / mib, 1),
    "findings": summary.get("findings"),
    "secrets": summary.get("secrets"),
    "planted_keys": planted_total,
    "planted_found": planted_found,
}
line = json.dumps(result, separators=(",", ":"))
with open(results_path, "a") as f:
    f.write(line + "\n")
print(f"(appended to {results_path})")
print(line)
PY
