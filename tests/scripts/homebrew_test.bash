#!/usr/bin/env bash
# The macOS branch of scripts/setup and scripts/run, on Linux: copies of the scripts in a scratch tree, run with a
# PATH that holds only stand-ins (uname says Darwin; brew, cmake and the tools are scripts that log their calls).
#   tests/scripts/homebrew_test.bash    (ctest: scripts.homebrew)
# Prints each failed check and exits 1 if there was one.
# shellcheck disable=SC2016  # the stand-ins' bodies are single-quoted: they expand when a stand-in runs
set -euo pipefail

source_root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/scripts/lib" "$root/build/release"
cp "$source_root/scripts/setup" "$source_root/scripts/run" "$root/scripts/"
cp "$source_root/scripts/lib/homebrew.bash" "$root/scripts/lib/"
log="$work/calls.log"
bash_path="$(command -v bash)"

failures=0
check() {  # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1"$'\n'"  expected: $2"$'\n'"  actual:   $3"
    failures=$((failures + 1))
  fi
}

# stand_in NAME BODY: a command on the scratch PATH; BODY may use $log.
stand_in() {
  printf '#!%s\nlog=%q\n%s\n' "$bash_path" "$log" "$2" >"$work/bin/$1"
  chmod +x "$work/bin/$1"
}
# A fresh PATH: uname says Darwin, brew lists $BREW_LIST and logs installs; bash and dirname are the real ones.
fresh_path() {
  rm -rf "${work:?}/bin"
  mkdir -p "$work/bin"
  : >"$log"
  ln -s "$bash_path" "$work/bin/bash"
  ln -s "$(command -v dirname)" "$work/bin/dirname"
  stand_in uname 'echo Darwin'
  stand_in brew '
case "$1" in
  list) printf "%b" "$BREW_LIST" ;;
  install) shift; echo "brew install $*" >>"$log" ;;
  --prefix) shift; if [ $# -eq 0 ]; then echo /opt/homebrew; else for f in "$@"; do echo "/opt/homebrew/opt/$f"; done; fi ;;
  *) echo "unexpected: brew $*" >>"$log"; exit 1 ;;
esac'
}
run_scratch() {  # run_scratch SCRIPT ARGS...: status, stdout and stderr in $status, $out, $err
  status=0
  PATH="$work/bin" "$bash_path" "$root/scripts/$1" "${@:2}" >"$work/out" 2>"$work/err" || status=$?
  out="$(<"$work/out")"
  err="$(<"$work/err")"
}

# homebrew_missing: libraries by exact line of `brew list`, tools by PATH.
fresh_path
stand_in ninja 'exit 0'
missing="$(PATH="$work/bin" && source "$root/scripts/lib/homebrew.bash" &&
  homebrew_missing $'boost\npcre2\nsqlite-utils\n' "${homebrew_build_formulae[@]}")"
check "homebrew_missing: libraries not listed, tools not on PATH" \
  "nlohmann-json sqlite openssl@3 cmake pkgconf" "$missing"
missing="$(PATH="$work/bin" && source "$root/scripts/lib/homebrew.bash" &&
  homebrew_missing $'boost\nnlohmann-json\nsqlite\npcre2\nopenssl@3\ncmake\npkgconf' "${homebrew_build_formulae[@]}")"
check "homebrew_missing: all listed" "" "$missing"

# setup --build with brew: installs exactly what is missing, once.
fresh_path
stand_in cmake 'exit 0'
stand_in pkg-config 'exit 0'
BREW_LIST='boost\npcre2\nninja\n' run_scratch setup --build
check "setup --build: exit status" 0 "$status"
check "setup --build: brew installs the missing formulae" "brew install nlohmann-json sqlite openssl@3" "$(<"$log")"
check "setup --build: says what it installs" "setup: installing nlohmann-json sqlite openssl@3 (brew)" "$out"

: >"$log"
BREW_LIST='boost\nnlohmann-json\nsqlite\npcre2\nopenssl@3\nninja\n' run_scratch setup --build
check "setup --build, nothing missing: exit status" 0 "$status"
check "setup --build, nothing missing: no install" "" "$(<"$log")"
check "setup --build, nothing missing: says so" "setup: everything needed is installed" "$out"

# setup (build and tests): the test formulae too, and what Homebrew cannot install is named.
: >"$log"
BREW_LIST='boost\nnlohmann-json\nsqlite\npcre2\nopenssl@3\nninja\n' run_scratch setup
check "setup: exit status" 0 "$status"
check "setup: brew installs the test formulae" "brew install googletest awscli node python" "$(<"$log")"
check "setup: names botocore and boto3" 1 "$(grep -c 'import botocore and boto3' <<<"$err")"

# Without brew: nothing installed, every library and each tool not on PATH named, exit 1.
rm "$work/bin/brew"
run_scratch setup --build
check "no brew: exit status" 1 "$status"
check "no brew: names what is missing" \
  "setup: no Homebrew (brew is not on PATH). Missing: boost nlohmann-json sqlite pcre2 openssl@3 ninja" \
  "$(head -n 1 <<<"$err")"

# --packages names Debian packages: refused on macOS.
fresh_path
run_scratch setup --packages wrk
check "setup --packages: exit status" 1 "$status"

# run: configures with the keg-only prefixes first, then Homebrew's, and passes its arguments on to sagebox.
fresh_path
stand_in cmake 'echo "cmake $*" >>"$log"'
stand_in ninja 'exit 0'
stand_in pkg-config 'exit 0'
stand_in sagebox 'echo "sagebox $*"'
mv "$work/bin/sagebox" "$root/build/release/sagebox"
BREW_LIST='boost\nnlohmann-json\nsqlite\npcre2\nopenssl@3\n' run_scratch run --port 9000
check "run: exit status" 0 "$status"
check "run: configures against Homebrew" \
  "cmake -S $root -B $root/build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAGEBOX_TESTS=OFF -DCMAKE_PREFIX_PATH=/opt/homebrew/opt/openssl@3;/opt/homebrew/opt/sqlite;/opt/homebrew" \
  "$(head -n 1 "$log")"
check "run: starts sagebox with its arguments" "sagebox --port 9000" "$(tail -n 1 <<<"$out")"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
