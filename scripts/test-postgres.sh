#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests: its own data directory under
# /tmp, reachable only through a unix socket (listen_addresses=''), trust authentication.
#   scripts/test-postgres.sh start   prints the connection URL on stdout
#   scripts/test-postgres.sh stop DIR
# initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail

bindir=$(pg_config --bindir 2>/dev/null || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
fi
if [ ! -x "$bindir/initdb" ]; then
    echo "test-postgres: no PostgreSQL server binaries found (apt-get install postgresql)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# shellcheck source=scripts/throwaway-postgres.sh
. "$(dirname "$0")/throwaway-postgres.sh"

case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/toolhost-pg.XXXXXX)
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
    start_throwaway_server "$bindir" "$dir" || exit 1
    as_owner "$bindir/createdb" -h "$dir" -p "$port" -U postgres toolhost_test
    echo "postgresql://postgres@/toolhost_test?host=$dir&port=$port"
    ;;
stop)
    dir=${2:?usage: test-postgres.sh stop DIR}
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: test-postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
