#!/usr/bin/env bash
# Load benchmark of the release build on SQLite and on PostgreSQL, over loopback only, run as
# the service runs for real: the background sweep on and responses compressed as a browser asks.
#
#   scripts/bench.sh
#
# For each backend and each size in BENCH_CHILDREN (default 100000; several sizes side by side:
# BENCH_CHILDREN="100000 1000000"): load the synthetic children with `resettle synth` (timed,
# with the loader's peak memory), start `resettle serve` with the background sweep every
# BENCH_SWEEP_MINUTES (default 5, as deployed) and wait for its first sweep (the one after
# loading; its duration is reported), sign in, and run wrk (2 threads, 32 connections,
# BENCH_SECONDS, default 15, `Accept-Encoding: br, gzip`) against /healthz, /caseload,
# /readiness (the readiness caseload) and /children/<id>. Prints requests/s, each page's share
# of /healthz's requests/s, p50 and p99, and the bytes on the wire (compressed, and in full),
# marking p99 >= 25 ms as over target.
# Then the same pages while sweeps run back to back in another process (`resettle sweep`),
# with how long each sweep took.
# Then a write-heavy mix: case managers recording appointments and actions through the API
# (wrk -t1 -c8) while others read the caseload and children's records (wrk -t1 -c24), at the
# same time, each reported apart, with the server's resident memory at the end (VmRSS) and its
# peak (VmHWM).
# Then times the national cohort outcomes report for one year (GET /api/v1/reports/cohort as the
# strategic lead, best of 5) beside the same headline counts written as one hand-made SQL query
# against the same database (best of 5): target under 1 s and at most 3 times the query.
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
TARGET_P99_MS=25
SWEEP_MINUTES=${BENCH_SWEEP_MINUTES:-5}
ENCODING="br, gzip"

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
    local backend=$1 url=$2 work=$3 children=$4
    local bin=$BENCH_BIN server="" port mport base log
    log=$work/$backend-$children-server.log
    ROW_PREFIX="$backend|$children"

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

    say "$backend: loading $children children (resettle synth --seed 1)"
    local t0 t1 load_s peak_kb
    t0=$(date +%s.%N)
    if ! timeout "$SYNTH_TIMEOUT" /usr/bin/time -f '%M' -o "$work/$backend-$children-synth.mem" \
        "$bin" synth --children "$children" --seed 1 --database-url "$url" \
        >"$work/$backend-$children-synth.log" 2>&1; then
        tail -n 20 "$work/$backend-$children-synth.log" >&2
        fail "resettle synth failed (or took over ${SYNTH_TIMEOUT} s)"
    fi
    t1=$(date +%s.%N)
    load_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    peak_kb=$(tail -n 1 "$work/$backend-$children-synth.mem")
    local peak_mb=$((peak_kb / 1024)) load_note=""
    ((peak_mb < 500)) || load_note="; over the 500 MB target"
    say "$backend: loaded $children children in $load_s s, peak memory $peak_mb MB"
    row "(load)" "" "" "" "" "" "loaded in $load_s s; the loader's peak memory $peak_mb MB$load_note"

    port=$(free_port)
    mport=$(free_port)
    base=http://127.0.0.1:$port
    # As deployed: the background sweep on (its first run starts with the server).
    "$bin" serve --bind "127.0.0.1:$port" --metrics-bind "127.0.0.1:$mport" --database-url "$url" \
        --sweep-minutes "$SWEEP_MINUTES" >"$log" 2>&1 </dev/null &
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
    if ((SWEEP_MINUTES > 0)); then
        # The first sweep after a load escalates everything already late: wait for it, and
        # report how long it took (from the server's own metrics).
        local runs=0 took=""
        for _ in $(seq 1 "$SYNTH_TIMEOUT"); do
            runs=$(curl -fsS --max-time 5 "http://127.0.0.1:$mport/metrics" 2>/dev/null |
                awk '/^resettle_sweep_runs_total/ { n += $2 } END { print n + 0 }') || runs=0
            ((runs > 0)) && break
            sleep 1
        done
        ((runs > 0)) || fail "the background sweep did not finish within ${SYNTH_TIMEOUT} s"
        took=$(curl -fsS --max-time 5 "http://127.0.0.1:$mport/metrics" |
            awk '/^resettle_sweep_duration_seconds_sum/ { printf "%.1f", $2 }')
        say "$backend: the first background sweep took $took s"
        row "(first sweep after loading, in serve)" "" "" "" "" "" "took $took s"
    fi

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

    local page code wire full
    for page in /caseload /readiness "/children/$child_id"; do
        code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$page") || true
        [[ $code == 200 ]] || fail "GET $page with the session cookie returned $code, not 200"
    done

    HEALTHZ_RPS=""
    local out
    for page in /healthz /caseload /readiness "/children/$child_id"; do
        say "$backend: wrk -t2 -c32 -d${SECONDS_PER_RUN}s $page (Accept-Encoding: $ENCODING)"
        local hdr=(-H "Accept-Encoding: $ENCODING")
        [[ $page == /healthz ]] || hdr+=(-H "Cookie: $cookie")
        out=$(timeout $((SECONDS_PER_RUN + 60)) wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency --timeout 10s \
            "${hdr[@]}" "$base$page" 2>&1) || fail "wrk failed on $page: $out"
        # Bytes on the wire as a browser receives the page (compressed), and in full.
        wire=$(curl -sS --max-time 30 -o /dev/null -w '%{size_download}' "${hdr[@]}" "$base$page") || wire="?"
        full=$(curl -sS --max-time 30 -o /dev/null -w '%{size_download}' -H "Cookie: $cookie" "$base$page") ||
            full="?"
        local label=$page
        [[ $page != /children/* ]] || label=/children/{id}
        [[ $page != /healthz ]] || HEALTHZ_RPS=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
        wrk_row "$label" "$out" "$wire of $full"
    done
    sweep_bench "$url" "$work" "$cookie" "$base" /caseload "/children/$child_id" ||
        fail "the pages-while-sweeping run failed"
    write_mix_bench "$backend" "$base" "$token" "$work" "$server" || fail "the write-heavy mix failed"
    cohort_bench "$backend" "$url" "$base" "$work" || fail "the cohort report benchmark failed"
    stop_server
    trap - EXIT
}

# A result row: $1 page, $2 requests/s, $3 share of /healthz, $4 p50, $5 p99, $6 bytes, $7 note.
row() {
    printf '%s|%s|%s|%s|%s|%s|%s|%s\n' "$ROW_PREFIX" "$1" "$2" "$3" "$4" "$5" "$6" "$7" >>"$BENCH_RESULTS"
}

# wrk's requests/s, p50, p99 and errors of one run as a result row: $1 label, $2 output,
# $3 bytes on the wire (optional), $4 a note to add (optional).
wrk_row() {
    local rps p50 p99 non2xx sockerr note=${4:-} share=""
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$2")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$2")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$2")")
    non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' <<<"$2")
    sockerr=$(awk '/Socket errors/ { sub(/^ */, ""); print }' <<<"$2")
    if awk -v p="$p99" -v t="$TARGET_P99_MS" 'BEGIN { exit !(p == "nan" || p + 0 >= t) }'; then
        note="${note:+$note; }p99 over target"
    fi
    [[ -z $non2xx ]] || note="${note:+$note; }$non2xx non-2xx/3xx responses"
    [[ -z $sockerr ]] || note="${note:+$note; }$sockerr"
    if [[ -n ${HEALTHZ_RPS:-} && $1 != /healthz ]]; then
        share=$(awk -v r="$rps" -v h="$HEALTHZ_RPS" 'BEGIN { if (h > 0) printf "%.2f", r / h }')
    fi
    row "$1" "$rps" "$share" "$p50 ms" "$p99 ms" "${3:-}" "$note"
}

