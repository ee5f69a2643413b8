#!/usr/bin/env bash
# Install the tools Resettle's builds and tests need, when they are missing.
#
#   scripts/ensure-tools.sh [--browser] [--postgres] [--mail] [--bench]
#
#   (always)    cargo-nextest (cargo install --locked), unless already installed
#   --browser   Debian's chromium (/usr/bin/chromium) and fonts-liberation
#   --postgres  Debian's PostgreSQL server, unless initdb and pg_ctl are already available
#   --mail      Debian's python3-aiosmtpd: the real SMTP server the email tests send to
#   --bench     wrk and curl
#
# Node packages are installed by scripts/build-assets.sh. Only Debian's packages, crates.io and
# npm are used; nothing is downloaded from anywhere else. Runs as root, or through sudo.
set -euo pipefail

say() { printf 'ensure-tools: %s\n' "$*"; }
die() { printf 'ensure-tools: ERROR: %s\n' "$*" >&2; exit 1; }

want_browser=0 want_postgres=0 want_mail=0 want_bench=0
for arg in "$@"; do
    case $arg in
        --browser) want_browser=1 ;;
        --postgres) want_postgres=1 ;;
        --mail) want_mail=1 ;;
        --bench) want_bench=1 ;;
        -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option: $arg (expected --browser, --postgres, --mail, --bench)" ;;
    esac
done

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    fi
fi

apt_updated=0
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        die "apt-get not found: install these by hand: $*"
    fi
    if [[ $(id -u) -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
        die "not root and no sudo: install these by hand: $*"
    fi
    local log
    log=$(mktemp)
    if ((apt_updated == 0)); then
        say "apt-get update"
        if ! "${SUDO[@]}" apt-get update -qq >"$log" 2>&1; then
            cat "$log" >&2
            rm -f "$log"
            die "apt-get update failed"
        fi
        apt_updated=1
    fi
    say "installing Debian packages: $*"
    if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        die "apt-get install $* failed"
    fi
    rm -f "$log"
}

# find_pg_bin NAME: print the path of a PostgreSQL server program, or fail.
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

# --- Rust test runner -------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
    die "cargo not found: Rust (rustup) must be installed first"
fi
if ! cargo nextest --version >/dev/null 2>&1; then
    say "installing cargo-nextest from crates.io (takes a few minutes)"
    cargo install --locked --quiet cargo-nextest
fi

# --- Debian packages --------------------------------------------------------------------------
pkgs=()
if ((want_browser)); then
    [[ -x /usr/bin/chromium ]] || pkgs+=(chromium)
    # Metric-compatible Arial for the font stack (system-ui, arial, sans-serif) in screenshots.
    [[ -d /usr/share/fonts/truetype/liberation ]] || pkgs+=(fonts-liberation)
fi
if ((want_postgres)); then
    if ! find_pg_bin initdb >/dev/null || ! find_pg_bin pg_ctl >/dev/null; then
        pkgs+=(postgresql)
    fi
    command -v psql >/dev/null 2>&1 || find_pg_bin psql >/dev/null || pkgs+=(postgresql-client)
fi
if ((want_mail)); then
    /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || pkgs+=(python3-aiosmtpd)
fi
if ((want_bench)); then
    command -v wrk >/dev/null 2>&1 || pkgs+=(wrk)
    command -v curl >/dev/null 2>&1 || pkgs+=(curl)
    command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
    [[ -x /usr/bin/time ]] || pkgs+=(time)
    command -v sqlite3 >/dev/null 2>&1 || pkgs+=(sqlite3)
fi
if ((${#pkgs[@]} > 0)); then
    apt_install "${pkgs[@]}"
fi

# --- checks -----------------------------------------------------------------------------------
if ((want_browser)); then
    [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is still missing"
fi
if ((want_postgres)); then
    find_pg_bin initdb >/dev/null || die "initdb is still missing"
    find_pg_bin pg_ctl >/dev/null || die "pg_ctl is still missing"
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        die "running as root but there is no 'postgres' user to run the test server as"
    fi
fi
if ((want_mail)); then
    /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || die "python3-aiosmtpd is still missing"
fi
if ((want_bench)); then
    command -v wrk >/dev/null 2>&1 || die "wrk is still missing"
fi
command -v node >/dev/null 2>&1 || say "warning: node is not installed (Node.js 20+ and npm are needed for the assets)"
say "tools ready"
