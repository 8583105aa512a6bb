#!/usr/bin/env bash
# Set up and start the whole backend on the embedded defaults (SQLite, local push sink).
set -euo pipefail
cd "$(dirname "$0")/.."
export APP_ENV="${APP_ENV:-development}"
export PORT="${PORT:-8000}"
export HOST="${HOST:-127.0.0.1}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://$HOST:$PORT}"
mkdir -p var
PY=.venv/bin/python
for hook in scripts/run.d/*.setup.sh; do [ -e "$hook" ] && "$hook"; done
$PY -m api.cli migrate
if [ "$APP_ENV" != "production" ]; then $PY -m api.cli seed-demo; fi

pids=()
cleanup() { trap - EXIT INT TERM; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait; }
trap cleanup EXIT INT TERM

for svc in scripts/run.d/*.start.sh; do
  [ -e "$svc" ] || continue
  "$svc" & pids+=($!)
done
export ACCESS_LOG="${ACCESS_LOG:-1}"   # one JSON line per request, with request id and tenant
.venv/bin/gunicorn --bind "$HOST:$PORT" --workers "${WEB_CONCURRENCY:-2}" \
  --log-level warning api.wsgi:app & pids+=($!)

$PY -m api.wait_ready "http://$HOST:$PORT/readyz" 30 || { echo "the API did not become ready"; exit 1; }
cat <<MSG

  PBX companion backend is running
  API docs:     http://$HOST:$PORT/api/v1/docs
  OpenAPI:      http://$HOST:$PORT/api/v1/openapi.json
  Demo logins (password: ${DEMO_PASSWORD:-demo}):
    +4790000001  administrator, Fjordtelefon AS (users +4790000002 to +4790000020)
    +4790000101  administrator, Nordlys Regnskap AS
  Try: .venv/bin/python -m mobile_client_sim --api http://$HOST:$PORT login +4790000002
  Stop with Ctrl-C.

MSG
wait -n "${pids[@]}"
