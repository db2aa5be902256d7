#!/usr/bin/env bash
# The classroom page in a real browser: builds the page (cargo xtask
# classroom), runs the default day with the command line at classroom
# scale, then opens the page in headless Chromium with ?autorun=1 at the
# same scale and seed and checks (tests/classroom/check_page.py) that the
# page prints the command line's very table of verdicts, within 5 s, that
# cancel works, that it fetches nothing and fits 1280 and 390 px; writes
# screenshots. The build itself refuses a page over 5 MB or one that
# names a network address.
#
#   tests/classroom/run.sh                # build, run, check
#   tests/classroom/run.sh page.html      # check a page already built
#
# Without Chromium the check fails, unless CLICKDAY_BROWSER=optional is set.
# CLICKDAY_CLASSROOM_OUT: folder for the CLI run and the screenshots.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scale=0.02
seed=7

skip_or_fail() {
    if [ "${CLICKDAY_BROWSER:-}" = optional ]; then
        echo "classroom check skipped: $1 (CLICKDAY_BROWSER=optional)"
        exit 0
    fi
    echo "classroom check failed: $1 (set CLICKDAY_BROWSER=optional to skip it)" >&2
    exit 1
}

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$chromium" ] || ! command -v "$chromium" > /dev/null; then
    skip_or_fail "no chromium${chromium:+ at $chromium}; install it with apt-get install chromium"
fi
command -v python3 > /dev/null || skip_or_fail "no python3"

out=${CLICKDAY_CLASSROOM_OUT:-$(mktemp -d /tmp/clickday-classroom.XXXXXX)}
mkdir -p "$out"
cd "$root"
if [ $# -ge 1 ]; then
    page=$1
else
    cargo xtask classroom --out "$out/clickday-classroom.html"
    page=$out/clickday-classroom.html
fi
bytes=$(wc -c < "$page")
echo "page: $page, $bytes bytes"
if [ "$bytes" -ge $((5 * 1024 * 1024)) ]; then
    echo "classroom check failed: the page is $bytes bytes, 5 MB or more" >&2
    exit 1
fi
if grep -qiE '(https?|wss?)://' "$page"; then
    echo "classroom check failed: the page names a network address: $(grep -oiE '(https?|wss?)://[^"'\'' ]*' "$page" | head -1)" >&2
    exit 1
fi
cargo build --release --locked --quiet
"$root/target/release/clickday" run scenarios/inps-2020-04-01.toml --scale "$scale" --seed "$seed" -r 1 \
    --out "$out/cli" -q --no-report > "$out/cli.txt"
status=0
python3 "$here/check_page.py" "$page" --cli "$out/cli.txt" --scale "$scale" --seed "$seed" \
    --out "$out/shots" --chromium "$chromium" || status=$?
echo "screenshots in $out/shots"
case $status in
    0) exit 0 ;;
    2) skip_or_fail "chromium could not be started or the page not opened" ;;
    *) exit "$status" ;;
esac
