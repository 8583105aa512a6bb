#!/usr/bin/env bash
# A real softphone for the gateway tests: baresip, driven over its ctrl_tcp interface.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/system_deps.sh baresip-core
