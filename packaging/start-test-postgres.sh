#!/usr/bin/env bash
# Starts a PostgreSQL server on loopback for the team-mode tests (Debian's cluster tools) and
# prints the URL of a role that may create the per-test databases. Idempotent; prints nothing
# and exits 0 when it cannot (not root, no apt), so the PostgreSQL tests then skip and say why.
set -uo pipefail
ROLE=annotator_test
PASSWORD=annotator_test
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  as_root apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postgresql >&2 || exit 0
fi
VERSION=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
[ -n "$VERSION" ] || exit 0
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$VERSION main$"; then
  as_root pg_createcluster "$VERSION" main >&2 || exit 0
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
  as_root pg_ctlcluster "$VERSION" main start >&2 || exit 0
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')
psql_admin() { as_root su postgres -c "psql -p $PORT -tAc \"$1\"" 2>/dev/null; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != "1" ]; then
  psql_admin "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >/dev/null || exit 0
fi
echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/postgres"
