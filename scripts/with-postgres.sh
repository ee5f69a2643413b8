#!/usr/bin/env bash
# Run a command beside a throwaway PostgreSQL server.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Starts a fresh server (initdb into a new temporary directory, trust authentication, listening
# on 127.0.0.1 on a free port, its unix socket inside the temporary directory, fsync off,
# max_connections=200), exports
#
#   RESETTLE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres
#
# runs CMD, then stops the server and deletes the directory, also on failure or interrupt, and
# exits with CMD's exit code. When run as root, the server runs as the `postgres` user.
# Finds initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin (scripts/ensure-tools.sh
# --postgres installs them). Set RESETTLE_PG_KEEP_LOG=1 to print the server log at the end.
set -euo pipefail

say() { printf 'with-postgres: %s\n' "$*" >&2; }
die() { printf 'with-postgres: ERROR: %s\n' "$*" >&2; exit 1; }

(($# > 0)) || die "usage: $0 CMD [ARGS...]"

# --- find the server programs ----------------------------------------------------------------
find_pg_bin() {
    local p
    if p=$(command -v "$1" 2>/dev/null); then
        printf '%s\n' "$p"
        return 0
    fi
    for p in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x $p/$1 ]]; then
            printf '%s\n' "$p/$1"
            return 0
        fi
    done
    return 1
}
initdb_path=$(find_pg_bin initdb) || die "initdb not found (run scripts/ensure-tools.sh --postgres)"
# Use the pg_ctl and postgres that sit beside initdb (PATH may hold symlinks to them).
PGBIN=$(dirname "$(readlink -f "$initdb_path")")
for prog in initdb pg_ctl postgres; do
    [[ -x $PGBIN/$prog ]] || die "$PGBIN/$prog not found"
done
if [[ -x $PGBIN/pg_isready ]]; then
    PG_ISREADY=$PGBIN/pg_isready
else
    PG_ISREADY=$(find_pg_bin pg_isready) || die "pg_isready not found"
fi

# --- who runs the server ---------------------------------------------------------------------
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user"
    if command -v runuser >/dev/null 2>&1; then
        as_pg=(runuser -u postgres --)
    else
        as_pg=(su postgres -s /bin/sh -c '"$0" "$@"')
    fi
fi

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            printf '%s\n' "$p"
            return
        fi
    done
    return 1
}

# --- set up and tear down --------------------------------------------------------------------
# /tmp (not $TMPDIR) when root: the postgres user must be able to reach the directory.
if [[ $(id -u) -eq 0 ]]; then base=/tmp; else base=${TMPDIR:-/tmp}; fi
PGTMP=$(mktemp -d "$base/resettle-pg.XXXXXX")
started=0
child=

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $child ]] && kill -0 "$child" 2>/dev/null; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    if ((started)); then
        "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w -t 30 stop >/dev/null 2>&1 || {
            say "pg_ctl stop failed; killing the server"
            if [[ -f $PGTMP/data/postmaster.pid ]]; then
                kill -KILL "$(head -1 "$PGTMP/data/postmaster.pid")" 2>/dev/null || true
            fi
        }
    fi
    if [[ ${RESETTLE_PG_KEEP_LOG:-0} == 1 && -f $PGTMP/server.log ]]; then
        say "server log:"
        cat "$PGTMP/server.log" >&2
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$PGTMP/sock"
if ((${#as_pg[@]})); then
    chown -R postgres:postgres "$PGTMP"
fi

if ! "${as_pg[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$PGTMP/initdb.log" 2>&1; then
    cat "$PGTMP/initdb.log" >&2
    die "initdb failed"
fi

start_server() {
    cat >>"$PGTMP/data/postgresql.conf" <<EOF

# scripts/with-postgres.sh: a throwaway server for tests
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGTMP/sock'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 start \
        >/dev/null 2>&1
}

# A port found free can be taken before the server binds it: try a few.
for attempt in 1 2 3 4 5; do
    PORT=$(free_port) || die "no free port found"
    if start_server; then
        started=1
        break
    fi
    say "server did not start on port $PORT (attempt $attempt)"
    tail -5 "$PGTMP/server.log" >&2 || true
done
((started)) || die "could not start PostgreSQL; see the log above"

for _ in $(seq 1 60); do
    if "$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -t 1; then
        break
    fi
    sleep 1
done
"$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -t 5 ||
    die "PostgreSQL on 127.0.0.1:$PORT does not accept connections"

export RESETTLE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') ready at $RESETTLE_TEST_POSTGRES_URL"

# Run the command in the background and wait for it, so that an interrupt or TERM reaches the
# trap at once (and is passed on to the command) instead of after the command ends.
"$@" <&0 &
child=$!
set +e
wait "$child"
rc=$?
set -e
child=
exit "$rc"
