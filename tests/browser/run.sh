#!/usr/bin/env bash
# The browser check of the report: builds a report from the bundled
# 1 April 2020 scenario and its waiting-room variant with few replications,
# then renders it in headless Chromium at 1280 and 390 px and checks it
# (tests/browser/check_report.py: no sideways scroll, figures fit, no text
# cut off or drawn over other text, figure text at least 14 px on a
# projected page and 10 px on a phone) and writes screenshots.
#
#   tests/browser/run.sh                 # run the scenarios, then check
#   tests/browser/run.sh report.html     # check a report already written
#
# Without Chromium the check fails, unless CLICKDAY_BROWSER=optional is set,
# when it says so and passes. CLICKDAY_BROWSER_REPLICATIONS (default 2) sets
# the replications; CLICKDAY_BROWSER_OUT the folder for the run and the
# screenshots (default: a new folder under /tmp).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

skip_or_fail() {
    if [ "${CLICKDAY_BROWSER:-}" = optional ]; then
        echo "browser check skipped: $1 (CLICKDAY_BROWSER=optional)"
        exit 0
    fi
    echo "browser check failed: $1 (set CLICKDAY_BROWSER=optional to skip it)" >&2
    exit 1
}

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$chromium" ] || ! command -v "$chromium" > /dev/null; then
    skip_or_fail "no chromium${chromium:+ at $chromium}; install it with apt-get install chromium"
fi
command -v python3 > /dev/null || skip_or_fail "no python3"

out=${CLICKDAY_BROWSER_OUT:-$(mktemp -d /tmp/clickday-browser.XXXXXX)}
mkdir -p "$out"
if [ $# -ge 1 ]; then
    report=$1
else
    cd "$root"
    cargo build --release --quiet
    "$root/target/release/clickday" run scenarios/inps-2020-04-01.toml scenarios/inps-2020-04-01-waiting-room.toml \
        -r "${CLICKDAY_BROWSER_REPLICATIONS:-2}" --out "$out" --name browser -q > "$out/run.log"
    report=$out/browser/report.html
fi

if [ ! -f "$report" ]; then
    echo "browser check failed: no report at $report" >&2
    exit 1
fi
status=0
python3 "$here/check_report.py" "$report" --out "$out/shots" --chromium "$chromium" --pieces || status=$?
echo "screenshots in $out/shots"
case $status in
    0) exit 0 ;;
    2) skip_or_fail "chromium could not be started or the report not opened" ;;
    *) exit "$status" ;;
esac
