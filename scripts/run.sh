#!/usr/bin/env bash
# Set up and start the whole backend on the embedded defaults (SQLite, local push sink).
# Every service runs under a small supervisor: a service that dies is started again after a
# back-off (1 s, doubling up to RESTART_MAX_S, back to 1 s once it ran a minute) with a log
# line, instead of taking the rest down. Ctrl-C or SIGTERM stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export APP_ENV="${APP_ENV:-development}"
export PORT="${PORT:-8000}"
export HOST="${HOST:-127.0.0.1}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://$HOST:$PORT}"
RESTART_MAX_S="${RESTART_MAX_S:-30}"
export GATEWAYS="${GATEWAYS:-1}"   # SIP gateways behind the edge
STABLE_S=60
mkdir -p var
PY=.venv/bin/python
for hook in scripts/run.d/*.setup.sh; do [ -e "$hook" ] && "$hook"; done
$PY -m api.cli migrate
if [ "$APP_ENV" != "production" ]; then $PY -m api.cli seed-demo; fi

say() {  # one JSON log line, like the services' own
  printf '{"ts":"%s","level":"%s","logger":"run","event":"%s","service":"%s"%s}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$2" "$3" "${4:-}" >&2
}

supervise() {  # supervise NAME COMMAND...: run COMMAND, start it again whenever it exits
  local name=$1; shift
  local child="" stopping="" delay=1 started code
  trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; :' TERM INT
  trap - EXIT
  while :; do
    started=$SECONDS
    "$@" & child=$!
    code=0; wait "$child" || code=$?
    while kill -0 "$child" 2>/dev/null; do code=0; wait "$child" || code=$?; done
    [ -n "$stopping" ] && exit 0
    (( SECONDS - started >= STABLE_S )) && delay=1
    say warning service_exited "$name" ",\"code\":$code,\"restart_in_s\":$delay"
    sleep "$delay" & child=$!
    wait "$child" || true
    [ -n "$stopping" ] && exit 0
    say info service_restart "$name"
    delay=$(( delay * 2 > RESTART_MAX_S ? RESTART_MAX_S : delay * 2 ))
  done
}

pids=()
cleanup() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait
}
trap cleanup EXIT INT TERM

for svc in scripts/run.d/*.start.sh; do
  [ -e "$svc" ] || continue
  name=$(basename "$svc" .start.sh)
  if [ "$name" = sip-gateway ]; then  # GATEWAYS of them behind the SIP edge, each supervised
    for i in $(seq 1 "$GATEWAYS"); do
      { export GATEWAY_INDEX=$i; supervise "$name-$i" "$svc"; } & pids+=($!)
    done
    continue
  fi
  supervise "$name" "$svc" & pids+=($!)
done
export ACCESS_LOG="${ACCESS_LOG:-1}"   # one JSON line per request, with request id and tenant
supervise api .venv/bin/gunicorn -c deploy/gunicorn.conf.py api.wsgi:app & pids+=($!)

# the banner only once every part answers: the API, the push sink, the SIP edge, each gateway
edge="${EDGE_LISTEN:-udp:$HOST:${SIP_EDGE_PORT:-5060}}"
parts=("http://$HOST:$PORT/readyz" "${PUSH_SINK_URL:-http://127.0.0.1:8091}/healthz"
       "sip:${edge#udp:}")
for i in $(seq 1 "$GATEWAYS"); do
  parts+=("sip:${SIP_HOST:-127.0.0.1}:$(( ${SIP_GATEWAY_BASE_PORT:-5100} + i - 1 ))")
done
$PY -m api.wait_ready --timeout "${READY_TIMEOUT_S:-90}" "${parts[@]}" \
  || { echo "the backend did not become ready (see the log above)" >&2; exit 1; }
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
wait "${pids[@]}" || true
