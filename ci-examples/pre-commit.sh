#!/usr/bin/env bash
# A minimal git pre-commit hook: copy to .git/hooks/pre-commit and make it executable.
# It scans what is staged (what the commit would add) and refuses the commit when keygate finds
# a key. Bypass once, knowingly, with `git commit --no-verify`; accept a known test value with a
# `keygate:allow` comment on its line or its fingerprint in .keygateignore.
set -u
keygate scan --staged . --fail-on high
status=$?
case $status in
  0) exit 0 ;;
  1) echo "pre-commit: keygate found a key (above). Remove it and load it from the environment or a secret manager." >&2; exit 1 ;;
  *) echo "pre-commit: keygate could not scan (exit $status); see the message above." >&2; exit 1 ;;
esac
