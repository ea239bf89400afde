#!/usr/bin/env bash
# Fails when the copy of policies/ built into the binary differs from policies/ (`make embed` fixes it).
# The test suite checks the same; this gives the answer before a build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
generated="$root/Sources/KeygateCore/Rules/EmbeddedPolicies.swift"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$root/scripts" "$root/policies" "$tmp/"
mkdir -p "$tmp/Sources/KeygateCore/Rules"
(cd "$tmp" && scripts/embed-policies.sh >/dev/null)
if ! cmp -s "$generated" "$tmp/Sources/KeygateCore/Rules/EmbeddedPolicies.swift"; then
  echo "check-embedded-policies: Sources/KeygateCore/Rules/EmbeddedPolicies.swift is out of date with policies/." >&2
  echo "Run \`make embed\` and commit the result." >&2
  exit 1
fi
