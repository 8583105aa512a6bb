#!/usr/bin/env bash
# Re-read every connected calendar feed every 15 minutes (CALENDAR_SYNC_EVERY seconds).
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m api.availability.calendar_runner --every "${CALENDAR_SYNC_EVERY:-900}"
