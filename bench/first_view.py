"""First view, cold cache, in headless Chromium: bytes on the wire, time to a drawn map and time until hovering the map
answers, for our app (`/`), its `/embed` and the naive Dash app (bench/naive_app.py), on a desktop (1280×800) and
with phone emulation (390×844, touch, 4× CPU slowdown). Prints figures; asserts nothing.

    python bench/first_view.py [--runs 3] [--cpu 4]

Times are from navigation start (the page's performance.now()). "map drawn": ours and /embed set #map[data-map-date]
once a date is drawn; the naive app's map has drawn when its MapLibre canvas exists and Plotly has plotted (checked
in the page every frame). "hover answers": from navigation, the pointer moves over the map every 16 ms, as a mouse
reports, once the page took the last move (a queued move waits, as a reader's does, for the page's main thread; on
the phone, the mouse stands in for a finger), until our tooltip (.map-tip) or Plotly's hover label shows, timed in
the page at the first frame that has it (FRAME_WITH); until MapLibre is ready, our first paint (assets/poster.js)
answers. /embed has no hover of its own to wait for (Plotly's geo hover), and is measured for the map only. "tap
opens a place" (ours only: the naive app has no place panel): on a load of its own, Hama is clicked (tapped on the
phone) where the loaded map draws it, every 100 ms from navigation until a tap lands on it (the page asks for its
panel), then the place panel is timed as the tooltip is: opened (its head and holder, from the map data) and
with its history (the server's answer). Where to hover and tap is found beforehand on a loaded
page: asking the page during the load would wait behind its long tasks, and the input with it. Bytes: the first
view's, the sum of the transfer sizes (compressed where the server compresses, with headers) of the page and every
response that ended before the map was drawn (SENT_BY_DRAW); what a page fetches afterwards (/embed's other dates)
is not counted.
"""

from __future__ import annotations

import functools
import json
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

from dashboard import ids  # noqa: E402

DRAWN = {
    "ours": "() => document.querySelector('#map[data-map-date]') !== null",
    "embed": "() => document.querySelector('#map[data-map-date]') !== null",
    "naive": "() => { const gd = document.querySelector('#map .js-plotly-plot');"
    " return Boolean(gd && gd._fullLayout && document.querySelector('#map canvas')); }",
}
# Where Hama is on the screen, on the map drawn.
HAMA = """() => { const p = window.dashboardMapParts.data.places.hama;
  const gd = document.querySelector('#map .js-plotly-plot'); const box = gd.getBoundingClientRect();
  const q = gd._fullLayout.map._subplot.map.project([p.lon, p.lat]);
  return [box.left + q.x, box.top + q.y]; }"""
CALLBACK = "/_dash-update-component"


def tapped(body: str | None) -> bool:
    """Whether a callback request says a tap landed on a place: the place's panel asked for (the page sets the
    place itself, on the map and on the first paint)."""
    request = json.loads(body or "{}")
    return "hama" in [i.get("value") for i in request.get("inputs", []) if i.get("id") == ids.PLACE]


PANEL = "() => { const panel = document.getElementById('place-panel'); return Boolean(panel && !panel.hidden); }"
# The panel's body (the control history, what happened, sources) from the server, after the head and the badge.
PANEL_BODY = "() => Boolean(document.querySelector('#place-panel-body h3'))"
HOVERED = {
    "ours": "() => { const tip = document.querySelector('.map-tip'); return Boolean(tip && !tip.hidden); }",
    "naive": "() => document.querySelectorAll('#map .hoverlayer .hovertext').length > 0",
}

# The first view's bytes: every response that ended before the map was drawn (the page included).
SENT_BY_DRAW = """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
  .filter((entry) => entry.responseEnd <= window.drawnAt).reduce((sum, entry) => sum + entry.transferSize, 0)"""

# In the page, from navigation: the time of the first frame (its requestAnimationFrame) after SHOWN became true,
# as window.NAME. Read in the page, not by the bench polling it: a poll waits behind the page's long tasks (plotly.js
# evaluating, MapLibre setting up) and would count them although the tooltip or panel was on screen before them.
FRAME_WITH = """(() => { const shown = SHOWN;
  const watch = new MutationObserver(() => {
    if (!shown()) return;
    watch.disconnect();
    requestAnimationFrame(() => { window.NAME = performance.now(); });
  });
  watch.observe(document, { subtree: true, childList: true, attributes: true });
})();"""


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


