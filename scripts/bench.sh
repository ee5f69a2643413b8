#!/usr/bin/env bash
# Load benchmark of the release build on SQLite and on PostgreSQL, over loopback only.
#
#   scripts/bench.sh
#
# For each backend: load BENCH_CHILDREN (default 100000) synthetic children with
# `resettle synth` (timed), start `resettle serve`, sign in, and run wrk (2 threads,
# 32 connections, BENCH_SECONDS, default 15) against /healthz, /caseload, /readiness (the readiness caseload) and /children/<id>.
# Prints requests/s, p50 and p99 per page, marking p99 >= 50 ms as over target.
#
#   BENCH_CHILDREN=2000 BENCH_SECONDS=5 scripts/bench.sh      # a quick run
#   BENCH_BACKENDS=sqlite scripts/bench.sh                     # one backend only
#   RESETTLE_BIN=path/to/resettle scripts/bench.sh             # skip the cargo build
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

CHILDREN=${BENCH_CHILDREN:-100000}
SECONDS_PER_RUN=${BENCH_SECONDS:-15}
SYNTH_TIMEOUT=${BENCH_SYNTH_TIMEOUT:-3600}
EMAIL=case.manager@demo.resettle.test
PASSWORD=demo-only-passphrase
TARGET_P99_MS=50

# ------------------------------------------------------------------------------------------------
# One backend: load, serve, measure. Appends result rows to $BENCH_RESULTS.
# ------------------------------------------------------------------------------------------------
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# to_ms 635.00us|1.23ms|1.02s -> milliseconds
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else { printf "nan" }
    }'
}

