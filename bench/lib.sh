# lib.sh — what the bench scripts share. Sourced, not run; the script sets `prog` (its name) and
# `usage_lines` (the line range of its header comment that `--help` prints) first.
# shellcheck shell=bash

here=$(cd -- "$(dirname -- "${BASH_SOURCE[1]}")" && pwd -P)
root=$(dirname -- "$here")

usage() {
  sed -n "${usage_lines}p" "$0" | sed 's/^# \{0,1\}//'
}

die() {
  printf '%s: %s\n' "$prog" "$*" >&2
  exit 1
}

usage_error() {
  printf '%s: %s\n\n' "$prog" "$*" >&2
  usage >&2
  exit 64
}

# git without the user's or the system's configuration, and no inherited repository.
isolate_git() {
  export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
}

# Prints the absolute path of repository $1, or dies saying what is wrong with it.
checked_repository() {
  [[ -d $1 ]] || die "'$1' is not a directory"
  git -C "$1" rev-parse --git-dir >/dev/null 2>&1 || die "'$1' is not a git repository"
  (cd -- "$1" && pwd -P)
}

# Sets `keygate` to an absolute path: the one given (a path or a name in PATH), or the project's
# release build, built with `swift build -c release` when missing.
resolve_keygate() {
  if [[ -z $keygate ]]; then
    keygate=$root/.build/release/keygate
    if [[ ! -x $keygate ]]; then
      if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
        PATH=$PATH:/opt/swift/usr/bin
      fi
      command -v swift >/dev/null 2>&1 || die "$keygate is missing and swift is not installed to build it"
      printf '%s: %s is missing; building it (swift build -c release)\n' "$prog" "$keygate" >&2
      (cd -- "$root" && swift build -c release) >&2 || die "swift build -c release failed"
      [[ -x $keygate ]] || die "the build did not produce $keygate"
    fi
  else
    if [[ $keygate != */* ]]; then
      keygate=$(command -v -- "$keygate") || die "keygate '$keygate' not found in PATH"
    fi
    [[ -f $keygate && -x $keygate ]] || die "keygate '$keygate' is not an executable file"
    keygate=$(cd -- "$(dirname -- "$keygate")" && pwd -P)/$(basename -- "$keygate")
  fi
}

# Prints the project's short commit, with -dirty when tracked files have changes.
project_revision() {
  local revision
  revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ $revision != unknown ]] && [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    revision=$revision-dirty
  fi
  printf '%s\n' "$revision"
}

# The options every timing script takes: -h/--help, --runs N, --keygate PATH (also as
# --opt=value). Sets `consumed` to how many arguments it took (0: not one of these).
common_option() {
  consumed=1
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --runs)
      (($# >= 2)) || usage_error "--runs needs a value"
      runs=$2
      consumed=2
      ;;
    --runs=*) runs=${1#*=} ;;
    --keygate)
      (($# >= 2)) || usage_error "--keygate needs a path"
      keygate=$2
      consumed=2
      ;;
    --keygate=*) keygate=${1#*=} ;;
    *) consumed=0 ;;
  esac
}

# Dies unless `runs` is a positive integer; normalises it (no leading zeros).
check_runs() {
  if [[ ! $runs =~ ^[0-9]+$ ]] || ((10#$runs < 1)); then
    usage_error "--runs needs a positive integer, not '$runs'"
  fi
  runs=$((10#$runs))
}