@functools.cache
def targets(browser: Any, url: str, kind: str, phone: bool) -> dict[str, tuple[float, float]]:
    """Where the bench hovers (inland on the map: a zone, every date) and, on ours, where it taps (Hama), found once
    per page and device on a page loaded to the end, so that a timed load sends its input with nothing to ask the
    page first (a question waits behind the page's long tasks, and the input with it). The first paint draws Hama
    where the map does."""
    context = browser.new_context(**device(phone))
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(DRAWN[kind], timeout=120_000)
    box = page.locator("#map").bounding_box()
    found = {"hover": (box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.55)}
    if kind == "ours":
        found["hama"] = tuple(page.evaluate(HAMA))
    context.close()
    return found


def device(phone: bool) -> dict[str, Any]:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
    return {"viewport": size, "is_mobile": phone, "has_touch": phone}


def first_view(browser: Any, url: str, kind: str, phone: bool, cpu: float, tap: bool = False) -> dict[str, float]:
    """One cold load of `url`. From navigation the pointer hovers the map (the map answers when it can), or with
    `tap` Hama is tapped (clicked on the desktop) again and again until its panel opens; the map's first draw is timed
    in the page, each frame, whatever the script is doing."""
    at = targets(browser, url, kind, phone) if kind in HOVERED else {}
    context = browser.new_context(**device(phone))
    page = context.new_page()
    page.add_init_script(
        f"(() => {{ const drawn = {DRAWN[kind]};"
        " (function poll() { if (drawn()) window.drawnAt = performance.now(); else requestAnimationFrame(poll); })();"
        " })();"
    )
    if kind in HOVERED:
        page.add_init_script(FRAME_WITH.replace("NAME", "hoveredAt").replace("SHOWN", HOVERED[kind]))
    if kind == "ours":
        page.add_init_script(FRAME_WITH.replace("NAME", "panelAt").replace("SHOWN", PANEL))
        page.add_init_script(FRAME_WITH.replace("NAME", "historyAt").replace("SHOWN", PANEL_BODY))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if phone:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    page.goto(url, wait_until="commit")
    out: dict[str, float] = {}
    if tap:
        press = page.touchscreen.tap if phone else page.mouse.click
        hit: list[bool] = []  # a tap reached a place: the page asks for its panel
        page.on("request", lambda r: hit.append(tapped(r.post_data)) if CALLBACK in r.url else None)
        for _ in range(2_000):  # a tap every 100 ms (once the page took the last), until one lands on the place
            press(*at["hama"])
            if any(hit):
                break
            page.wait_for_timeout(100)
        page.wait_for_function("() => window.panelAt !== undefined", timeout=60_000, polling=50)
        page.wait_for_function("() => window.historyAt !== undefined", timeout=60_000, polling=50)
        out["tap_s"] = page.evaluate("window.panelAt") / 1000
        out["history_s"] = page.evaluate("window.historyAt") / 1000
    elif at:
        point = at["hover"]
        for i in range(20_000):  # a move every 16 ms (once the page took the last), as a mouse sends them
            page.mouse.move(point[0] + i % 2, point[1])
            if i % 10 == 9 and page.evaluate("() => window.hoveredAt !== undefined"):
                break
            page.wait_for_timeout(16)
        out["hover_s"] = page.evaluate("window.hoveredAt") / 1000
    page.wait_for_function("() => window.drawnAt !== undefined", timeout=120_000, polling=50)
    out.update(drawn_s=page.evaluate("window.drawnAt") / 1000, kB=page.evaluate(SENT_BY_DRAW) / 1000)
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
            print(
                "| page | device | kB on the wire | map drawn (s) | hover answers (s) | tap opens a place (s) "
                f"| its history shown (s) |"
                f"  (median of {runs})"
            )
            print("| --- | --- | --- | --- | --- | --- | --- |")
            for phone in (False, True):
                for kind, url in pages.items():
                    results = [first_view(browser, url, kind, phone, cpu) for _ in range(runs)]
                    if kind == "ours":  # the taps on loads of their own
                        for result in results:
                            tapped_run = first_view(browser, url, kind, phone, cpu, tap=True)
                            result.update(tap_s=tapped_run["tap_s"], history_s=tapped_run["history_s"])
                    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
                    device = f"phone ({cpu:g}× CPU)" if phone else "desktop"
                    hover, tap, history = (
                        f"{median[k]:.2f}" if k in median else "–" for k in ("hover_s", "tap_s", "history_s")
                    )
                    name = {"ours": "/ (ours)", "embed": "/embed", "naive": "naive app"}[kind]
                    figures = f"{median['kB']:.0f} | {median['drawn_s']:.2f} | {hover} | {tap} | {history}"
                    print(f"| {name} | {device} | {figures} |")
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
