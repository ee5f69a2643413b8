#!/usr/bin/env bash
# End-to-end browser test: start `resettle demo` on a free loopback port with a fresh synthetic
# database, run tests/browser/journey.mjs in Debian's Chromium against it, stop the server.
#
#   scripts/browser-test.sh            # uses target/debug/resettle
#   RESETTLE_BIN=target/release/resettle scripts/browser-test.sh
#
# Screenshots go to test-results/, and the server log to test-results/server.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'browser-test: %s\n' "$*"; }
die() { printf 'browser-test: ERROR: %s\n' "$*" >&2; exit 1; }

DEMO_EMAIL=case.manager@demo.resettle.test
DEMO_PASSWORD=demo-only-passphrase
BIN=${RESETTLE_BIN:-target/debug/resettle}

scripts/ensure-tools.sh --browser
scripts/build-assets.sh

[[ -x $BIN ]] || die "$BIN not found: build it first (cargo build -p resettle)"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/resettle-browser.XXXXXX")
mkdir -p test-results
LOG=test-results/server.log
: >"$LOG"
server=

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
    say "last lines of the server log ($LOG):"
    tail -n 40 "$LOG" | sed 's/^/    /' >&2
}

PORT=$(free_port)
BASE_URL=http://127.0.0.1:$PORT
say "starting $BIN demo on $BASE_URL"
"$BIN" demo --bind "127.0.0.1:$PORT" --database-url "sqlite://$WORK/demo.db" \
    --children 60 --seed 7 >"$LOG" 2>&1 </dev/null &
server=$!

ready=0
for _ in $(seq 1 120); do
    if ! kill -0 "$server" 2>/dev/null; then
        show_log
        die "the demo server exited before it was ready"
    fi
    if curl -fsS -o /dev/null --max-time 2 "$BASE_URL/healthz" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.5
done
if ((!ready)); then
    show_log
    die "the demo server did not answer $BASE_URL/healthz within 60 s"
fi
say "server ready; running the journey"

set +e
BASE_URL=$BASE_URL DEMO_EMAIL=$DEMO_EMAIL DEMO_PASSWORD=$DEMO_PASSWORD RESETTLE_BIN=$BIN \
    timeout 600 node tests/browser/journey.mjs
status=$?
set -e

if ((status != 0)); then
    show_log
    say "FAILED (exit $status); screenshots in test-results/"
fi
exit "$status"
