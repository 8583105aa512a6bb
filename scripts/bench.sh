#!/usr/bin/env bash
# Run every benchmark under bench/ (each prints its own figures).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system_deps.sh wrk
scripts/test.d/sip.sh      # SIPp for the gateway benchmarks
scripts/test.d/pjsua2.sh   # the gateway's own pjsua2 build (1024 call legs), as make test has it
scripts/test.d/kamailio.sh # the SIP edge, for bench_edge
for b in bench/bench_*.py; do
  .venv/bin/python -m "bench.$(basename "$b" .py)"
done
