#!/usr/bin/env bash
# Runs ailint for the GitHub Action (action.yml): one audit for the SARIF that code scanning
# reads, one for the Markdown summary of the job, and the exit code as a step output.
#
# It exits 0 when the audit ran, whatever it found, so the action can upload the SARIF
# before its last step fails the job per `fail-on`. A tool failure (ailint exit 2, or any
# code but 0 and 1) is still recorded as the output and is this script's exit code too.
#
# Inputs, from the environment:
#   AILINT_PATH        paths to audit, one per line (default `.`); spaces are kept
#   AILINT_FAIL_ON     low, medium, high, critical or none (default `high`)
#   AILINT_CONFIG      configuration file (optional)
#   AILINT_BASELINE    baseline file (optional)
#   AILINT_SARIF_FILE  where the SARIF goes (default `ailint.sarif`)
#   AILINT_BIN         the ailint binary (default `ailint` on PATH)
# and GitHub's GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT when they are set.
set -euo pipefail

fail_on="${AILINT_FAIL_ON:-high}"
config="${AILINT_CONFIG:-}"
baseline="${AILINT_BASELINE:-}"
sarif="${AILINT_SARIF_FILE:-ailint.sarif}"
bin="${AILINT_BIN:-ailint}"

# A workflow command's value must escape `%`, CR and LF, or a path could end the command.
escape_command() {
  local s="$1"
  s="${s//'%'/'%25'}"
  s="${s//$'\r'/'%0D'}"
  s="${s//$'\n'/'%0A'}"
  printf '%s' "$s"
}

error() {
  printf '::error title=ailint::%s\n' "$(escape_command "$1")"
}

# `name=value` lines: a value with a line break would forge another output.
set_output() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# One path per line, so a path may hold spaces; blank lines are ignored.
paths=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line%$'\r'}"
  if [[ -n "$line" ]]; then
    paths+=("$line")
  fi
done <<<"${AILINT_PATH:-.}"
if [[ ${#paths[@]} -eq 0 ]]; then
  paths=(.)
fi

if [[ "$sarif" == *$'\n'* || "$sarif" == *$'\r'* ]]; then
  error "the sarif-file input must be one line, not \`$sarif\`"
  set_output exit-code 2
  exit 2
fi

args=(audit --fail-on "$fail_on")
if [[ -n "$config" ]]; then
  args+=(--config "$config")
fi
if [[ -n "$baseline" ]]; then
  args+=(--baseline "$baseline")
fi

# A SARIF left by an earlier run must not be uploaded as this run's.
rm -f -- "$sarif"

sarif_args=(--format sarif -o "$sarif")
if [[ -n "${GITHUB_WORKSPACE:-}" ]]; then
  # Code scanning wants paths relative to the repository root, whatever the working
  # directory of the step.
  sarif_args+=(--sarif-root "$GITHUB_WORKSPACE")
fi

code=0
# `--` ends the options: a path may start with `-`.
"$bin" "${args[@]}" "${sarif_args[@]}" -- "${paths[@]}" || code=$?

# The summary repeats the audit: reports are deterministic, so both runs agree. Its
# diagnostics went to the log with the first run; only a summary that could not be written
# is worth a warning.
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  summary_code=0
  "$bin" "${args[@]}" --format markdown -- "${paths[@]}" >>"$GITHUB_STEP_SUMMARY" 2>/dev/null ||
    summary_code=$?
  if [[ "$summary_code" -ne "$code" ]]; then
    printf '::warning title=ailint::%s\n' \
      "$(escape_command "the job summary run exited $summary_code, the SARIF run $code")"
  fi
else
  "$bin" "${args[@]}" --format markdown -- "${paths[@]}" 2>/dev/null || true
fi

set_output exit-code "$code"
if [[ -f "$sarif" ]]; then
  set_output sarif-file "$sarif"
fi

case "$code" in
  0) echo "ailint: nothing at or above \`$fail_on\`; SARIF in \`$sarif\`" ;;
  1) echo "ailint: findings at or above \`$fail_on\`; SARIF in \`$sarif\`" ;;
  *)
    error "ailint could not complete the audit (exit code $code); see the errors above"
    exit "$code"
    ;;
esac
