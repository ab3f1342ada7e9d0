#!/usr/bin/env bash
# Installs the reference bioinformatics tools that the variant-reader tests and bench compare against, from
# Debian packages only (mirrors scripts/ensure-chromium.sh):
#   bcftools  — `bcftools query`, `bcftools view`, `bcftools +split-vep` (the plugin ships in the Debian package),
#               `bcftools index --csi` (BCF fixtures made in the tests)
#   tabix     — `bgzip` and `tabix` (htslib's command-line tools)
#   samtools  — the read-level look-back's fixtures (scripts/make-read-fixtures.mjs) and its reference counts
#               (`samtools mpileup`, packages/formats/test/reads, bench/reads.bench.ts)
#   time      — /usr/bin/time, for peak RSS in the bench
# Idempotent: does nothing when all are present. Needs root (or passwordless sudo) when something is missing.
set -euo pipefail
missing=()
command -v bcftools >/dev/null 2>&1 || missing+=(bcftools)
{ command -v tabix >/dev/null 2>&1 && command -v bgzip >/dev/null 2>&1; } || missing+=(tabix)
command -v samtools >/dev/null 2>&1 || missing+=(samtools)
[ -x /usr/bin/time ] || missing+=(time)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else echo "ensure-bio-tools: need root to install ${missing[*]}" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "ensure-bio-tools: installing ${missing[*]} with apt-get" >&2
# apt-get update first: the package lists may be missing or stale on a fresh machine.
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
