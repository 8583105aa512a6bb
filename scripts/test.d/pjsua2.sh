#!/usr/bin/env bash
# The SIP gateway tests need the server build of pjsua2 in the venv (cached wheel).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build_pjsua2.sh .venv/bin/python
.venv/bin/python scripts/check_pjsua2.py >/dev/null
