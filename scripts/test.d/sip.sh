#!/usr/bin/env bash
# SIP peers for the gateway tests (SIPp) and the spoken referral renderer (espeak-ng).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/system_deps.sh sip-tester espeak-ng
