#!/usr/bin/env bash
# What the SIP gateway speaks with: espeak-ng renders the spoken referrals and confirmations
# (without it the announcements are skipped), installed when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/system_deps.sh espeak-ng
