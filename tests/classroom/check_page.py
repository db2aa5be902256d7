#!/usr/bin/env python3
"""Opens the classroom page in headless Chromium with ?autorun=1, waits for
the day to finish, and checks it against the command line: the page's
table of verdicts must be the very table `clickday run --scale S --seed N
-r 1` printed for the same day (given as a file). Also checks that the
cancel button stops a run and the next one still works, that both tries
are kept, that nothing is fetched, and that the page does not scroll
sideways at 1280 and 390 px; writes screenshots of both widths. The time
the day took is reported against the 5 s target, and fails the check
only with CLICKDAY_CLASSROOM_STRICT_TIME=1 (a time depends on the
machine's load).

    tests/classroom/check_page.py page.html --cli cli.txt --scale 0.02 --seed 7 --out /tmp/shots

Chromium is driven through the DevTools protocol, with the client of
tests/browser/check_report.py. Exit status: 0 when every check passes, 1
when one fails, 2 when the browser could not be started.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from check_report import Browser, find_chromium, screenshot  # noqa: E402

# The target: the default day at classroom scale in under 5 s.
MAX_RUN_SECONDS = 5.0


def evaluate(browser, session, expression):
    result = browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        raise RuntimeError("evaluating %s failed: %s" % (expression[:60], result["exceptionDetails"]))
    return result["result"].get("value")


def wait_state(browser, session, wanted, timeout):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = evaluate(browser, session, "(document.body && document.body.dataset.state) || ''")
        if last in wanted:
            return last
        time.sleep(0.1)
    raise RuntimeError("the page stayed '%s' for %d s (waiting for %s)" % (last, timeout, "/".join(wanted)))


def table_lines(text):
    """The verdict table: every line up to the interventions line included,
    without trailing spaces; the CLI's `wrote ...` lines are not part of it."""
    out = []
    for line in text.splitlines():
        if line.startswith("wrote "):
            break
        out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page")
    parser.add_argument("--cli", required=True, help="what `clickday run --scale S --seed N -r 1 -q --no-report` printed")
    parser.add_argument("--scale", required=True)
    parser.add_argument("--seed", required=True)
    parser.add_argument("--out", default=".")
    parser.add_argument("--chromium")
    parser.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args()
    executable = find_chromium(args.chromium)
    if not executable:
        print("no chromium found (apt-get install chromium, or pass --chromium)", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    url = "file://%s?autorun=1&scale=%s&seed=%s" % (os.path.abspath(args.page), args.scale, args.seed)
    try:
        browser = Browser(executable, args.timeout)
    except (RuntimeError, OSError) as e:
        print("could not start %s: %s" % (executable, e), file=sys.stderr)
        return 2
    failures = []
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.call("Page.enable", {}, session)
        browser.call("Network.enable", {}, session)
        for width in (1280, 390):
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
                session,
            )
            browser.call("Page.navigate", {"url": url}, session)
            state = wait_state(browser, session, ("done", "error"), args.timeout)
            if state == "error":
                failures.append("%d px: the page says: %s" % (width, evaluate(browser, session, "document.getElementById('status').textContent")))
                continue
            ms = int(evaluate(browser, session, "document.body.dataset.runMs"))
            summary = evaluate(browser, session, "document.getElementById('summary').textContent")
            measured = evaluate(
                browser,
                session,
                "({page: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth,"
                " height: document.documentElement.scrollHeight,"
                " charts: document.querySelectorAll('#charts svg').length,"
                " verdicts: document.querySelectorAll('#verdicts li').length})",
            )
            shot = os.path.join(args.out, "classroom-%d.png" % width)
            screenshot(browser, session, {"x": 0, "y": 0, "width": width, "height": measured["height"]}, shot)
            # The first screen, the verdicts and each chart, to look at one
            # by one: the whole page is too tall to see at once.
            screenshot(browser, session, {"x": 0, "y": 0, "width": width, "height": 900}, shot[:-4] + "-top.png")
            boxes = evaluate(
                browser,
                session,
                "[...document.querySelectorAll('#verdict-words, #compare, #levers, figure.chart')].map(e => {"
                " const r = e.getBoundingClientRect(); return {id: e.id || 'part', top: r.top + scrollY, height: r.height}; })",
            )
            for box in boxes:
                clip = {"x": 0, "y": max(0, box["top"] - 8), "width": width, "height": box["height"] + 16}
                screenshot(browser, session, clip, "%s-%s.png" % (shot[:-4], box["id"]))
            print(
                "%4d px: the day ran in %.2f s; %d charts, %d verdicts in words; page %d px, content %d px; wrote %s"
                % (width, ms / 1000, measured["charts"], measured["verdicts"], measured["page"], measured["scroll"], shot)
            )
            # A time depends on the machine and what else it runs, so it is
            # reported, and fails the check only when asked to.
            if ms / 1000 > MAX_RUN_SECONDS:
                slow = "%d px: the day took %.2f s, more than the %.0f s target" % (width, ms / 1000, MAX_RUN_SECONDS)
                if os.environ.get("CLICKDAY_CLASSROOM_STRICT_TIME") == "1":
                    failures.append(slow)
                else:
                    print("         NOTE " + slow + " (CLICKDAY_CLASSROOM_STRICT_TIME=1 makes this a failure)")
            if measured["scroll"] > measured["page"] + 1:
                failures.append("%d px: the page scrolls sideways (%d px of content)" % (width, measured["scroll"]))
            if measured["charts"] < 4 or measured["verdicts"] < 5:
                failures.append("%d px: %d charts and %d verdicts in words" % (width, measured["charts"], measured["verdicts"]))
            if width == 1280:
                with open(args.cli, encoding="utf-8") as f:
                    cli = table_lines(f.read())
                page = table_lines(summary)
                if cli != page:
                    failures.append("the page's verdicts differ from the command line's")
                    for a, b in zip(cli + [""] * len(page), page + [""] * len(cli)):
                        if a != b:
                            print("  cli:  %s\n  page: %s" % (a, b))
                            break
                else:
                    print("         the page's table of verdicts equals the command line's (%d lines)" % len(cli))
                # Cancel: a full-scale day runs for minutes; cancel it, then
                # the classroom day again must give the same table.
                evaluate(browser, session, "document.getElementById('scale-mode').value = 'full'; document.getElementById('run').click(); 1")
                wait_state(browser, session, ("running",), 10)
                time.sleep(0.5)
                evaluate(browser, session, "document.getElementById('cancel').click(); 1")
                after = evaluate(browser, session, "document.body.dataset.state")
                if after != "cancelled":
                    failures.append("cancel left the page '%s'" % after)
                evaluate(browser, session, "document.getElementById('scale-mode').value = 'classroom'; document.getElementById('run').click(); 1")
                wait_state(browser, session, ("done", "error"), args.timeout)
                again = table_lines(evaluate(browser, session, "document.getElementById('summary').textContent"))
                tries = evaluate(browser, session, "document.querySelectorAll('#tries thead th').length - 1")
                if again != page or tries != 2:
                    failures.append("after a cancel the next run gave another table, or %s tries were kept (2 expected)" % tries)
                else:
                    print("         cancel stops a run; the next run gives the same table; both tries are kept")
        fetched = [e for e in browser.events if e.get("method") == "Network.requestWillBeSent"
                   and not e["params"]["request"]["url"].startswith(("file:", "blob:", "data:", "about:"))]
        if fetched:
            failures.append("the page fetched %s" % fetched[0]["params"]["request"]["url"])
    except (RuntimeError, OSError) as e:
        print("the browser failed: %s" % e, file=sys.stderr)
        return 2
    finally:
        browser.close()
    for f in failures:
        print("FAIL " + f)
    print("ok" if not failures else "failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