run_backend() {
    local backend=$1 url=$2 work=$3
    local bin=$BENCH_BIN server="" port base log
    log=$work/$backend-server.log

    stop_server() {
        if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
            kill -TERM "$server" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$server" 2>/dev/null || break
                sleep 0.2
            done
            kill -KILL "$server" 2>/dev/null || true
            wait "$server" 2>/dev/null || true
        fi
        server=""
    }
    trap 'stop_server' EXIT
    fail() {
        say "$backend: $*"
        if [[ -s $log ]]; then
            say "last lines of the server log:"
            tail -n 20 "$log" | sed 's/^/    /' >&2
        fi
        stop_server
        exit 1
    }

    say "$backend: loading $CHILDREN children (resettle synth --seed 1)"
    local t0 t1 load_s
    t0=$(date +%s.%N)
    if ! timeout "$SYNTH_TIMEOUT" "$bin" synth --children "$CHILDREN" --seed 1 --database-url "$url" \
        >"$work/$backend-synth.log" 2>&1; then
        tail -n 20 "$work/$backend-synth.log" >&2
        fail "resettle synth failed (or took over ${SYNTH_TIMEOUT} s)"
    fi
    t1=$(date +%s.%N)
    load_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    say "$backend: loaded $CHILDREN children in $load_s s"
    printf '%s|(load)||||%s children in %s s\n' "$backend" "$CHILDREN" "$load_s" >>"$BENCH_RESULTS"

    port=$(free_port)
    base=http://127.0.0.1:$port
    # The background sweep is off here: it would compete with the load being measured.
    "$bin" serve --bind "127.0.0.1:$port" --database-url "$url" --sweep-minutes 0 >"$log" 2>&1 </dev/null &
    server=$!
    local ready=0
    for _ in $(seq 1 120); do
        kill -0 "$server" 2>/dev/null || fail "resettle serve exited before it was ready"
        if curl -fsS -o /dev/null --max-time 2 "$base/healthz" 2>/dev/null; then
            ready=1
            break
        fi
        sleep 0.5
    done
    ((ready)) || fail "resettle serve did not answer $base/healthz within 60 s"
    say "$backend: serving at $base"

    # An API token, to find a child.
    local token child_id
    token=$(timeout 120 "$bin" token create --email "$EMAIL" --database-url "$url" 2>>"$log" | tail -n 1) ||
        fail "resettle token create failed"
    [[ -n $token ]] || fail "resettle token create printed no token"
    child_id=$(curl -fsS --max-time 30 -H "Authorization: Bearer $token" "$base/api/v1/children" |
        python3 -c '
import json, sys
body = json.load(sys.stdin)
items = body if isinstance(body, list) else (body.get("items") or body.get("data") or [])
print(items[0]["id"] if items else "")
') || fail "GET /api/v1/children failed"
    [[ -n $child_id ]] || fail "GET /api/v1/children returned no children"

    # A browser-like session: the sign-in form's CSRF token, then the form post.
    local jar=$work/$backend-cookies.txt csrf cookie status
    rm -f "$jar"
    csrf=$(curl -fsS --max-time 30 -c "$jar" -b "$jar" "$base/sign-in" | python3 -c '
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    token = ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf_token" and not self.token:
            self.token = a.get("value") or ""
p = P(); p.feed(sys.stdin.read()); print(p.token)
') || fail "GET /sign-in failed"
    [[ -n $csrf ]] || fail "no csrf_token hidden input on /sign-in"
    status=$(curl -sS --max-time 60 -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" \
        -H "Origin: $base" \
        --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "csrf_token=$csrf" "$base/sign-in") || fail "POST /sign-in failed"
    case $status in
        30[0-9]\ *sign-in*) fail "signing in was refused (POST /sign-in: $status)" ;;
        30[0-9]\ *) ;;
        *) fail "signing in was refused (POST /sign-in: $status)" ;;
    esac
    cookie=$(python3 - "$jar" <<'EOF'
import sys
pairs = []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("#HttpOnly_"):
        line = line[len("#HttpOnly_"):]
    elif not line or line.startswith("#"):
        continue
    f = line.split("\t")
    if len(f) >= 7:
        pairs.append(f"{f[5]}={f[6]}")
print("; ".join(pairs))
EOF
)
    [[ -n $cookie ]] || fail "no session cookie after signing in"

    local page code
    for page in /caseload /readiness "/children/$child_id"; do
        code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$page") || true
        [[ $code == 200 ]] || fail "GET $page with the session cookie returned $code, not 200"
    done

    local out rps p50 p99 non2xx sockerr note
    for page in /healthz /caseload /readiness "/children/$child_id"; do
        say "$backend: wrk -t2 -c32 -d${SECONDS_PER_RUN}s $page"
        local hdr=()
        [[ $page == /healthz ]] || hdr=(-H "Cookie: $cookie")
        out=$(timeout $((SECONDS_PER_RUN + 60)) wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency --timeout 10s \
            "${hdr[@]}" "$base$page" 2>&1) || fail "wrk failed on $page: $out"
        rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
        p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
        p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
        non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' <<<"$out")
        sockerr=$(awk '/Socket errors/ { sub(/^ */, ""); print }' <<<"$out")
        note=""
        if awk -v p="$p99" -v t="$TARGET_P99_MS" 'BEGIN { exit !(p == "nan" || p + 0 >= t) }'; then
            note="over target"
        fi
        [[ -z $non2xx ]] || note="${note:+$note; }$non2xx non-2xx/3xx responses"
        [[ -z $sockerr ]] || note="${note:+$note; }$sockerr"
        local label=$page
        [[ $page != /children/* ]] || label=/children/{id}
        printf '%s|%s|%s|%s ms|%s ms|%s\n' "$backend" "$label" "$rps" "$p50" "$p99" "$note" >>"$BENCH_RESULTS"
    done
    stop_server
    trap - EXIT
}

# Internal entry point, run inside scripts/with-postgres.sh.
if [[ ${1:-} == --postgres-inside ]]; then
    [[ -n ${RESETTLE_TEST_POSTGRES_URL:-} ]] || die "RESETTLE_TEST_POSTGRES_URL is not set"
    psql "$RESETTLE_TEST_POSTGRES_URL" -qX -v ON_ERROR_STOP=1 -c 'CREATE DATABASE resettle_bench' >/dev/null
    run_backend postgres "${RESETTLE_TEST_POSTGRES_URL%/postgres}/resettle_bench" "$2"
    exit 0
fi

# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------
scripts/ensure-tools.sh --bench --postgres
scripts/build-assets.sh

if [[ -n ${RESETTLE_BIN:-} ]]; then
    BENCH_BIN=$(readlink -f "$RESETTLE_BIN")
else
    say "building the release binary (cargo build --release -p resettle)"
    cargo build --release -p resettle --locked
    BENCH_BIN=$ROOT/target/release/resettle
fi
[[ -x $BENCH_BIN ]] || die "$BENCH_BIN not found"
export BENCH_BIN

WORK=$(mktemp -d "${TMPDIR:-/tmp}/resettle-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export BENCH_RESULTS=$WORK/results
: >"$BENCH_RESULTS"

failures=0
for backend in ${BENCH_BACKENDS:-sqlite postgres}; do
    case $backend in
        sqlite)
            if ! (run_backend sqlite "sqlite://$WORK/bench.db" "$WORK"); then
                failures=$((failures + 1))
            fi
            rm -f "$WORK"/bench.db*
            ;;
        postgres)
            if ! scripts/with-postgres.sh "$0" --postgres-inside "$WORK"; then
                failures=$((failures + 1))
            fi
            ;;
        *) die "unknown backend in BENCH_BACKENDS: $backend" ;;
    esac
done

echo
echo "Resettle benchmark: $CHILDREN children, wrk -t2 -c32 -d${SECONDS_PER_RUN}s on loopback, $(nproc) cores"
echo "(target: p99 under $TARGET_P99_MS ms; the PostgreSQL server runs with fsync off)"
echo
{
    echo "backend|page|requests/s|p50|p99|note"
    echo "-------|----|----------|---|---|----"
    cat "$BENCH_RESULTS"
} | awk -F'|' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; if (NF > nf) nf = NF }
    END {
        for (r = 1; r <= n; r++) {
            line = ""
            for (i = 1; i <= nf; i++) line = line sprintf("%-" w[i] + 2 "s", cell[r, i])
            sub(/ +$/, "", line)
            print line
        }
    }'

if ((failures)); then
    die "$failures backend(s) failed; see the messages above"
fi
