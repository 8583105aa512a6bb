#!/usr/bin/env bash
# Run every benchmark under bench/ (each prints its own figures).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system_deps.sh wrk
for b in bench/bench_*.py; do
  .venv/bin/python -m "bench.$(basename "$b" .py)"
done
