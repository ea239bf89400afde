#!/usr/bin/env bash
# archive.sh — time `keygate scan` on a large build archive against unpacking it as the floor.
#
# Usage:
#   bench/archive.sh [--size MB] [--runs N] [--keygate PATH] [--kind tgz|zip|tar] [--keep FILE]
#
#   --size MB     content in the archive, in MB of 10^6 bytes, uncompressed (default 500)
#   --runs N      timed runs of each command (default 3)
#   --keygate P   the keygate binary (default: .build/release/keygate under the project root,
#                 built with `swift build -c release` there if missing)
#   --kind K      tgz (default: tar.gz, a web bundle or a layer), zip (a wheel or a jar), tar
#   --keep FILE   keep the generated archive in FILE (default: a temporary file, deleted at the end)
#
# The archive holds source-like files (JavaScript, Python, JSON, YAML, minified bundles) of
# 4–200 KB, a quarter of them in nested folders, and, every 500 files, a file with an OpenAI
# project key (assembled at run time from parts: none is written in this script), plus one
# nested archive (a .zip inside the archive) with a key of its own.
#
# The floor unpacks the archive to nothing: `tar -xOf ARCHIVE > /dev/null` (tgz, tar) or
# `unzip -p ARCHIVE > /dev/null` (zip): decompression and member walking, no scanning.
# keygate runs `keygate scan ARCHIVE --quiet --format json --output REPORT`; the first run is
# checked (every planted key found, at its member path), then both are timed N times,
# interleaved. Prints every run, the medians, MB/s of content for each, keygate/floor, and
# keygate's peak RSS; the results go, as one JSON line, to the last line of stdout and to
# bench/work/results.jsonl.
#
# Example:
#   bench/archive.sh --size 1000 --runs 3
set -euo pipefail

prog=archive.sh
usage_lines=4,13
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

