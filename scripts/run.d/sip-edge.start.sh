#!/usr/bin/env bash
# The SIP edge (Kamailio): the one SIP entry for phones (REGISTER, calls with digest
# authentication) and the carrier trunk (EDGE_TRUNKS), in front of the GATEWAYS gateways.
set -euo pipefail
cd "$(dirname "$0")/../.."
base="${SIP_GATEWAY_BASE_PORT:-5100}"
gateways=""
for i in $(seq 1 "${GATEWAYS:-1}"); do gateways+=" sip:127.0.0.1:$(( base + i - 1 ))"; done
export EDGE_GATEWAYS="${EDGE_GATEWAYS:-$gateways}"
export EDGE_LISTEN="${EDGE_LISTEN:-udp:${HOST:-127.0.0.1}:${SIP_EDGE_PORT:-5060}}"
export EDGE_TRUNKS="${EDGE_TRUNKS-127.0.0.2}"
exec scripts/kamailio.sh
