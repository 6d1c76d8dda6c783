#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster WITH the pgvector extension, for tests and
# benchmarks: its own data directory under /tmp, reachable only through a unix socket
# (listen_addresses=''), trust authentication, fsync off.
#   scripts/test-pgvector.sh start   prints the connection URL on stdout
#   scripts/test-pgvector.sh stop DIR
# Debian 12's PostgreSQL has no pgvector package, so this uses the server build shipped in the
# PyPI package `pgserver` (PostgreSQL 16 + vector.so), installed with pip if missing; its
# initdb/pg_ctl are called directly so we choose the socket directory, port and flags.
# `CREATE EXTENSION vector` is run in template1 before toolhost_test is created, so
# toolhost_test and every database made with a plain `CREATE DATABASE x` already have it.
# initdb refuses to run as root, so as root the cluster runs as the `postgres` system user
# (or, if there is none, a `toolhost-pg` system user created on first use). That user cannot
# read pip's site-packages under /root (mode 700), so as root the PostgreSQL tree is copied
# once per pgserver version to /tmp/toolhost-pgvector-bin/<version>/.
# Can run alongside scripts/test-postgres.sh: separate directories and sockets, nothing shared.
set -euo pipefail

bin_cache=/tmp/toolhost-pgvector-bin

run_user() {
    if id -u postgres >/dev/null 2>&1; then echo postgres; return; fi
    if ! id -u toolhost-pg >/dev/null 2>&1; then
        # Two concurrent first runs may race here; the loser's useradd fails harmlessly.
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            toolhost-pg >/dev/null 2>&1 || id -u toolhost-pg >/dev/null 2>&1 \
            || { echo "test-pgvector: cannot create system user toolhost-pg" >&2; exit 1; }
    fi
    echo toolhost-pg
}

if [ "$(id -u)" -eq 0 ]; then owner=$(run_user); else owner=$(id -un); fi

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}

# Prints pgserver's install tree (.../site-packages/pgserver/pginstall) and version.
pgserver_tree() {
    python3 - <<'EOF'
import importlib.util, importlib.metadata, os, sys
spec = importlib.util.find_spec("pgserver")
if spec is None or not spec.submodule_search_locations:
    sys.exit(1)
print(os.path.join(list(spec.submodule_search_locations)[0], "pginstall"))
print(importlib.metadata.version("pgserver"))
EOF
}

# Sets $bindir to a pgserver bin directory the cluster owner can execute.
find_bindir() {
    local info tree version dest tmp
    if ! info=$(pgserver_tree 2>/dev/null); then
        echo "test-pgvector: installing pgserver with pip" >&2
        PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check pgserver >&2 \
            || { echo "test-pgvector: pip install pgserver failed" >&2; exit 1; }
        info=$(pgserver_tree) || { echo "test-pgvector: pgserver not importable after pip install" >&2; exit 1; }
    fi
    tree=$(sed -n 1p <<<"$info")
    version=$(sed -n 2p <<<"$info")
    if [ ! -x "$tree/bin/initdb" ] || [ ! -f "$tree/lib/postgresql/vector.so" ]; then
        echo "test-pgvector: $tree lacks initdb or vector.so" >&2
        exit 1
    fi
    if as_owner test -x "$tree/bin/postgres" 2>/dev/null; then
        bindir=$tree/bin
        return
    fi
    # The owner cannot reach site-packages: use a copy. The binaries find libpq through the
    # RPATH $ORIGIN/../../../pgserver.libs, so keep the pgserver/pginstall + pgserver.libs layout.
    dest=$bin_cache/$version
    mkdir -p -m 755 "$bin_cache"
    # It lives in world-writable /tmp: refuse a directory someone else could have planted.
    if [ -L "$bin_cache" ] || [ "$(stat -c %u "$bin_cache")" != "$(id -u)" ] \
        || [ -n "$(find "$bin_cache" -maxdepth 0 -perm /022)" ]; then
        echo "test-pgvector: $bin_cache is not ours or is group/world-writable" >&2
        exit 1
    fi
    if [ ! -x "$dest/pgserver/pginstall/bin/postgres" ]; then
        tmp=$(mktemp -d "$bin_cache/.tmp.XXXXXX")
        { mkdir "$tmp/pgserver" && cp -a "$tree" "$tmp/pgserver/pginstall" \
            && { [ ! -d "$tree/../../pgserver.libs" ] || cp -a "$tree/../../pgserver.libs" "$tmp/pgserver.libs"; } \
            && chmod -R a+rX,go-w "$tmp"; } || { rm -rf "$tmp"; echo "test-pgvector: copying $tree failed" >&2; exit 1; }
        # Atomic publish; if a concurrent start won the race, use its copy and drop ours.
        mv -T "$tmp" "$dest" 2>/dev/null || rm -rf "$tmp"
    fi
    bindir=$dest/pgserver/pginstall/bin
}

# shellcheck source=scripts/throwaway-postgres.sh
. "$(dirname "$0")/throwaway-postgres.sh"

case "${1:-}" in
start)
    find_bindir
    dir=$(mktemp -d /tmp/toolhost-pgvector.XXXXXX)
    chmod 755 "$dir"
    echo "$bindir" >"$dir/bindir"
    if [ "$(id -u)" -eq 0 ]; then chown "$owner:" "$dir"; fi
    start_throwaway_server "$bindir" "$dir" || exit 1
    as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d template1 -X -q -v ON_ERROR_STOP=1 \
        -c 'CREATE EXTENSION vector' >/dev/null
    as_owner "$bindir/createdb" -h "$dir" -p "$port" -U postgres toolhost_test
    echo "postgresql://postgres@/toolhost_test?host=$dir&port=$port"
    ;;
stop)
    dir=${2:?usage: test-pgvector.sh stop DIR}
    case "$(basename "$dir")" in
    toolhost-pgvector.*) ;;
    *) echo "test-pgvector: $dir is not a directory made by test-pgvector.sh start" >&2; exit 1 ;;
    esac
    if [ -f "$dir/data/postmaster.pid" ]; then
        bindir=$(cat "$dir/bindir" 2>/dev/null || true)
        if [ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ]; then
            as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
        fi
        # Fallback if pg_ctl is gone or failed: SIGQUIT is the postmaster's immediate shutdown.
        pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "$dir/data" "/proc/$pid/cmdline" 2>/dev/null; then
            kill -QUIT "$pid" 2>/dev/null || true
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
        fi
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: test-pgvector.sh start | stop DIR" >&2
    exit 2
    ;;
esac
