#!/usr/bin/env bash
# Check the queues' SLA alerts every 30 seconds (QUEUE_ALERTS_EVERY seconds).
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m api.queues.alerts --every "${QUEUE_ALERTS_EVERY:-30}"
