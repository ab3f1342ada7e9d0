#!/usr/bin/env bash
# Installs what report PDF printing and its tests need, from Debian packages only (never a browser download):
#   chromium       — prints report.html to report.pdf through playwright-core (packages/reports/src/pdf.ts)
#   poppler-utils  — pdftotext, used by the tests to read the PDF's text back
# Idempotent: does nothing when both are present. Needs root (or passwordless sudo) when something is missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else echo "ensure-chromium: need root to install ${missing[*]}" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
# One line of output (issue 17: `npm run demo` printed pages of apt output); apt's own output goes to a log that is
# shown (its last lines) only when the install fails.
log="$(mktemp "${TMPDIR:-/tmp}/ensure-chromium.XXXXXX.log")"
echo "ensure-chromium: installing ${missing[*]} with apt-get (log: $log)" >&2
# apt-get update first: the package lists may be missing or stale on a fresh machine.
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "ensure-chromium: apt-get failed; the end of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
rm -f "$log"
