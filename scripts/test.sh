#!/usr/bin/env bash
# The whole suite, on SQLite and then again on a throwaway PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/system_deps.sh postgresql || exit 1
for hook in scripts/test.d/*.sh; do
  [ -e "$hook" ] || continue
  "$hook" || { echo "test setup $hook failed" >&2; exit 1; }
done
PY=.venv/bin/python
export PASSWORD_HASH_PROFILE=fast
status=0
echo "== suite on SQLite =="
TEST_DATABASE=sqlite $PY -m pytest "$@" || status=1
echo "== suite on PostgreSQL =="
TEST_DATABASE=postgresql $PY -m pytest -m "not once" "$@" || status=1
if [ $status -eq 0 ]; then echo "all suites passed"; else echo "a suite failed"; fi
exit $status
