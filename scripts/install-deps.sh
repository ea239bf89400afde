#!/usr/bin/env bash
# Installs what keygate needs to build on Debian/Ubuntu (apt) or macOS (Homebrew):
# libgit2, Hyperscan (Vectorscan where Hyperscan is not packaged, e.g. arm64), PCRE2,
# libarchive, pkg-config and git. Installs only what is missing. Needs root or sudo on Linux.
set -euo pipefail

have_pkg() { pkg-config --exists "$1" 2>/dev/null; }

if have_pkg libgit2 && have_pkg libhs && have_pkg libpcre2-8 && have_pkg libarchive && command -v git >/dev/null; then
  echo "install-deps: libgit2, libhs, libpcre2-8 and libarchive are installed"
else
  case "$(uname -s)" in
    Linux)
      if ! command -v apt-get >/dev/null; then
        echo "install-deps: no apt-get here. Install the development packages of libgit2, Hyperscan" >&2
        echo "(or Vectorscan) and PCRE2, plus pkg-config, with your package manager." >&2
        exit 2
      fi
      sudo=""
      if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "install-deps: run as root, or install sudo" >&2; exit 2; }
        sudo="sudo"
      fi
      export DEBIAN_FRONTEND=noninteractive
      $sudo apt-get update -qq
      # Hyperscan is x86-only; Vectorscan ships the same libhs for arm64 and newer releases.
      hs=libhyperscan-dev
      if ! apt-cache policy libhyperscan-dev 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        hs=libvectorscan-dev
      fi
      $sudo apt-get install -y -qq --no-install-recommends \
        libgit2-dev "$hs" libpcre2-dev libarchive-dev pkg-config git ca-certificates >/dev/null
      ;;
    Darwin)
      command -v brew >/dev/null || { echo "install-deps: install Homebrew first (https://brew.sh)" >&2; exit 2; }
      brew install libgit2 vectorscan pcre2 libarchive pkg-config
      # Homebrew keeps libarchive out of the default paths (macOS has its own): show pkg-config it.
      echo "install-deps: the Makefile points pkg-config at $(brew --prefix libarchive)/lib/pkgconfig" >&2
      ;;
    *)
      echo "install-deps: unsupported system $(uname -s)" >&2
      exit 2
      ;;
  esac
  echo "install-deps: installed libgit2 $(pkg-config --modversion libgit2), libhs $(pkg-config --modversion libhs), pcre2 $(pkg-config --modversion libpcre2-8), libarchive $(pkg-config --modversion libarchive 2>/dev/null || echo "?")"
fi

if ! command -v swift >/dev/null; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "install-deps: swift is at /opt/swift/usr/bin but not on PATH; the Makefile adds it." >&2
  else
    echo "install-deps: Swift 6 is not installed. Install a Swift 6 toolchain (https://www.swift.org/install/)" >&2
    echo "and put it on PATH, then run this again." >&2
    exit 2
  fi
fi

# The test suite validates reports against their official schemas with independent tools:
# Python's jsonschema (SARIF, GitLab) and xmllint (JUnit XSD).
have_jsonschema() { python3 -c 'import jsonschema' 2>/dev/null || /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; }
if have_jsonschema && command -v xmllint >/dev/null; then
  echo "install-deps: jsonschema and xmllint are installed (for the report schema tests)"
else
  case "$(uname -s)" in
    Linux)
      sudo=""
      [ "$(id -u)" -ne 0 ] && sudo="sudo"
      export DEBIAN_FRONTEND=noninteractive
      $sudo apt-get update -qq
      $sudo apt-get install -y -qq --no-install-recommends python3 python3-jsonschema libxml2-utils >/dev/null
      ;;
    Darwin)
      command -v xmllint >/dev/null || brew install libxml2
      have_jsonschema || python3 -m pip install --user jsonschema
      ;;
  esac
  echo "install-deps: installed jsonschema and xmllint (for the report schema tests)"
fi