size=500
runs=3
keygate=""
kind=tgz
keep=""
while (($# > 0)); do
  common_option "$@"
  if ((consumed > 0)); then
    shift "$consumed"
    continue
  fi
  case $1 in
    --size) (($# >= 2)) || usage_error "--size needs a value"; size=$2; shift 2 ;;
    --size=*) size=${1#*=}; shift ;;
    --kind) (($# >= 2)) || usage_error "--kind needs a value"; kind=$2; shift 2 ;;
    --kind=*) kind=${1#*=}; shift ;;
    --keep) (($# >= 2)) || usage_error "--keep needs a path"; keep=$2; shift 2 ;;
    --keep=*) keep=${1#*=}; shift ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

check_runs
if [[ ! $size =~ ^[0-9]+$ ]] || ((10#$size < 1)); then
  usage_error "--size needs a positive integer (MB), not '$size'"
fi
size=$((10#$size))
case $kind in tgz | zip | tar) ;; *) usage_error "--kind is tgz, zip or tar, not '$kind'" ;; esac
command -v python3 >/dev/null 2>&1 || die "python3 is not installed"
command -v tar >/dev/null 2>&1 || die "tar is not installed"
if [[ $kind == zip ]]; then command -v unzip >/dev/null 2>&1 || die "unzip is not installed"; fi

resolve_keygate

mkdir -p -- "$root/bench/work"
results=$root/bench/work/results.jsonl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keygate-archive-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
archive=${keep:-$tmp/build.$kind}
marker=$(printf '%s' OpenAI | base64)
project_rev=$(project_revision)

python3 - "$archive" "$kind" "$size" "$marker" "$keygate" "$runs" "$tmp" "$results" "$project_rev" <<'PY'
import datetime, io, json, os, platform, random, statistics, subprocess, sys, tarfile, time, zipfile

PROG = "archive.sh"
archive, kind, size_mb, marker, keygate, runs, tmp, results_path, project_rev = sys.argv[1:10]
size, runs = int(size_mb) * 10**6, int(runs)
rng = random.Random(20241127)
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
URLSAFE = ALNUM + "_-"
rand = lambda n, alphabet=ALNUM: "".join(rng.choice(alphabet) for _ in range(n))
planted = {}  # member path -> key


def key():
    return "sk-" + "proj-" + rand(1) + rand(73, URLSAFE) + marker + rand(74, URLSAFE)


# A few hundred distinct file bodies, reused: generating 1 GB of random text would take longer
# than scanning it. Reuse does not help keygate: every member is read and scanned anew.
words = [rand(rng.randrange(3, 10)).lower() for _ in range(2000)]
def body(n):
    parts, length = [], 0
    while length < n:
        pick = rng.randrange(4)
        if pick == 0:
            line = f"export function {rng.choice(words)}({rng.choice(words)}, {rng.choice(words)}) {{ return {rng.choice(words)}.{rng.choice(words)}({rng.randrange(10**6)}); }}"
        elif pick == 1:
            line = f"def {rng.choice(words)}(self, {rng.choice(words)}={rng.randrange(100)}):  # {' '.join(rng.choice(words) for _ in range(6))}"
        elif pick == 2:
            line = f'  "{rng.choice(words)}": {{"id": "{rand(24).lower()}", "count": {rng.randrange(10**5)}, "enabled": true}},'
        else:
            line = "var " + ",".join(f"{rng.choice(words)}=function(a,b){{return a.{rng.choice(words)}(b)}}" for _ in range(8)) + ";"
        parts.append(line)
        length += len(line) + 1
    return ("\n".join(parts) + "\n").encode()

bodies = [body(rng.randrange(4_000, 200_000)) for _ in range(300)]
members = []  # (name, bytes)
total, n = 0, 0
while total < size:
    folder = f"dist/assets/{rng.choice(words)}/" if n % 4 == 0 else "dist/"
    if n % 500 == 250:
        name = f"{folder}config-{n}.js"
        k = key()
        planted[name] = k
        content = f'const settings = {{ openaiKey: "{k}", region: "eu" }};\n'.encode() + bodies[n % len(bodies)]
    else:
        name = f"{folder}{rng.choice(words)}-{n}.{rng.choice(['js', 'py', 'json', 'yaml', 'min.js'])}"
        content = bodies[n % len(bodies)]
    members.append((name, content))
    total += len(content)
    n += 1
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
    k = key()
    z.writestr("plugin/settings.py", f"OPENAI_API_KEY = '{k}'\n")
planted["vendor/plugin.zip!plugin/settings.py"] = k
members.append(("vendor/plugin.zip", inner.getvalue()))

t0 = time.perf_counter()
if kind == "zip":
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, content in members:
            z.writestr(name, content)
else:
    with tarfile.open(archive, "w:gz" if kind == "tgz" else "w", **({"compresslevel": 6} if kind == "tgz" else {})) as t:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            t.addfile(info, io.BytesIO(content))
print(f"{PROG}: {archive}: {len(members)} members, {total / 10**6:.0f} MB of content, "
      f"{os.path.getsize(archive) / 10**6:.0f} MB on disk, {len(planted)} planted keys "
      f"(written in {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
del members, bodies


def fail(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(1)


report = os.path.join(tmp, "report.json")
floor_cmd = (["unzip", "-p", archive] if kind == "zip" else ["tar", "-xOf", archive])
keygate_cmd = [keygate, "scan", archive, "--quiet", "--format", "json", "--output", report]


def timed(argv, ok=(0,)):
    err = os.path.join(tmp, "stderr")
    with open(os.devnull, "wb") as out, open(err, "wb") as errf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=errf)
        _, status, usage = os.wait4(proc.pid, 0)
        t1 = time.perf_counter()
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        fail(f"{' '.join(argv)} exited with {code}: {open(err, errors='replace').read().strip()}")
    return t1 - t0, usage.ru_maxrss


print(f"{PROG}: warming the page cache and checking keygate's findings...", file=sys.stderr)
timed(floor_cmd)
timed(keygate_cmd, ok=(1,))
with open(report) as f:
    found = {(x["path"].split("!", 1)[1]) for x in json.load(f)["findings"]}
missing = sorted(set(planted) - found)
if missing:
    fail(f"{len(missing)} planted keys not found, e.g. {missing[:3]}")
print(f"{PROG}: all {len(planted)} planted keys found at their member paths", file=sys.stderr)

floor_s, keygate_s, keygate_rss = [], [], []
for r in range(runs):
    for which in (("floor", "keygate") if r % 2 == 0 else ("keygate", "floor")):
        if which == "floor":
            floor_s.append(timed(floor_cmd)[0])
        else:
            seconds, rss = timed(keygate_cmd, ok=(1,))
            keygate_s.append(seconds)
            keygate_rss.append(rss)
    print(f"{PROG}: run {r + 1}/{runs}: floor {floor_s[-1]:.3f} s, keygate {keygate_s[-1]:.3f} s", file=sys.stderr)

floor_med, keygate_med = statistics.median(floor_s), statistics.median(keygate_s)
ratio = keygate_med / floor_med
mb = total / 10**6
print()
print(f"archive     {archive} ({kind}, {os.path.getsize(archive) / 10**6:.0f} MB on disk, {mb:.0f} MB of content)")
print(f"floor       {' '.join(floor_cmd)} > /dev/null")
print(f"keygate     {' '.join(keygate_cmd)}")
print()
print(f"{'run':>6}  {'floor (s)':>10}  {'keygate (s)':>11}  {'ratio':>6}")
for i, (f, k) in enumerate(zip(floor_s, keygate_s), 1):
    print(f"{i:>6}  {f:>10.3f}  {k:>11.3f}  {k / f:>6.2f}")
print(f"{'median':>6}  {floor_med:>10.3f}  {keygate_med:>11.3f}  {ratio:>6.2f}")
print()
print(f"floor: {mb / floor_med:.0f} MB/s of content; keygate: {mb / keygate_med:.0f} MB/s ({ratio:.2f}x the floor's time)")
print(f"keygate peak RSS: {max(keygate_rss) / 1024:.1f} MiB")
result = {
    "bench": "archive", "kind": kind,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "host": platform.node(), "cpus": os.cpu_count(), "project_rev": project_rev,
    "content_bytes": total, "archive_bytes": os.path.getsize(archive), "keygate": keygate, "runs": runs,
    "floor_s": [round(s, 4) for s in floor_s], "keygate_s": [round(s, 4) for s in keygate_s],
    "floor_mb_per_s": round(mb / floor_med, 1), "keygate_mb_per_s": round(mb / keygate_med, 1),
    "ratio": round(ratio, 3), "keygate_peak_rss_mib": round(max(keygate_rss) / 1024, 1),
}
line = json.dumps(result, separators=(",", ":"))
with open(results_path, "a") as f:
    f.write(line + "\n")
print(f"(appended to {results_path})")
print(line)
PY
