# Sourced by test-postgres.sh and test-pgvector.sh (not run on its own): what their throwaway
# servers share. The caller defines as_owner (runs a command as the user owning DIR).

# start_throwaway_server BINDIR DIR: initdb in DIR/data, then start a server that listens only
# on a unix socket in DIR, tuned for tests (no fsync); sets $port. Logs stay in DIR.
start_throwaway_server() {
    local bindir=$1 dir=$2
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    port=$((20000 + RANDOM % 20000))
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
}
