#!/usr/bin/env bash
# The SIP gateway (B2BUA) next to the API; configuration from SIP_* environment variables.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m sip_gateway
