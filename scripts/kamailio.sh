#!/usr/bin/env bash
# Start the SIP edge (Kamailio) in the foreground with the project's configuration.
#   EDGE_LISTEN    where phones and trunks reach it (default udp:127.0.0.1:5060)
#   EDGE_GATEWAYS  the gateways, space-separated sip: addresses (default sip:127.0.0.1:5070)
#   EDGE_TRUNKS    the trunk peers' source addresses, space-separated, each ADDRESS[;kind=KIND]:
#                  kind carrier (the default; one) or mex (a mobile operator's MEX peer; one)
#   EDGE_MIN_EXPIRES  shortest registration granted, seconds (default 60)
#   EDGE_HOLD_S    longest an INVITE waits for a sleeping app to register, seconds (default 60)
#   EDGE_RUN_DIR   its runtime directory: control socket, pid file, gateway list (default var/edge)
#   SIP_REALM      the digest realm the API's credentials are hashed for (default pbx.local)
#   DATABASE_URL   the service's database (SQLAlchemy form); the edge reads its views sip_subscribers
#                  (credentials) and sip_message_summaries (voicemail counts for subscribed phones)
set -euo pipefail
cd "$(dirname "$0")/.."
run_dir=$(realpath -m "${EDGE_RUN_DIR:-var/edge}")
mkdir -p "$run_dir"
db="${DATABASE_URL:-sqlite:///$PWD/var/pbx.db}"
case "$db" in
  sqlite:///*)
    path="${db#sqlite:///}"; path="${path%%\?*}"
    [[ "$path" = /* ]] || path="$PWD/$path"
    module=db_sqlite.so; url="sqlite://$(realpath -m "$path")" ;;
  postgresql*://*)
    module=db_postgres.so; url="postgres://${db#*://}"; url="${url%%\?*}" ;;
  *) echo "the SIP edge cannot read credentials from $db" >&2; exit 2 ;;
esac
: > "$run_dir/gateways.list"
for gw in ${EDGE_GATEWAYS:-sip:127.0.0.1:5070}; do
  echo "1 $gw" >> "$run_dir/gateways.list"
done
carrier="" mex=""
for peer in ${EDGE_TRUNKS:-}; do
  address="${peer%%;*}" kind=carrier
  [[ "$peer" == *";kind="* ]] && kind="${peer##*;kind=}"
  case "$kind" in
    carrier) [[ -z "$carrier" ]] && carrier="$address" && continue ;;
    mex) [[ -z "$mex" ]] && mex="$address" && continue ;;
    *) echo "EDGE_TRUNKS entry $peer: kind must be carrier or mex" >&2; exit 2 ;;
  esac
  echo "EDGE_TRUNKS: one $kind peer at most ($peer is a second)" >&2; exit 2
done
# registrations are written to the database with times in the process's zone: UTC, as the
# service reads them
export TZ=UTC
exec kamailio -f deploy/kamailio/kamailio.cfg -DD -E -Y "$run_dir" -P "$run_dir/kamailio.pid" \
  -l "${EDGE_LISTEN:-udp:127.0.0.1:5060}" \
  -A "EDGE_DB_MODULE=\"$module\"" -A "EDGE_DB_URL=\"$url\"" -A "EDGE_SQLCON=\"mwi=>$url\"" \
  -A "EDGE_REALM=\"${SIP_REALM:-pbx.local}\"" -A "EDGE_CTL=\"unix:$run_dir/kamailio.ctl\"" \
  -A "EDGE_DISPATCHER_LIST=\"$run_dir/gateways.list\"" -A "EDGE_TRUNKS=\"$carrier\"" -A "EDGE_MEX=\"$mex\"" \
  -A "EDGE_MIN_EXPIRES=${EDGE_MIN_EXPIRES:-60}" -A "EDGE_HOLD_S=${EDGE_HOLD_S:-60}" \
  "$@"
