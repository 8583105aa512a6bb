#!/usr/bin/env bash
# One SIP gateway (B2BUA) behind the SIP edge; configuration from SIP_* environment variables.
# `make run` starts GATEWAYS of them: number GATEWAY_INDEX (1, 2, ...) listens on
# SIP_GATEWAY_BASE_PORT + index - 1 (default 5100), its RTP from SIP_RTP_PORT (default 20000)
# + (index - 1) * 4000, and trusts the edge (127.0.0.1) as `kind=edge`.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -n "${GATEWAY_INDEX:-}" ]; then
  export SIP_PORT=$(( ${SIP_GATEWAY_BASE_PORT:-5100} + GATEWAY_INDEX - 1 ))
  export SIP_RTP_PORT=$(( ${SIP_RTP_PORT:-20000} + (GATEWAY_INDEX - 1) * 4000 ))
fi
export SIP_TRUNKS="${SIP_TRUNKS-127.0.0.1;kind=edge}"
exec .venv/bin/python -m sip_gateway
