# Homebrew on macOS, for scripts/setup and scripts/run (sourced, not run): the formulae sagebox needs, which of
# them are missing, and where CMake finds them. tests/scripts/homebrew_test.bash checks it on Linux with a stand-in
# for brew. Written for the bash 3.2 that macOS ships: no mapfile, no expansion of an empty array.

# A formula written FORMULA:COMMAND provides a tool, which counts as present when COMMAND is on PATH wherever it
# came from; the others are libraries, present when `brew list` names them.
# shellcheck disable=SC2034  # used by the scripts that source this file
homebrew_build_formulae=(boost nlohmann-json sqlite pcre2 openssl@3 cmake:cmake ninja:ninja pkgconf:pkg-config)
# The tests besides: GoogleTest (Homebrew's is built with libc++, as the rest), the AWS CLI and Node.js for the
# client suites, and a Python 3 for the integration tests.
# shellcheck disable=SC2034
homebrew_test_formulae=(googletest awscli:aws node:node python:python3)
# Keg-only: macOS has its own OpenSSL-compatible library and SQLite, so Homebrew links neither into its prefix
# and CMake must be told where they are.
homebrew_keg_only=(openssl@3 sqlite)

# homebrew_missing INSTALLED ENTRY...: prints, on one line, the formula of each ENTRY (see above) that is missing.
# INSTALLED is what `brew list --formula -1` printed: one formula a line (empty without brew).
homebrew_missing() {
  local installed=$'\n'"$1"$'\n' entry formula command missing=""
  shift
  for entry in "$@"; do
    formula="${entry%%:*}"
    command="${entry#"$formula"}"
    command="${command#:}"
    if [ -n "$command" ] && command -v "$command" >/dev/null; then continue; fi
    case "$installed" in
      *$'\n'"$formula"$'\n'*) ;;
      *) missing="$missing $formula" ;;
    esac
  done
  echo "${missing# }"
}

# homebrew_cmake_prefix_path: CMAKE_PREFIX_PATH for a build against Homebrew, keg-only formulae first so that
# their libraries win over the copies macOS has.
homebrew_cmake_prefix_path() {
  local prefixes
  prefixes="$(brew --prefix "${homebrew_keg_only[@]}")"$'\n'"$(brew --prefix)"
  echo "${prefixes//$'\n'/;}"
}
