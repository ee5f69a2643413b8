#!/usr/bin/env bash
# Property-based test of the JSON API against its own description: start `resettle demo` on a
# free loopback port with a fresh synthetic database, make an API token for the demo case
# manager, and run schemathesis (from PyPI, pinned, in a virtualenv under target/) against
# /api/openapi.json with a small, seeded budget. Fails on any failure schemathesis reports.
#
#   scripts/api-fuzz.sh                 # uses target/debug/resettle
#   ST_MAX_EXAMPLES=50 scripts/api-fuzz.sh
#
# One check is left out: `positive_data_acceptance` (a request the description allows must be
# accepted). The description gives each field's list (`enum`) and format (`date`, `date-time`,
# `uuid`), but not the rules between fields or against the record (a day before the child was
# born, an organisation that does not exist, a version that is stale), so a schema-valid request
# is still, rightly, refused with 422 for some operations (9 of 65 "mostly" at the committed seed).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'api-fuzz: %s\n' "$*"; }
die() { printf 'api-fuzz: ERROR: %s\n' "$*" >&2; exit 1; }

SCHEMATHESIS_VERSION=4.32.5
VENV=target/schemathesis-venv
BIN=${RESETTLE_BIN:-target/debug/resettle}
DEMO_EMAIL=case.manager@demo.resettle.test
[[ -x $BIN ]] || die "$BIN not found: build it first (cargo build -p resettle)"

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/resettle-fuzz.XXXXXX")
mkdir -p test-results
LOG=test-results/api-fuzz-server.log
: >"$LOG"
server=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(free_port)
BASE_URL=http://127.0.0.1:$PORT
DB="sqlite://$WORK/demo.db"
say "starting $BIN demo on $BASE_URL"
"$BIN" demo --bind "127.0.0.1:$PORT" --database-url "$DB" --children 40 --seed 11 >"$LOG" 2>&1 </dev/null &
server=$!
for _ in $(seq 1 120); do
    kill -0 "$server" 2>/dev/null || { tail -n 40 "$LOG" >&2; die "the demo server exited before it was ready"; }
    curl -fsS -o /dev/null --max-time 2 "$BASE_URL/healthz" 2>/dev/null && break
    sleep 0.5
done
curl -fsS -o /dev/null --max-time 2 "$BASE_URL/healthz" || die "the demo server did not answer within 60 s"

TOKEN=$("$BIN" token create --database-url "$DB" --email "$DEMO_EMAIL" --label api-fuzz | tail -n 1)
[[ $TOKEN == rst_* ]] || die "could not make an API token for $DEMO_EMAIL"

say "schemathesis against $BASE_URL/api/openapi.json"
"$VENV/bin/schemathesis" run "$BASE_URL/api/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --max-examples "${ST_MAX_EXAMPLES:-10}" \
    --seed "${ST_SEED:-20261204}" \
    --exclude-checks positive_data_acceptance \
    --request-timeout 10 \
    --no-color \
    --report junit --report-dir test-results/schemathesis
