#!/usr/bin/env bash
# The SMS tests run a real Kannel (bearerbox, smsbox) with the fake SMSC from kannel-extras.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/system_deps.sh kannel kannel-extras
