#!/usr/bin/env bash
# The SIP gateway's pjsua2 (server build, cached wheel), installed into the venv when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build_pjsua2.sh .venv/bin/python
