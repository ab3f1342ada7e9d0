#!/usr/bin/env bash
# Installs what the read-level look-back's fixtures, tests and bench need, from Debian packages only:
#   samtools  — builds the BAM/CRAM fixtures (scripts/make-read-fixtures.mjs) and is the reference for the counts
#               (`samtools mpileup`) in packages/formats/test/reads and packages/formats/bench/reads.bench.ts
#   bcftools  — the second reference (`bcftools mpileup -a AD`)
#   time      — /usr/bin/time for peak RSS in the bench
# Idempotent and quiet: does nothing when all are present. Needs root (or passwordless sudo) when something is missing.
set -euo pipefail
missing=()
command -v samtools >/dev/null 2>&1 || missing+=(samtools)
command -v bcftools >/dev/null 2>&1 || missing+=(bcftools)
[ -x /usr/bin/time ] || missing+=(time)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else echo "ensure-samtools: need root to install ${missing[*]}" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "ensure-samtools: installing ${missing[*]} with apt-get" >&2
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  # the package lists may be missing or stale on a fresh machine
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
