#!/usr/bin/env bash
# Kept for the callers of the read-level look-back: scripts/ensure-bio-tools.sh installs samtools, bcftools, tabix and
# time from Debian (one script for every reference tool).
exec "$(dirname "$0")/ensure-bio-tools.sh" "$@"
