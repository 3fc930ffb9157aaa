"""First view, cold cache, in headless Chromium: bytes on the wire, time to a drawn map and time until hovering the map
answers, for our app (`/`), its `/embed` and the naive Dash app (bench/naive_app.py), on a desktop (1280×800) and
with phone emulation (390×844, touch, 4× CPU slowdown). Prints figures; asserts nothing.

    python bench/first_view.py [--runs 3] [--cpu 4]

Times are from navigation start (the page's performance.now()). "map drawn": ours and /embed set
#map[data-map-date] once a date is drawn; the naive app's map has drawn when its MapLibre canvas exists and Plotly
has plotted. "hover answers": the pointer is moved over the map every 100 ms (on the phone, the mouse stands in for
a finger) until our tooltip (.map-tip) or Plotly's hover label shows; /embed has no hover of its own to wait for
(Plotly's geo hover), and is measured for the map only. Bytes: the sum of every response's encoded length (what
crossed the wire, compressed where the server compresses) until the map is drawn.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import click
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser_support import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DRAWN = {
    "ours": "() => document.querySelector('#map[data-map-date]') !== null",
    "embed": "() => document.querySelector('#map[data-map-date]') !== null",
    "naive": "() => { const gd = document.querySelector('#map .js-plotly-plot');"
    " return Boolean(gd && gd._fullLayout && document.querySelector('#map canvas')); }",
}
HOVERED = {
    "ours": "() => { const tip = document.querySelector('.map-tip'); return Boolean(tip && !tip.hidden); }",
    "naive": "() => document.querySelectorAll('#map .hoverlayer .hovertext').length > 0",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"no answer on port {port}: {' '.join(command)}")


def first_view(browser: Any, url: str, kind: str, phone: bool, cpu: float) -> dict[str, float]:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if phone:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    sent: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: sent.append(event["encodedDataLength"]))
    page.goto(url, wait_until="commit")
    page.wait_for_function(DRAWN[kind], timeout=120_000, polling=50)
    out = {"drawn_s": page.evaluate("performance.now()") / 1000, "kB": sum(sent) / 1000}
    if kind in HOVERED:
        box = page.locator("#map").bounding_box()
        x, y = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.55  # inland: a zone, every date
        for i in range(1200):
            page.mouse.move(x + i % 2, y)
            if page.evaluate(HOVERED[kind]):
                break
            page.wait_for_timeout(100)
        out["hover_s"] = page.evaluate("performance.now()") / 1000
    context.close()
    return out


@click.command()
@click.option("--runs", default=3, show_default=True, help="cold loads per page and device (the median is shown)")
@click.option("--cpu", default=4.0, show_default=True, help="CPU slowdown with phone emulation")
def main(runs: int, cpu: float) -> None:
    ours_port, naive_port = free_port(), free_port()
    servers = [
        start([sys.executable, "-m", "dashboard", "run", "--port", str(ours_port)], ours_port),
        start([sys.executable, "bench/naive_app.py", "--port", str(naive_port)], naive_port),
    ]
    pages = {
        "ours": f"http://127.0.0.1:{ours_port}/",
        "embed": f"http://127.0.0.1:{ours_port}/embed",
        "naive": f"http://127.0.0.1:{naive_port}/",
    }
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            first_view(browser, pages["ours"], "ours", False, cpu)  # warm the servers (not measured)
            first_view(browser, pages["embed"], "embed", False, cpu)
            first_view(browser, pages["naive"], "naive", False, cpu)
            print(f"| page | device | kB on the wire | map drawn (s) | hover answers (s) |  (median of {runs})")
            print("| --- | --- | --- | --- | --- |")
            for phone in (False, True):
                for kind, url in pages.items():
                    results = [first_view(browser, url, kind, phone, cpu) for _ in range(runs)]
                    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
                    device = f"phone ({cpu:g}× CPU)" if phone else "desktop"
                    hover = f"{median['hover_s']:.2f}" if "hover_s" in median else "–"
                    name = {"ours": "/ (ours)", "embed": "/embed", "naive": "naive app"}[kind]
                    print(f"| {name} | {device} | {median['kB']:.0f} | {median['drawn_s']:.2f} | {hover} |")
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
