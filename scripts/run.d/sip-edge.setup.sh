#!/usr/bin/env bash
# The SIP edge (Kamailio and the database drivers its auth_db uses), installed when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/test.d/kamailio.sh
