#!/usr/bin/env bash
# redact.sh — time `keygate redact` on a large log against `cat` as the floor.
#
# Usage:
#   bench/redact.sh [--size MB] [--runs N] [--keygate PATH] [--log FILE] [-- EXTRA-KEYGATE-ARGS...]
#
#   --size MB     size of the generated log in MB of 10^6 bytes (default 200)
#   --runs N      timed runs of each command (default 3)
#   --keygate P   the keygate binary (default: .build/release/keygate under the project root,
#                 built with `swift build -c release` there if missing)
#   --log FILE    keep the generated log in FILE (default: a temporary file, deleted at the end)
#   -- ARGS       passed on to `keygate redact` (e.g. -- --keep-last4)
#
# The log is CI-like text (build steps, test results, HTTP traces, JSON, environment dumps)
# with, every few hundred lines, a secret in one of the forms keygate redact masks: OpenAI
# project keys, `Authorization: Bearer …` headers, `DB_PASSWORD=…`, `"apiKey": "…"`. Keys are
# assembled at run time from parts (`sk-` + `proj-` + random + the base64 of "OpenAI"); none is
# written in this script. A 4 MB block of unique lines is generated, then repeated to the size.
#
# The floor is `cat < LOG > /dev/null`; keygate runs `keygate redact --quiet < LOG > /dev/null`.
# One untimed run of each warms the page cache and one checked run writes keygate's output to
# a file: no planted secret may be left in it (the bench fails otherwise), and the count of
# masked secrets is shown. Then both are timed N times, interleaved. Prints every run, the
# medians, MB/s of each, keygate/floor, and keygate's peak RSS; the results go, as one JSON
# line, to the last line of stdout and to bench/work/results.jsonl.
#
# Example:
#   bench/redact.sh --size 200 --runs 3
set -euo pipefail

prog=redact.sh
usage_lines=4,12
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