# The pages while sweeps run back to back in another process (`resettle sweep`, as a
# scheduler would run it beside the server) for the whole of each wrk run; each sweep's
# duration is reported. $1 URL, $2 work dir, $3 cookie, $4 base URL, then the pages.
sweep_bench() {
    local url=$1 work=$2 cookie=$3 base=$4 page out
    shift 4
    for page in "$@"; do
        local stop=$work/sweep.stop times=$work/sweep.times
        rm -f "$stop"
        : >"$times"
        (
            while [[ ! -e $stop ]]; do
                /usr/bin/time -f '%e' -a -o "$times" "$BENCH_BIN" sweep --database-url "$url" >/dev/null 2>&1 || exit 1
            done
        ) &
        local sweeper=$!
        sleep 1
        say "$ROW_PREFIX: wrk -t2 -c32 -d${SECONDS_PER_RUN}s $page while sweeps run back to back"
        if ! out=$(timeout $((SECONDS_PER_RUN + 60)) wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency --timeout 10s \
            -H "Accept-Encoding: $ENCODING" -H "Cookie: $cookie" "$base$page" 2>&1); then
            touch "$stop"
            wait "$sweeper" || true
            return 1
        fi
        touch "$stop"
        wait "$sweeper" || return 1
        local label=$page sweeps
        [[ $page != /children/* ]] || label=/children/{id}
        sweeps=$(awk '{ n++; s += $1; if ($1 > m) m = $1 }
            END { printf "%d sweep(s) in another process, %.1f s each on average, the longest %.1f s", n, (n ? s / n : 0), m }' \
            "$times")
        wrk_row "$label while sweeping" "$out" "" "$sweeps"
    done
}

# Writers and readers at once, through the API as the case manager (their first 50 children):
# writes alternate between a supervision appointment (each at its own minute) and an action
# owned by the child's youth justice service; reads alternate between the caseload's first page
# and a child's record. $1 backend, $2 base URL, $3 token, $4 work dir, $5 server pid.
write_mix_bench() {
    local backend=$1 base=$2 token=$3 work=$4 pid=$5 children writes reads
    children=$(curl -fsS --max-time 30 -H "Authorization: Bearer $token" "$base/api/v1/children?per_page=50" |
        python3 -c '
import json, sys
body = json.load(sys.stdin)
items = body if isinstance(body, list) else (body.get("items") or body.get("data") or [])
print(", ".join("{\"%s\", \"%s\"}" % (c["id"], c["yjs_id"]) for c in items[:50]))
') || return 1
    [[ -n $children ]] || return 1
    cat >"$work/mix.lua" <<LUA
local children = { $children }
local n = 0
local role = "ROLE"
local token = "$token"
function request()
  n = n + 1
  local c = children[(n % #children) + 1]
  local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  if role == "write" then
    if n % 2 == 0 then
      local m = n % 525600
      local body = string.format('{"kind": "yjs_supervision", "starts_at": "2027-%02d-%02dT%02d:%02d:00Z"}',
        math.floor(m / 43200) % 12 + 1, math.floor(m / 1440) % 28 + 1, math.floor(m / 60) % 24, m % 60)
      return wrk.format("POST", "/api/v1/children/" .. c[1] .. "/appointments", headers, body)
    end
    local body = string.format('{"description": "Benchmark action %d", "owner_organisation_id": "%s"}', n, c[2])
    return wrk.format("POST", "/api/v1/children/" .. c[1] .. "/actions", headers, body)
  end
  if n % 2 == 0 then
    return wrk.format("GET", "/api/v1/caseload?page=1", headers)
  end
  return wrk.format("GET", "/api/v1/children/" .. c[1], headers)
end
LUA
    sed 's/^local role = "ROLE"/local role = "write"/' "$work/mix.lua" >"$work/mix-write.lua"
    sed 's/^local role = "ROLE"/local role = "read"/' "$work/mix.lua" >"$work/mix-read.lua"
    say "$backend: write-heavy mix for ${SECONDS_PER_RUN}s (8 writers, 24 readers)"
    timeout $((SECONDS_PER_RUN + 60)) wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" --latency --timeout 10s \
        -s "$work/mix-write.lua" "$base" >"$work/mix-write.out" 2>&1 &
    local writer=$!
    reads=$(timeout $((SECONDS_PER_RUN + 60)) wrk -t1 -c24 -d"${SECONDS_PER_RUN}s" --latency --timeout 10s \
        -s "$work/mix-read.lua" "$base" 2>&1) || return 1
    wait "$writer" || return 1
    writes=$(cat "$work/mix-write.out")
    wrk_row "mix: writes (appointments, actions)" "$writes"
    wrk_row "mix: reads beside them (API)" "$reads"
    local rss hwm
    rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo "?")
    hwm=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo "?")
    row "server memory after the mix" "" "" "" "" "" "$rss MB resident, $hwm MB at its peak"
}

# The hand-made query: the cohort (each child's first release in the period), arrested within
# 12 months and within 28 days, proven reoffending (sentenced; caution or conviction within the
# follow-up and six months more), a suitable home on the day of release, and no unacceptable
# absence or enforcement. $1: sqlite or postgres.
cohort_sql() {
    local plus12 plus18 plus27 yes
    if [[ $1 == sqlite ]]; then
        plus12="date(c.released_on, '+12 months')" plus18="date(c.released_on, '+18 months')"
        plus27="date(c.released_on, '+27 days')" yes=1
    else
        plus12="(c.released_on + interval '12 months')::date" plus18="(c.released_on + interval '18 months')::date"
        plus27="(c.released_on + 27)" yes=true
    fi
    cat <<SQL
WITH cohort AS (
  SELECT e.child_id, MIN(e.ended_on) AS released_on, MIN(e.kind) AS kind FROM custody_episodes e
  WHERE e.ended_on >= '$COHORT_FROM' AND e.ended_on <= '$COHORT_TO' GROUP BY e.child_id)
SELECT
 (SELECT COUNT(*) FROM cohort),
 (SELECT COUNT(*) FROM cohort c WHERE EXISTS (SELECT 1 FROM offences o WHERE o.child_id = c.child_id
   AND COALESCE(o.arrested_on, o.offence_on) BETWEEN c.released_on AND $plus12)),
 (SELECT COUNT(*) FROM cohort c WHERE EXISTS (SELECT 1 FROM offences o WHERE o.child_id = c.child_id
   AND COALESCE(o.arrested_on, o.offence_on) BETWEEN c.released_on AND $plus27)),
 (SELECT COUNT(*) FROM cohort c WHERE c.kind = 'sentence' AND EXISTS (SELECT 1 FROM offences o
   WHERE o.child_id = c.child_id AND o.outcome IN ('youth_caution', 'youth_conditional_caution', 'convicted')
   AND COALESCE(o.offence_on, o.arrested_on) BETWEEN c.released_on AND $plus12
   AND (o.outcome_on IS NULL OR o.outcome_on <= $plus18))),
 (SELECT COUNT(*) FROM cohort c WHERE EXISTS (SELECT 1 FROM living_arrangements l WHERE l.child_id = c.child_id
   AND l.suitable = $yes AND l.from_day = (SELECT MAX(l2.from_day) FROM living_arrangements l2
   WHERE l2.child_id = c.child_id AND l2.from_day <= c.released_on))),
 (SELECT COUNT(*) FROM cohort c WHERE NOT EXISTS (SELECT 1 FROM appointments a WHERE a.child_id = c.child_id
   AND a.outcome = 'unacceptable_absence') AND NOT EXISTS (SELECT 1 FROM enforcement x WHERE x.child_id = c.child_id));
SQL
}

# Seconds (best of 5) for the report over HTTP and for the hand-made query, as result rows.
cohort_bench() {
    local backend=$1 url=$2 base=$3 work=$4 token best_api best_sql t0 t1 secs i
    COHORT_FROM=$(date -d '-730 days' +%F) COHORT_TO=$(date -d '-366 days' +%F)
    token=$(timeout 120 "$BENCH_BIN" token create --email strategic.lead@demo.resettle.test --database-url "$url" \
        2>/dev/null | tail -n 1) || return 1
    best_api=999 best_sql=999
    for i in 1 2 3 4 5; do
        secs=$(curl -fsS --max-time 60 -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
            "$base/api/v1/reports/cohort?released_from=$COHORT_FROM&released_to=$COHORT_TO") || return 1
        best_api=$(awk -v a="$best_api" -v b="$secs" 'BEGIN { print (b < a ? b : a) }')
        t0=$(date +%s.%N)
        if [[ $backend == sqlite ]]; then
            sqlite3 "${url#sqlite://}" "$(cohort_sql sqlite)" >"$work/cohort-sql.out" || return 1
        else
            psql "$url" -qAtX -c "$(cohort_sql postgres)" >"$work/cohort-sql.out" || return 1
        fi
        t1=$(date +%s.%N)
        best_sql=$(awk -v a="$best_sql" -v s="$t0" -v e="$t1" 'BEGIN { d = e - s; print (d < a ? d : a) }')
    done
    say "$backend: cohort $COHORT_FROM to $COHORT_TO: report ${best_api}s, hand-made query ${best_sql}s ($(cat "$work/cohort-sql.out"))"
    local note
    note=$(awk -v a="$best_api" -v s="$best_sql" 'BEGIN {
        n = ""; if (a >= 1) n = "over 1 s"; if (a > 3 * s) n = (n ? n "; " : "") "over 3x the query"
        printf "%s%sx the query", (n ? n "; " : ""), (s > 0 ? sprintf("%.1f", a / s) : "?") }')
    local api_ms sql_ms
    api_ms=$(awk -v a="$best_api" 'BEGIN { printf "%.0f", a * 1000 }')
    sql_ms=$(awk -v a="$best_sql" 'BEGIN { printf "%.0f", a * 1000 }')
    row "cohort report (1 year, national)" "" "" "$api_ms ms" "$api_ms ms" "" "best of 5; $note"
    row "cohort, one hand-made SQL query" "" "" "$sql_ms ms" "$sql_ms ms" "" "best of 5 (includes starting the client)"
}

# Internal entry point, run inside scripts/with-postgres.sh.
if [[ ${1:-} == --postgres-inside ]]; then
    [[ -n ${RESETTLE_TEST_POSTGRES_URL:-} ]] || die "RESETTLE_TEST_POSTGRES_URL is not set"
    for children in $CHILDREN; do
        psql "$RESETTLE_TEST_POSTGRES_URL" -qX -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS resettle_bench' \
            -c 'CREATE DATABASE resettle_bench' >/dev/null
        (run_backend postgres "${RESETTLE_TEST_POSTGRES_URL%/postgres}/resettle_bench" "$2" "$children") || exit 1
    done
    psql "$RESETTLE_TEST_POSTGRES_URL" -qX -c 'DROP DATABASE IF EXISTS resettle_bench' >/dev/null || true
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
            for children in $CHILDREN; do
                if ! (run_backend sqlite "sqlite://$WORK/bench.db" "$WORK" "$children"); then
                    failures=$((failures + 1))
                fi
                rm -f "$WORK"/bench.db*
            done
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
echo "Resettle benchmark: wrk -t2 -c32 -d${SECONDS_PER_RUN}s on loopback, Accept-Encoding: $ENCODING, $(nproc) cores,"
echo "the background sweep every $SWEEP_MINUTES minutes (0: off)"
echo "(targets: p99 under $TARGET_P99_MS ms, also while sweeping; the caseload at 0.30 or more of /healthz;"
echo " the loader under 500 MB; the PostgreSQL server runs with fsync off)"
echo
{
    echo "backend|children|page|requests/s|of /healthz|p50|p99|bytes on the wire|note"
    echo "-------|--------|----|----------|-----------|---|---|-----------------|----"
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
