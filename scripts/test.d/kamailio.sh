#!/usr/bin/env bash
# The SIP edge (Kamailio 5.6) with the database drivers its auth_db reads the credentials over.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/system_deps.sh kamailio kamailio-sqlite-modules kamailio-postgres-modules