size=200
runs=3
keygate=""
log=""
extra=()
while (($# > 0)); do
  common_option "$@"
  if ((consumed > 0)); then
    shift "$consumed"
    continue
  fi
  case $1 in
    --size)
      (($# >= 2)) || usage_error "--size needs a value"
      size=$2
      shift 2
      ;;
    --size=*)
      size=${1#*=}
      shift
      ;;
    --log)
      (($# >= 2)) || usage_error "--log needs a path"
      log=$2
      shift 2
      ;;
    --log=*)
      log=${1#*=}
      shift
      ;;
    --)
      shift
      extra=("$@")
      break
      ;;
    *)
      usage_error "unknown argument: $1"
      ;;
  esac
done

check_runs
if [[ ! $size =~ ^[0-9]+$ ]] || ((10#$size < 1)); then
  usage_error "--size needs a positive integer (MB), not '$size'"
fi
size=$((10#$size))

command -v python3 >/dev/null 2>&1 || die "python3 is not installed"
command -v base64 >/dev/null 2>&1 || die "base64 is not installed"

resolve_keygate

mkdir -p -- "$root/bench/work"
results=$root/bench/work/results.jsonl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keygate-redact-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
[[ -n $log ]] || log=$tmp/ci.log

# OpenAI's marker in its keys: the base64 of "OpenAI", computed here rather than written out.
marker=$(printf '%s' OpenAI | base64)

project_rev=$(project_revision)

python3 - "$log" "$size" "$marker" "$keygate" "$runs" "$tmp" "$results" "$project_rev" "${extra[@]}" <<'PY'
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time

PROG = "redact.sh"
log, size_mb, marker, keygate, runs, tmp, results_path, project_rev = sys.argv[1:9]
size, runs = int(size_mb) * 10**6, int(runs)
extra = sys.argv[9:]

# --- the log --------------------------------------------------------------------------------
rng = random.Random(20240501)
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
URLSAFE = ALNUM + "_-"


def rand(n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


planted = []  # (kind, secret) — each must be gone from keygate's output


def openai_key():
    key = "sk-" + "proj-" + rand(1) + rand(73, URLSAFE) + marker + rand(74, URLSAFE)
    planted.append(("openai", key))
    return key


def secret(kind, n):
    value = rand(n)
    planted.append((kind, value))
    return value


def ordinary(i):
    t = f"2024-05-01T12:{(i // 60) % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z"
    pick = rng.randrange(12)
    if pick == 0:
        return f"{t} [INFO] Compiling module core/{rand(8).lower()}.swift ({rng.randrange(1, 900)} of 900)"
    if pick == 1:
        return f"{t} ok   github.com/example/{rand(6).lower()}/pkg/{rand(5).lower()} {rng.random():.3f}s"
    if pick == 2:
        return f"{t} > GET /api/v1/items/{rng.randrange(10**6)}?page={rng.randrange(50)}&sort=desc HTTP/1.1"
    if pick == 3:
        return f"{t} < HTTP/1.1 200 OK content-type: application/json; charset=utf-8 x-request-id: {rand(24).lower()}"
    if pick == 4:
        return (f'{t} {{"level":"debug","msg":"cache hit","key":"{rand(12).lower()}",'
                f'"duration_ms":{rng.randrange(1000)},"user":"u{rng.randrange(10**5)}"}}')
    if pick == 5:
        return f"{t} Step {rng.randrange(1, 40)}/40 : RUN npm ci --no-audit --prefer-offline && npm run build"
    if pick == 6:
        return f"{t} PASS src/components/{rand(7)}.test.tsx ({rng.randrange(1, 20)}.{rng.randrange(10)} s)"
    if pick == 7:
        return f"{t} $ export PATH=/usr/local/bin:/usr/bin:/bin HOME=/root CI=true GIT_DEPTH=20"
    if pick == 8:
        return f"{t} Downloading https://registry.npmjs.org/{rand(6).lower()}/-/{rand(6).lower()}-1.{rng.randrange(30)}.0.tgz"
    if pick == 9:
        return f"{t} warning: unused variable 'tmp{rng.randrange(100)}' at line {rng.randrange(1, 2000)}, column {rng.randrange(1, 80)}"
    if pick == 10:
        return f"{t} commit {rand(40, '0123456789abcdef')} Merge branch 'feature/{rand(6).lower()}' into main"
    return f"{t} " + " ".join(rand(rng.randrange(2, 9)).lower() for _ in range(rng.randrange(5, 14)))


def with_secret(i):
    t = f"2024-05-01T12:{(i // 60) % 60:02d}:{i % 60:02d}.000Z"
    pick = rng.randrange(4)
    if pick == 0:
        return f"{t} $ export OPENAI_API_KEY={openai_key()}"
    if pick == 1:
        return f'{t} $ curl -sS -H "Authorization: Bearer {secret("bearer", 40)}" https://api.example.com/v1/deploy'
    if pick == 2:
        return f"{t} DB_PASSWORD={secret('password', 20)} DB_HOST=db.internal"
    return f'{t} {{"service":"billing","apiKey":"{secret("apikey", 32)}","region":"eu-west-1"}}'


block_size = min(size, 4 * 10**6)
lines, length, i = [], 0, 0
while length < block_size:
    line = with_secret(i) if i % 250 == 125 else ordinary(i)
    lines.append(line)
    length += len(line) + 1
    i += 1
block = ("\n".join(lines) + "\n").encode()
block_lines = len(lines)
del lines
with open(log, "wb") as f:
    written = 0
    while written < size:
        part = block[: size - written]
        f.write(part)
        written += len(part)
size = os.path.getsize(log)
repeats = size / len(block)
print(f"{PROG}: {log}: {size / 10**6:.0f} MB, {block_lines} lines per block, "
      f"{len(planted)} secrets per block, {repeats:.1f} blocks", file=sys.stderr)

# --- the runs -------------------------------------------------------------------------------
floor_cmd = ["cat"]
keygate_cmd = [keygate, "redact", "--quiet", *extra]


def fail(msg, stderr_file=None):
    print(f"{PROG}: {msg}", file=sys.stderr)
    if stderr_file and os.path.exists(stderr_file):
        with open(stderr_file, errors="replace") as f:
            text = f.read()
        if text:
            sys.stderr.write("--- its stderr ---\n" + text + ("" if text.endswith("\n") else "\n"))
    sys.exit(1)


def timed(argv, out_path=os.devnull):
    err = os.path.join(tmp, "stderr")
    with open(log, "rb") as stdin, open(out_path, "wb") as stdout, open(err, "wb") as stderr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        t1 = time.perf_counter()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        fail(f"{' '.join(argv)} exited with {code}", err)
    return t1 - t0, usage.ru_maxrss


print(f"{PROG}: keygate: {keygate} redact {' '.join(extra)}".rstrip(), file=sys.stderr)
print(f"{PROG}: warming the page cache and checking keygate's output...", file=sys.stderr)
timed(floor_cmd)
checked = os.path.join(tmp, "redacted.log")
timed([keygate, "redact", *extra], checked)
with open(os.path.join(tmp, "stderr"), errors="replace") as f:
    count_line = f.read().strip()
# grep reads the output, not this process: a child's peak RSS (wait4) counts the memory of the
# process it was forked from.
secrets_path = os.path.join(tmp, "planted.txt")
with open(secrets_path, "w") as f:
    f.write("".join(value + "\n" for _, value in planted))
found = subprocess.run(["grep", "-F", "-o", "-f", secrets_path, checked], capture_output=True, text=True)
if found.returncode not in (0, 1):
    fail(f"grep failed ({found.returncode}): {found.stderr.strip()}")
leaked = set(found.stdout.split())
if leaked:
    kinds = sorted({kind for kind, value in planted if value in leaked})
    fail(f"{len(leaked)} planted secrets are still in keygate's output ({', '.join(kinds)})")
redacted_size = os.path.getsize(checked)
os.remove(checked)
print(f"{PROG}: no planted secret left; {count_line}", file=sys.stderr)

floor_s, keygate_s, keygate_rss, floor_rss = [], [], [], []
for r in range(runs):
    order = ("floor", "keygate") if r % 2 == 0 else ("keygate", "floor")
    for which in order:
        if which == "floor":
            seconds, rss = timed(floor_cmd)
            floor_s.append(seconds)
            floor_rss.append(rss)
        else:
            seconds, rss = timed(keygate_cmd)
            keygate_s.append(seconds)
            keygate_rss.append(rss)
    print(f"{PROG}: run {r + 1}/{runs}: cat {floor_s[-1]:.3f} s, keygate {keygate_s[-1]:.3f} s", file=sys.stderr)

floor_med = statistics.median(floor_s)
keygate_med = statistics.median(keygate_s)
ratio = keygate_med / floor_med if floor_med > 0 else float("inf")
mb = size / 10**6

print()
print(f"log         {log}")
print(f"            {size} bytes ({mb:.0f} MB), output {redacted_size} bytes")
print(f"keygate     {keygate} redact --quiet" + (f" {' '.join(extra)}" if extra else ""))
print()
print(f"{'run':>6}  {'cat (s)':>10}  {'keygate (s)':>11}  {'ratio':>6}")
for n, (f, k) in enumerate(zip(floor_s, keygate_s), 1):
    print(f"{n:>6}  {f:>10.4f}  {k:>11.4f}  {k / f:>6.1f}")
print(f"{'median':>6}  {floor_med:>10.4f}  {keygate_med:>11.4f}  {ratio:>6.1f}")
print()
print(f"cat: {mb / floor_med:.0f} MB/s; keygate redact: {mb / keygate_med:.0f} MB/s "
      f"({ratio:.1f}x the floor's time)")
print(f"keygate peak RSS: {max(keygate_rss) / 1024:.1f} MiB (cat: {max(floor_rss) / 1024:.1f} MiB)")
print(f"keygate: {count_line}")

result = {
    "bench": "redact",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "host": platform.node(),
    "cpus": os.cpu_count(),
    "project_rev": project_rev,
    "log_bytes": size,
    "keygate": keygate,
    "keygate_args": extra,
    "runs": runs,
    "floor_s": [round(s, 6) for s in floor_s],
    "keygate_s": [round(s, 6) for s in keygate_s],
    "floor_median_s": round(floor_med, 6),
    "keygate_median_s": round(keygate_med, 6),
    "floor_mb_per_s": round(mb / floor_med, 1),
    "keygate_mb_per_s": round(mb / keygate_med, 1),
    "ratio": round(ratio, 3),
    "keygate_peak_rss_mib": round(max(keygate_rss) / 1024, 1),
    "floor_peak_rss_mib": round(max(floor_rss) / 1024, 1),
    "summary": count_line,
}
line = json.dumps(result, separators=(",", ":"))
with open(results_path, "a") as f:
    f.write(line + "\n")
print(f"(appended to {results_path})")
print(line)
PY
