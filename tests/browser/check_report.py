#!/usr/bin/env python3
"""Renders a clickday report.html in headless Chromium at 1280 and 390 px
and checks what a reader would notice: the page does not scroll sideways
on a phone (tables may, inside their own scrolling box), every figure fits
the page, no text of a figure is cut off at its edges or drawn over
another, and the figures' text is large enough to read: at least 14 px on a 1280-px page (a
projector at the back of a classroom) and at least 10 px on a 390-px
phone. Writes a full-page screenshot at each width.

Chromium is driven through the DevTools protocol over a WebSocket written
here with the standard library only, so the check needs nothing but
python3 and the distribution's chromium package.

    tests/browser/check_report.py output/<run>/report.html --out /tmp/shots

Exit status: 0 when every check passes, 1 when one fails, 2 when the
browser could not be started or the report not opened.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

WIDTHS = (1280, 390)
# The smallest text a reader can take in, in CSS pixels: 14 px on a
# desktop page shown on a projector (the requirement), and 10 px
# on a phone held at reading distance, where one CSS pixel is two or three
# device pixels (about 7 pt, the smallest size print legends use).
MIN_TEXT = {1280: 14.0, 390: 10.0}


class Browser:
    """One headless Chromium and one WebSocket to its DevTools endpoint."""

    def __init__(self, executable, timeout):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="clickday-chromium-")
        args = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--remote-debugging-port=0",
            "--user-data-dir=" + self.profile,
            "about:blank",
        ]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + timeout
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace")
                raise RuntimeError("chromium exited with status %s:\n%s" % (self.process.returncode, err[-2000:]))
            if time.monotonic() > deadline:
                raise RuntimeError("chromium did not open its DevTools port within %d s" % timeout)
            time.sleep(0.05)
        time.sleep(0.05)
        with open(port_file) as f:
            port, path = f.read().split("\n")[:2]
        self._connect(int(port), path)
        self.next_id = 0
        self.events = []

    # -- WebSocket (RFC 6455), client side: masked frames out, plain frames in.

    def _connect(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=self.timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, port, key)
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n")[0]
        if b" 101 " not in status:
            raise RuntimeError("DevTools refused the WebSocket: %s" % status.decode(errors="replace"))

    def _read(self, n):
        chunks = [self.buffer]
        have = len(self.buffer)
        while have < n:
            chunk = self.sock.recv(max(65536, n - have))
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            chunks.append(chunk)
            have += len(chunk)
        data = b"".join(chunks)
        self.buffer = data[n:]
        return data[:n]

    def _send(self, payload, opcode=1):
        header = bytearray([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        mask = os.urandom(4)
        header += mask
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + masked)

    def _receive(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 8:
                raise RuntimeError("DevTools closed the WebSocket")
            if opcode == 9:
                self._send(payload, opcode=10)
                continue
            if opcode in (0, 1, 2):
                message += payload
                if b0 & 0x80:
                    return json.loads(message)

    # -- The protocol.

    def call(self, method, params=None, session=None):
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        self._send(json.dumps(request).encode())
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"].get("message")))
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, session):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self.events[i]
                    return event
            self.events.append(self._receive())
        raise RuntimeError("no %s within %d s" % (method, self.timeout))

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# Runs in the page: the figures' text sizes and boxes, and whatever sticks
# out of the page sideways. A text's size on screen is its font size times
# the scale its SVG is drawn at (the length of the first column of its
# screen transformation, so rotated labels count too).
MEASURE = r"""
(() => {
  const page = document.documentElement.clientWidth;
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const box = (r) => ({left: r.left, top: r.top + scrollY, right: r.right, bottom: r.bottom + scrollY,
                       width: r.width, height: r.height});
  const figures = [];
  for (const fig of document.querySelectorAll('figure')) {
    // A figure may hold one drawing per page width; the style sheet shows
    // one of them.
    const svg = [...fig.querySelectorAll('svg')].find(visible);
    if (!svg) continue;
    const outer = svg.getBoundingClientRect();
    const texts = [];
    for (const t of svg.querySelectorAll('text')) {
      if (!visible(t) || !t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      const r = t.getBoundingClientRect();
      const cut = r.left < outer.left - 1 || r.right > outer.right + 1 || r.top < outer.top - 1 || r.bottom > outer.bottom + 1;
      texts.push({text: t.textContent.trim().slice(0, 60), size, cut, box: box(r)});
    }
    // Texts drawn over each other: boxes that share more than a third of
    // the smaller one's area (glyph boxes include the line's leading, so a
    // little overlap between stacked lines is normal).
    const overlaps = [];
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].box, b = texts[j].box;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0 && h > 0 && w * h > Math.min(a.width * a.height, b.width * b.height) / 3) {
          overlaps.push([texts[i].text, texts[j].text]);
        }
      }
    }
    for (const t of texts) delete t.box;
    figures.push({id: fig.id, box: box(outer), parent: box(fig.getBoundingClientRect()), texts,
                  overlaps: overlaps.slice(0, 5), overlapCount: overlaps.length});
  }
  // Elements reaching past the right edge, unless a scrolling box (a
  // table's) holds them.
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if (el.closest('.scroll')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > page + 0.5) {
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' right edge at ' + r.right.toFixed(0));
    }
  }
  return {page, scrollWidth: document.documentElement.scrollWidth,
          height: document.documentElement.scrollHeight, figures, wide: wide.slice(0, 10)};
})()
"""


def check(measured, width):
    """The failures at one width, as sentences."""
    failures = []
    page = measured["page"]
    if measured["scrollWidth"] > page:
        failures.append(
            "the page scrolls sideways: %d px of content in a %d-px window (%s)"
            % (measured["scrollWidth"], page, "; ".join(measured["wide"]) or "no single element found")
        )
    if not measured["figures"]:
        failures.append("no figure with an SVG in the report")
    for fig in measured["figures"]:
        name = fig["id"] or "a figure"
        b = fig["box"]
        if b["left"] < -0.5 or b["right"] > page + 0.5:
            failures.append("%s is %.0f px wide and does not fit the %d-px page" % (name, b["width"], page))
        if b["width"] > fig["parent"]["width"] + 0.5:
            failures.append("%s is wider than its figure box" % name)
        if b["height"] < 50:
            failures.append("%s is drawn only %.0f px high" % (name, b["height"]))
        small = [t for t in fig["texts"] if t["size"] < MIN_TEXT[width] - 1e-6]
        if small:
            worst = min(small, key=lambda t: t["size"])
            failures.append(
                "%s: %d of %d texts under %g px, smallest %.1f px (%r)"
                % (name, len(small), len(fig["texts"]), MIN_TEXT[width], worst["size"], worst["text"])
            )
        cut = [t for t in fig["texts"] if t["cut"]]
        if cut:
            failures.append("%s: %d texts cut off at the figure's edge, e.g. %r" % (name, len(cut), cut[0]["text"]))
        if fig["overlapCount"]:
            failures.append(
                "%s: %d pairs of texts drawn over each other, e.g. %r and %r"
                % (name, fig["overlapCount"], fig["overlaps"][0][0], fig["overlaps"][0][1])
            )
    return failures


def screenshot(browser, session, clip, path):
    image = browser.call(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True, "clip": dict(clip, scale=1)},
        session,
    )
    with open(path, "wb") as f:
        f.write(base64.b64decode(image["data"]))


def render(browser, session, url, width, shot, pieces):
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        session,
    )
    browser.call("Page.navigate", {"url": url}, session)
    browser.wait_for("Page.loadEventFired", session)
    result = browser.call("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        raise RuntimeError("measuring the page failed: %s" % result["exceptionDetails"])
    measured = result["result"]["value"]
    screenshot(browser, session, {"x": 0, "y": 0, "width": width, "height": measured["height"]}, shot)
    if pieces:
        # The first screen, and each figure with a margin, to look at one
        # by one: a whole report is too tall to see at once.
        stem = shot[: -len(".png")]
        screenshot(browser, session, {"x": 0, "y": 0, "width": width, "height": 900}, stem + "-top.png")
        for fig in measured["figures"]:
            b = fig["parent"]
            clip = {"x": 0, "y": max(0, b["top"] - 10), "width": width, "height": b["height"] + 20}
            screenshot(browser, session, clip, "%s-%s.png" % (stem, fig["id"]))
    return measured


def find_chromium(given):
    for candidate in [given, os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"]:
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", help="a report.html written by `clickday run`")
    parser.add_argument("--out", default=".", help="folder for report-1280.png and report-390.png (default: .)")
    parser.add_argument("--chromium", help="the browser (default: $CHROMIUM, then chromium on the PATH)")
    parser.add_argument("--pieces", action="store_true", help="also write the first screen and each figure")
    parser.add_argument("--timeout", type=int, default=120, help="seconds to wait for the browser (default 120)")
    args = parser.parse_args()

    if not os.path.isfile(args.report):
        print("no such report: %s" % args.report, file=sys.stderr)
        return 2
    executable = find_chromium(args.chromium)
    if not executable:
        print("no chromium found (apt-get install chromium, or pass --chromium)", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    url = "file://" + os.path.abspath(args.report)
    started = time.monotonic()
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
        for width in WIDTHS:
            shot = os.path.join(args.out, "report-%d.png" % width)
            measured = render(browser, session, url, width, shot, args.pieces)
            sizes = [t["size"] for f in measured["figures"] for t in f["texts"]]
            print(
                "%4d px: page %d px wide, %d px of content, %d px high; %d figures, %d texts, smallest %.1f px; wrote %s"
                % (
                    width,
                    measured["page"],
                    measured["scrollWidth"],
                    measured["height"],
                    len(measured["figures"]),
                    len(sizes),
                    min(sizes) if sizes else float("nan"),
                    shot,
                )
            )
            for fig in measured["figures"]:
                fs = [t["size"] for t in fig["texts"]]
                print(
                    "        %-32s %5.0f x %-5.0f text %.1f-%.1f px"
                    % (fig["id"], fig["box"]["width"], fig["box"]["height"], min(fs or [0]), max(fs or [0]))
                )
            failures += ["%d px: %s" % (width, f) for f in check(measured, width)]
    except (RuntimeError, OSError) as e:
        print("the browser failed: %s" % e, file=sys.stderr)
        return 2
    finally:
        browser.close()
    for f in failures:
        print("FAIL " + f)
    print("%s in %.1f s" % ("failed" if failures else "ok", time.monotonic() - started))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
