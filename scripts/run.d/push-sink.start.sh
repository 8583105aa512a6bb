#!/usr/bin/env bash
# The local push sink: where the `local` push transport delivers when no APNs/FCM
# credentials are configured; the app simulator long-polls it (push-listen).
set -euo pipefail
cd "$(dirname "$0")/../.."
url="${PUSH_SINK_URL:-http://127.0.0.1:8091}"
hostport="${url#http://}"
exec .venv/bin/python -m push.sink --host "${hostport%:*}" --port "${hostport##*:}"
