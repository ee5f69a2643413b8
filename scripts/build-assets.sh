#!/usr/bin/env bash
# Build Resettle's front-end assets into static/dist/.
#
#   static/dist/resettle.css            compiled from static/resettle.scss (MoJ + GOV.UK Frontend)
#   static/dist/app.js                  copied from static/app.js (ES module, progressive enhancement)
#   static/dist/govuk-frontend.min.js   GOV.UK Frontend's ES module
#   static/dist/moj-frontend.min.js     MoJ Frontend's ES module
#   static/dist/assets/                 images and manifest.json that the CSS and layout refer to
#
# The server serves static/dist at /static/ and static/dist/assets at /assets/.
# Runs `npm ci` when node_modules is missing or older than package-lock.json.
# Idempotent: does nothing (quickly) when nothing changed. Fonts are never copied: Resettle
# uses its own font stack, and GDS Transport may only be used on GOV.UK domains.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'build-assets: %s\n' "$*"; }
die() { printf 'build-assets: ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node is not installed (Node.js 20 or newer is needed)"
command -v npm >/dev/null 2>&1 || die "npm is not installed"

# --- node packages ------------------------------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install; it is our "installed at" stamp.
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp ]]; then
    # npm ci empties node_modules first: through a symlink (a git worktree sharing another
    # checkout's packages) that would wipe the other checkout's packages. Install only into a
    # node_modules of our own; a shared one is refreshed from the checkout that owns it.
    if [[ -L node_modules ]]; then
        if cmp -s package-lock.json "$(readlink -f node_modules)/../package-lock.json"; then
            say "node_modules is shared (a symlink) with the same package-lock.json: using it as it is"
        else
            die "node_modules is a symlink to $(readlink -f node_modules) and looks out of date: run scripts/build-assets.sh in the checkout that owns it, or replace the symlink with a folder of its own"
        fi
    else
        say "installing node packages (npm ci)"
        # No package here needs an install script (sass's optional file watcher ships prebuilt).
        npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
        touch "$stamp"
    fi
fi

GOVUK=node_modules/govuk-frontend/dist/govuk
MOJ=node_modules/@ministryofjustice/frontend/moj
[[ -d $GOVUK ]] || die "$GOVUK is missing: is govuk-frontend 6 installed?"
[[ -d $MOJ ]] || die "$MOJ is missing: is @ministryofjustice/frontend 11 installed?"

DIST=static/dist
mkdir -p "$DIST/assets/images"

changed=0
# copy_if_changed SRC DEST: copy one file unless DEST already has the same bytes.
copy_if_changed() {
    if [[ ! -f $2 ]] || ! cmp -s "$1" "$2"; then
        cp "$1" "$2"
        changed=$((changed + 1))
    fi
}

# --- stylesheet ---------------------------------------------------------------------------------
css=$DIST/resettle.css
if [[ ! -f $css || static/resettle.scss -nt $css || $stamp -nt $css || scripts/build-assets.sh -nt $css ]]; then
    say "compiling static/resettle.scss -> $css"
    node_modules/.bin/sass --style=compressed --no-source-map --load-path=. \
        static/resettle.scss "$css.tmp"
    mv "$css.tmp" "$css"
    changed=$((changed + 1))
fi

# --- scripts ------------------------------------------------------------------------------------
copy_if_changed static/app.js "$DIST/app.js"
copy_if_changed "$GOVUK/govuk-frontend.min.js" "$DIST/govuk-frontend.min.js"
copy_if_changed "$GOVUK/govuk-frontend.min.js.map" "$DIST/govuk-frontend.min.js.map"
copy_if_changed "$MOJ/moj-frontend.min.js" "$DIST/moj-frontend.min.js"
copy_if_changed "$MOJ/moj-frontend.min.js.map" "$DIST/moj-frontend.min.js.map"

# --- images and manifest (no fonts) -------------------------------------------------------------
for f in "$GOVUK"/assets/images/* "$MOJ"/assets/images/*; do
    if [[ -f $f ]]; then copy_if_changed "$f" "$DIST/assets/images/${f##*/}"; fi
done
copy_if_changed "$GOVUK/assets/manifest.json" "$DIST/assets/manifest.json"
# GOV.UK Frontend 5.x kept the refreshed brand in assets/rebrand; 6.x made it the default.
if [[ -d $GOVUK/assets/rebrand ]]; then
    while IFS= read -r -d '' f; do
        rel=${f#"$GOVUK/assets/"}
        case $rel in */fonts/*) continue ;; esac
        mkdir -p "$DIST/assets/$(dirname "$rel")"
        copy_if_changed "$f" "$DIST/assets/$rel"
    done < <(find "$GOVUK/assets/rebrand" -type f -print0)
fi
# Never ship GDS Transport, even if an older build left it behind.
rm -rf "$DIST/assets/fonts"

# --- checks on the compiled CSS -----------------------------------------------------------------
if grep -qi 'GDS Transport' "$css"; then
    die "$css mentions GDS Transport: the font must be set through \$moj-font-family"
fi
if grep -qi '@font-face' "$css"; then
    die "$css declares @font-face: no web fonts are shipped"
fi
missing=0
nurls=0
while IFS= read -r url; do
    url=${url#url(}
    url=${url%)}
    url=${url//\"/}
    url=${url//\'/}
    url=${url%%[?#]*}
    case $url in
        data:*) continue ;;
        /assets/*) file=$DIST/assets/${url#/assets/} ;;
        /static/*) file=$DIST/${url#/static/} ;;
        *) printf 'build-assets: unexpected url(%s) in %s\n' "$url" "$css" >&2; missing=$((missing + 1)); continue ;;
    esac
    nurls=$((nurls + 1))
    if [[ ! -f $file ]]; then
        printf 'build-assets: url(%s) in %s has no file %s\n' "$url" "$css" "$file" >&2
        missing=$((missing + 1))
    fi
done < <(grep -o 'url([^)]*)' "$css" | sort -u)
((missing == 0)) || die "$missing url() reference(s) in $css do not resolve"

if ((changed > 0)); then
    say "done: $changed file(s) updated in $DIST ($(wc -c <"$css") bytes of CSS, $nurls url() references, all present)"
else
    say "up to date"
fi
