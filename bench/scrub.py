"""Benchmark: scrubbing the date slider in headless Chromium, our app against the naive Dash way.

Run on demand (a few minutes; prints figures, asserts nothing):

    python bench/scrub.py [--steps 60] [--density 10] [--no-growth] [--out DIR]

For each data size (shipped, then control points made --density times denser) it starts each app as
its own process on loopback (`python -m dashboard run`, `python bench/naive_app.py`) and drives
headless Chromium through Playwright. What each figure means: bench/README.md.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import click
import numpy as np
import shapely
from playwright.sync_api import sync_playwright
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu_profile import PlotlyBundle, summarise_trace
from bench.dense_data import densify
from dashboard import figures
from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import load_atlas
from dashboard.model import Atlas
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
HARNESS = (Path(__file__).parent / "harness.js").read_text(encoding="utf-8")
VIEWPORT = {"width": 1400, "height": 900}
# Nothing but loopback: every other host name fails to resolve.
ARGS = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
TIMEOUT_MS = 120_000
SLIDER = "#date-slider [role=slider]"
MARGINS_DEG = (0.05, 0.025, 0.01, 0.0)  # probes this far inside a changed region (≈ 3, 1.5, 0.6 px)
# Points off the zones that must never change: sea, Turkey, Iraq, Jordan (off-screen ones are dropped).
BASE_SAMPLES = ((35.0, 34.1), (37.2, 37.55), (41.9, 34.6), (37.0, 31.9))
GL_TOLERANCE = 8  # max channel difference, exact read-back
JPEG_TOLERANCE = 28
TRACE_CATEGORIES = [
    "-*",
    "toplevel",
    "v8.execute",
    "disabled-by-default-v8.cpu_profiler",
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
]


# ---------------------------------------------------------------- data


@dataclass(eq=False)
class Scenario:
    """One data size: the atlas, its zones as shapes, and what each date step must change on screen."""

    name: str
    data_dir: Path
    atlas: Atlas
    shapes: list[dict[str, BaseGeometry]] = field(init=False)

    def __post_init__(self) -> None:
        self.shapes = [
            {f["properties"]["faction"]: shape(f["geometry"]) for f in self.atlas.zones[d]["features"]}
            for d in self.atlas.dates
        ]

    @property
    def vertices(self) -> list[int]:
        return [int(sum(shapely.get_num_coordinates(g) for g in day.values())) for day in self.shapes]

    @cache  # noqa: B019 (a handful of scenarios live for the whole run)
    def changes(self, a: int, b: int, limit: int = 6) -> tuple[tuple[float, float, str], ...]:
        """Points inside ground that changed hands from date a to b, with b's holder; spread over factions."""
        before, after = self.shapes[a], self.shapes[b]
        by_faction: dict[str, list[tuple[float, BaseGeometry]]] = {}
        for margin in MARGINS_DEG:
            for faction, zone in after.items():
                gained = zone.difference(before.get(faction, Polygon()))
                for part in shapely.get_parts(gained):
                    inner = part.buffer(-margin) if margin else part
                    if not inner.is_empty:
                        by_faction.setdefault(faction, []).append((inner.area, inner))
            if by_faction:
                break
        for parts in by_faction.values():
            parts.sort(key=lambda p: -p[0])
        out: list[tuple[float, float, str]] = []
        while len(out) < limit and any(by_faction.values()):
            for faction, parts in by_faction.items():
                if parts and len(out) < limit:
                    point = parts.pop(0)[1].representative_point()
                    out.append((round(point.x, 5), round(point.y, 5), faction))
        return tuple(out)

    @cache  # noqa: B019
    def changed_area(self, a: int, b: int) -> float:
        """The ground that changed hands from date a to b, in square degrees."""
        before, after = self.shapes[a], self.shapes[b]
        return float(sum(zone.difference(before.get(f, Polygon())).area for f, zone in after.items()))

    @cache  # noqa: B019
    def unchanged(self, a: int, b: int, limit: int = 4) -> tuple[tuple[float, float, str], ...]:
        """Points deep inside ground held by the same faction on both dates."""
        out = []
        for faction, zone in self.shapes[b].items():
            if faction in self.shapes[a] and len(out) < limit:
                inner = zone.intersection(self.shapes[a][faction]).buffer(-0.1)
                if not inner.is_empty:
                    point = inner.representative_point()
                    out.append((round(point.x, 5), round(point.y, 5), faction))
        return tuple(out)


def code_version() -> str:
    """The commit measured, and how many app files differ from it (the app is measured as it is on disk)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "dashboard", "assets").splitlines()
    return head + (f" + {len(dirty)} uncommitted app files" if dirty else "")


def data_json_bytes(atlas: Atlas) -> int:
    return len(json.dumps(figures.browser_data(atlas), separators=(",", ":"), ensure_ascii=False).encode())


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_response(url: str, process: subprocess.Popen[bytes], started: float) -> float:
    """Seconds from process start to the first HTTP response on `url`."""
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        with suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            return time.perf_counter() - started
        time.sleep(0.02)


@contextmanager
def serve(command: Callable[[int], list[str]], options: Options, log: Path) -> Iterator[tuple[str, list[float]]]:
    """Start the app `starts` times (start-up is measured each time) and keep the last one running."""
    startups = []
    with log.open("ab") as out:
        for i in range(options.starts):
            port = free_port()
            url = f"http://127.0.0.1:{port}/"
            started = time.perf_counter()
            process = subprocess.Popen(command(port), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            try:
                startups.append(first_response(url, process, started))
                if i == options.starts - 1:
                    yield url, startups
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


# ---------------------------------------------------------------- browser plumbing


class Network:
    """Every request the page makes, with bytes on the wire (headers and compressed body) and decoded."""

    def __init__(self, cdp: Any):
        self.requests: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.send("Network.enable")

    def _sent(self, event: dict[str, Any]) -> None:
        url = event["request"]["url"]
        if not url.startswith(("http:", "https:")):
            return
        if event["requestId"] not in self.requests:
            self.order.append(event["requestId"])
        post = event["request"].get("postData") or ""
        self.requests[event["requestId"]] = {
            "url": url,
            "up": len(post.encode()),
            "status": None,
            "wire": 0,
            "decoded": 0,
            "cached": False,
        }

    def _response(self, event: dict[str, Any]) -> None:
        if request := self.requests.get(event["requestId"]):
            request["status"] = event["response"]["status"]
            request["cached"] = request["cached"] or event["response"].get("fromDiskCache", False)

    def _data(self, event: dict[str, Any]) -> None:
        if request := self.requests.get(event["requestId"]):
            request["decoded"] += event["dataLength"]

    def _finished(self, event: dict[str, Any]) -> None:
        if request := self.requests.get(event["requestId"]):
            request["wire"] = event["encodedDataLength"]

    def _cached(self, event: dict[str, Any]) -> None:
        if request := self.requests.get(event["requestId"]):
            request["cached"] = True

    def mark(self) -> int:
        return len(self.order)

    def since(self, mark: int) -> list[dict[str, Any]]:
        return [self.requests[i] for i in self.order[mark:]]


@dataclass
class Tab:
    context: Any
    page: Any
    cdp: Any
    net: Network

    def close(self) -> None:
        self.context.close()


def open_tab(browser: Any) -> Tab:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.add_init_script(HARNESS)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    return Tab(context, page, cdp, Network(cdp))


def wait_cold(page: Any) -> dict[str, float]:
    """Navigation start → zones on screen (the app's poster, else the map); → the map's first frame with zones
    drawn; → first idle; → last frame before the page went quiet."""
    page.wait_for_function("() => window.__bench && window.__bench.coldZones !== null", polling=50)
    page.wait_for_load_state("networkidle")
    settled = page.evaluate("() => __bench.quiet(500)")
    poster, zones, idle = page.evaluate("() => [__bench.coldPoster, __bench.coldZones, __bench.coldIdle]")
    painted = min(poster, zones) if poster is not None else zones
    return {"painted": painted, "zones": zones, "idle": idle or float("nan"), "settled": settled}


def heap_mb(cdp: Any) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


def weight(requests: list[dict[str, Any]]) -> dict[str, Any]:
    fetched = [r for r in requests if r["status"] == 200 and not r["cached"]]
    urls = [r["url"] for r in fetched]
    biggest = sorted(fetched, key=lambda r: -r["decoded"])[:4]
    return {
        "requests": len(requests),
        "wire": sum(r["wire"] for r in requests),
        "decoded": sum(r["decoded"] for r in requests),
        "twice": sorted({u for u in urls if urls.count(u) > 1 and "_dash-update-component" not in u}),
        "revalidated": sum(1 for r in requests if r["status"] == 304),
        "biggest": [(r["url"].split("/")[-1].split("?")[0][:40], r["wire"], r["decoded"]) for r in biggest],
    }


# ---------------------------------------------------------------- measurements


def bounce(start: int, last: int, count: int) -> list[tuple[int, int]]:
    """`count` steps from `start`, back and forth over every date."""
    pairs, index, direction = [], start, -1 if start == last else 1
    for _ in range(count):
        if not 0 <= index + direction <= last:
            direction = -direction
        pairs.append((index, index + direction))
        index += direction
    return pairs


def slider_index(page: Any) -> int:
    return int(page.locator(SLIDER).get_attribute("aria-valuenow") or 0)


def settle(page: Any) -> None:
    """Two animation frames more: the GPU has taken the last frame, so the next measurement starts from a
    still map and an empty pipeline."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def measure_step(tab: Tab, scenario: Scenario, a: int, b: int, frames: bool = False) -> dict[str, Any]:
    """One key press on the slider, a → b: timings (ms from the keydown), requests and bytes."""
    change = scenario.changes(a, b)
    spec = {"probes": [[x, y] for x, y, _ in change], "expect": [f for *_, f in change]}
    tab.page.evaluate("spec => __bench.arm(spec)", spec)
    mark = tab.net.mark()
    tab.page.keyboard.press("ArrowRight" if b > a else "ArrowLeft")
    keep = "" if frames else "frames: undefined, before: undefined, after: undefined,"
    result = tab.page.evaluate(f"() => __bench.wait({TIMEOUT_MS}).then(r => ({{...r, {keep}}}))")
    if result.get("timedOut") or result["idle"] is None:
        raise RuntimeError(f"{scenario.name} step {a}→{b}: the map never showed the new date: {result}")
    settle(tab.page)
    requests = tab.net.since(mark)
    t0 = result["t0"]
    return {
        **result,
        "a": a,
        "b": b,
        "step": (result["firstNew"] or result["idle"]) - t0,
        "idle": result["idle"] - t0,
        "presented": result["presented"] - t0,
        "first_render": result["firstRender"] - t0,
        "afterplot": result["afterplot"] - t0 if result["afterplot"] is not None else float("nan"),
        "early": len(result["earlyIdles"]),
        "requests": len(requests),
        "urls": [r["url"].split("/", 3)[-1][:60] for r in requests],
        "down": sum(r["wire"] for r in requests),
        "up": sum(r["up"] for r in requests),
    }


def measure_pan(tab: Tab, dx: int) -> dict[str, float]:
    """A one-pixel pan (F9 → map.panBy, no data change): the same signal with nothing new to draw."""
    tab.page.evaluate("dx => __bench.arm({pan: dx})", dx)
    tab.page.keyboard.press("F9")
    r = tab.page.evaluate(f"() => __bench.wait({TIMEOUT_MS}).then(r => ({{...r, frames: undefined}}))")
    if r.get("timedOut"):
        raise RuntimeError(f"repaint floor: no idle after a pan: {r}")
    settle(tab.page)
    t0 = r["t0"]
    return {"frame": r["firstRender"] - t0, "presented": r["presented"] - t0, "idle": r["idle"] - t0}


# ---------------------------------------------------------------- torn frames


def classify(colour: list[int], before: list[int], after: list[int], tolerance: int) -> str:
    """old / new / same (sample not changed by the step) / neither (blank, missing or mixed pixels)."""

    def dist(p: list[int], q: list[int]) -> int:
        return max(abs(x - y) for x, y in zip(p, q, strict=True))

    if dist(before, after) <= tolerance:
        return "same" if dist(colour, before) <= tolerance else "neither"
    near = max(tolerance, dist(before, after) // 4)  # antialiasing and blending move a colour a little
    if dist(colour, before) <= near:
        return "old"
    if dist(colour, after) <= near:
        return "new"
    return "neither"


def torn(
    samples: list[list[int]], before: list[list[int]], after: list[list[int]], tolerance: int, tags: list[str]
) -> str | None:
    """Why a frame is torn (None if it shows one date, whole)."""
    kinds = [classify(c, b, a, tolerance) for c, b, a in zip(samples, before, after, strict=True)]
    if "old" in kinds and "new" in kinds:
        return f"mixes dates ({kinds.count('old')} old, {kinds.count('new')} new samples)"
    if "neither" in kinds:
        odd = [
            f"{tags[i]} {samples[i]} (old {before[i]}, new {after[i]})" for i, k in enumerate(kinds) if k == "neither"
        ]
        return f"{len(odd)} samples show neither date: " + "; ".join(odd[:3])
    return None


DECODE = """async ({frames, points}) => {
  const out = [];
  for (const b64 of frames) {
    const blob = await (await fetch('data:image/jpeg;base64,' + b64)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    out.push(points.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3))));
  }
  return out;
}"""


@dataclass
class TornCheck:
    steps: int = 0
    samples: int = 0
    gl_frames: int = 0
    gl_intermediate: int = 0
    gl_torn: list[str] = field(default_factory=list)
    received: int = 0
    shots: int = 0
    shots_intermediate: int = 0
    shots_torn: list[str] = field(default_factory=list)


def torn_pass(browser: Any, tab: Tab, scenario: Scenario, pairs: list[tuple[int, int]]) -> TornCheck:
    """Read every drawn frame's pixels (WebGL, in MapLibre's render event) and every composited frame
    (CDP screencast) during `pairs` steps; a frame that mixes dates or shows neither is torn."""
    check = TornCheck()
    shots: list[tuple[float, str]] = []

    def on_frame(event: dict[str, Any]) -> None:
        shots.append((event["metadata"]["timestamp"], event["data"]))
        with suppress(Exception):
            tab.cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

    labels = [[p.lon, p.lat, len(p.name_en)] for p in figures.shown_places(scenario.atlas) if p.kind == "city"]
    origin = tab.page.evaluate("performance.timeOrigin")
    tab.cdp.on("Page.screencastFrame", on_frame)
    tab.cdp.send("Page.startScreencast", {"format": "jpeg", "quality": 90, "everyNthFrame": 1})
    windows = []
    for a, b in pairs:
        points = [
            *((x, y, f"changed→{f}") for x, y, f in scenario.changes(a, b, 8)),
            *((x, y, f"held by {f}") for x, y, f in scenario.unchanged(a, b)),
            *((x, y, "base") for x, y in BASE_SAMPLES),
        ]
        where = tab.page.evaluate("a => __bench.locate(a)", {"points": [p[:2] for p in points], "labels": labels})
        located = [{**w, "tag": f"{p[2]} @{p[0]},{p[1]}"} for p, w in zip(points, where, strict=True) if w]
        tags = [p["tag"] for p in located]
        tab.page.evaluate("px => __bench.sample(px)", [p["canvas"] for p in located])
        result = measure_step(tab, scenario, a, b, frames=True)
        check.steps += 1
        check.samples += len(located)
        check.gl_frames += len(result["frames"])
        for frame in result["frames"][:-1]:  # the last frame is the settled new date
            check.gl_intermediate += 1
            if why := torn(frame["px"], result["before"], result["after"], GL_TOLERANCE, tags):
                check.gl_torn.append(f"{a}→{b} +{frame['t'] - result['t0']:.0f} ms: {why}")
        windows.append(
            (
                (origin + result["t0"]) / 1e3,
                (origin + result["t0"] + result["idle"]) / 1e3,
                [p["page"] for p in located],
                tags,
            )
        )
        tab.page.evaluate("() => __bench.quiet(300)")
    tab.page.evaluate("() => { __bench.pixels = null; }")
    tab.cdp.send("Page.stopScreencast")
    check.received = len(shots)
    _check_shots(browser, shots, windows, check)
    return check


def _check_shots(browser: Any, shots: list[tuple[float, str]], windows: list[Any], check: TornCheck) -> None:
    """Composited frames of each step: the last one before the key press and the settled one after it
    give each sample's old and new colour; every frame in between must show one of them, everywhere."""
    decoder = browser.new_page()
    try:
        for start, end, points, tags in windows:
            before = [s for s in shots if s[0] < start][-1:]
            during = [s for s in shots if start <= s[0] <= end + 0.25]
            if not before or not during:
                continue
            colours = decoder.evaluate(DECODE, {"frames": [s[1] for s in before + during], "points": points})
            old, new = colours[0], colours[-1]
            check.shots += len(during)
            for (t, _), frame in zip(during[:-1], colours[1:-1], strict=True):
                check.shots_intermediate += 1
                if why := torn(frame, old, new, JPEG_TOLERANCE, tags):
                    check.shots_torn.append(f"+{(t - start) * 1e3:.0f} ms: {why}")
    finally:
        decoder.close()


# ---------------------------------------------------------------- one app, one data size


@dataclass
class AppRun:
    app: str
    scenario: str
    startup: list[float]
    cold: list[dict[str, float]] = field(default_factory=list)
    weight: dict[str, Any] = field(default_factory=dict)
    reload: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    floor: list[dict[str, float]] = field(default_factory=list)
    heap: dict[str, float] = field(default_factory=dict)
    view: dict[str, Any] = field(default_factory=dict)
    torn: TornCheck | None = None
    profile: str = ""
    reader: dict[str, Any] = field(default_factory=dict)  # path → reader.PathRun


@dataclass(frozen=True)
class Options:
    steps: int
    warmup: int
    floor: int
    cold: int
    starts: int
    torn_steps: int
    profile_steps: int
    out: Path
    reader_rounds: int = 20
    paths: tuple[str, ...] = ()
    reader_only: bool = False


VIEW = """() => {
  const map = __bench.map();
  const gd = document.querySelector('#map .js-plotly-plot');
  const c = map.getCenter();
  return {lon: c.lng, lat: c.lat, zoom: map.getZoom(), canvas: [map.getCanvas().width, map.getCanvas().height],
          height: Math.round(gd.getBoundingClientRect().height)};
}"""


def cold_load(browser: Any, run: AppRun, url: str) -> Tab:
    """A cold load in a fresh context; the first one also records page weight and a reload."""
    tab = open_tab(browser)
    tab.page.goto(url, wait_until="commit")
    run.cold.append(wait_cold(tab.page))
    if not run.weight:
        run.weight = weight(tab.net.since(0))
        mark = tab.net.mark()
        tab.page.reload(wait_until="commit")
        wait_cold(tab.page)
        run.reload = weight(tab.net.since(mark))
    return tab


def interleaved(runs: dict[str, AppRun], tabs: dict[str, Tab], scenario: Scenario, options: Options) -> None:
    """Steps and floors of both apps taken in turn (ours, naive, naive, ours, ...), so that the machine's
    load, which drifts, weighs on both alike; each measurement starts from a still map."""
    last = len(scenario.atlas.dates) - 1
    for tab in tabs.values():
        tab.page.locator(SLIDER).focus()
    plans = {app: bounce(slider_index(tabs[app].page), last, options.warmup + options.steps) for app in runs}
    order = list(runs)
    for k in range(options.warmup + options.steps):
        for app in order if k % 2 == 0 else order[::-1]:
            result = measure_step(tabs[app], scenario, *plans[app][k])
            if k >= options.warmup:
                runs[app].steps.append(result)
    for k in range(options.floor):
        for app in order if k % 2 == 0 else order[::-1]:
            runs[app].floor.append(measure_pan(tabs[app], 1 if k % 2 == 0 else -1))


def trace_steps(browser: Any, tab: Tab, run: AppRun, scenario: Scenario, options: Options) -> None:
    last = len(scenario.atlas.dates) - 1
    browser.start_tracing(page=tab.page, categories=TRACE_CATEGORIES)
    timed = [measure_step(tab, scenario, a, b) for a, b in bounce(slider_index(tab.page), last, options.profile_steps)]
    trace = browser.stop_tracing()
    path = options.out / f"trace-{run.app}-{scenario.name}.json"
    path.write_bytes(trace)
    steps_ms = statistics.median(s["step"] for s in timed)
    run.profile = summarise_trace(json.loads(trace), PlotlyBundle.load(), len(timed), steps_ms, path)


def run_scenario(browser: Any, scenario: Scenario, options: Options, profile: bool) -> tuple[AppRun, AppRun]:
    """Both apps on one data size: start-ups, cold loads in turn, steps and floors in turn, then per app
    the heap, the torn-frame pass and (ours) the CPU profile."""
    log = options.out / "servers.log"
    data = str(scenario.data_dir)
    naive_script = str(ROOT / "bench" / "naive_app.py")
    with ExitStack() as stack:
        command = ["-m", "dashboard", "run", "--data-dir", data]
        url, startups = stack.enter_context(serve(lambda p: [sys.executable, *command, "--port", str(p)], options, log))
        ours = AppRun("ours", scenario.name, startups)
        tabs = {"ours": cold_load(browser, ours, url)}
        view = tabs["ours"].page.evaluate(VIEW)  # the naive app opens at the view and size ours fitted
        where = f"{view['lon']:.6f},{view['lat']:.6f},{view['zoom']:.5f}"
        command = [naive_script, "--data-dir", data, "--map-height", str(view["height"]), "--view", where]
        naive_url, startups = stack.enter_context(
            serve(lambda p: [sys.executable, *command, "--port", str(p)], options, log)
        )
        naive = AppRun("naive", scenario.name, startups)
        runs, urls = {"ours": ours, "naive": naive}, {"ours": url, "naive": naive_url}
        tabs["naive"] = cold_load(browser, naive, naive_url)
        for _ in range(options.cold - 1):
            for app, run in runs.items():
                tabs[app].close()
                tabs[app] = cold_load(browser, run, urls[app])
        for app, run in runs.items():
            run.view = tabs[app].page.evaluate(VIEW)
            run.heap["loaded"] = heap_mb(tabs[app].cdp)
        if options.reader_only:
            for tab in tabs.values():
                tab.close()
            reader_pass(browser, runs, urls, scenario, options)
            return ours, naive
        interleaved(runs, tabs, scenario, options)
        last = len(scenario.atlas.dates) - 1
        for app, run in runs.items():
            tab = tabs[app]
            run.heap["after steps"] = heap_mb(tab.cdp)
            run.torn = torn_pass(browser, tab, scenario, bounce(slider_index(tab.page), last, options.torn_steps))
        if profile:
            trace_steps(browser, tabs["ours"], ours, scenario, options)
        for tab in tabs.values():
            tab.close()
        if profile and options.reader_rounds:
            reader_pass(browser, runs, urls, scenario, options)
    return ours, naive


def reader_pass(
    browser: Any, runs: dict[str, AppRun], urls: dict[str, str], scenario: Scenario, options: Options
) -> None:
    """The reader's clock of every input path (bench/reader.py), in fresh tabs of both apps."""
    from bench import reader  # noqa: PLC0415 (reader uses this module: imported when needed)

    measured = reader.reader_pass(browser, urls, scenario, options.reader_rounds, options.paths)
    for (app, path), path_run in measured.items():
        runs[app].reader[path] = path_run


# ---------------------------------------------------------------- printing


def pct(values: list[float]) -> tuple[float, float, float]:
    arr = np.array(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        return (float("nan"),) * 3
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95)), float(arr.max())


def triple(values: list[float], digits: int = 0) -> str:
    p50, p95, top = pct(values)
    return f"{p50:.{digits}f} / {p95:.{digits}f} / {top:.{digits}f}"


def kb(n: float) -> str:
    return f"{n / 1e3:,.0f} KB" if n < 1e6 else f"{n / 1e6:.2f} MB"


def app_rows(run: AppRun) -> list[tuple[str, str]]:
    s, f = run.steps, run.floor
    torn = run.torn or TornCheck()
    reload = run.reload
    shots = f"{len(torn.shots_torn)}/{torn.shots_intermediate}"
    return [
        ("step: key → new date drawn, complete (ms)", triple([x["step"] for x in s])),
        ("  key → that frame passed on (2 rAF) (ms)", triple([x["presented"] for x in s])),
        ("  key → map idle (ms)", triple([x["idle"] for x in s])),
        ("  key → first frame drawn (ms)", triple([x["first_render"] for x in s])),
        ("  key → plotly_afterplot (ms)", triple([x["afterplot"] for x in s])),
        ("  frames drawn per step", triple([x["renders"] for x in s])),
        ("  idles that still showed the old date", str(sum(x["early"] for x in s))),
        ("repaint floor: 1-px pan → frame drawn (ms)", triple([x["frame"] for x in f])),
        ("  1-px pan → frame passed on (2 rAF) (ms)", triple([x["presented"] for x in f])),
        ("  1-px pan → map idle (ms)", triple([x["idle"] for x in f])),
        ("requests per step", triple([x["requests"] for x in s])),
        ("bytes per step down / up", f"{kb(np.mean([x['down'] for x in s]))} / {kb(np.mean([x['up'] for x in s]))}"),
        ("cold load → zones on screen (ms)", triple([c["painted"] for c in run.cold])),
        ("cold load → map drawn (ms)", triple([c["zones"] for c in run.cold])),
        ("cold load → settled (ms)", triple([c["settled"] for c in run.cold])),
        ("page weight wire / decoded", f"{kb(run.weight['wire'])} / {kb(run.weight['decoded'])}"),
        ("  requests; fetched twice", f"{run.weight['requests']}; {len(run.weight['twice'])}"),
        ("reload: wire, requests (304s)", f"{kb(reload['wire'])}, {reload['requests']} ({reload['revalidated']})"),
        ("JS heap after load / after steps", f"{run.heap['loaded']:.1f} MB / {run.heap['after steps']:.1f} MB"),
        ("app start-up → first response (s)", triple(run.startup, 2)),
        ("torn frames: GL / composited", f"{len(torn.gl_torn)}/{torn.gl_intermediate} / {shots}"),
    ]  # fmt: skip


def print_runs(runs: list[AppRun]) -> None:
    header = ["", *(f"{r.app} · {r.scenario}" for r in runs)]
    rows = [app_rows(r) for r in runs]
    table = [header] + [[rows[0][i][0]] + [r[i][1] for r in rows] for i in range(len(rows[0]))]
    widths = [max(len(row[c]) for row in table) for c in range(len(header))]
    for row in table:
        cells = (
            cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        click.echo("  ".join(cells))


def print_ratios(pairs: list[tuple[AppRun, AppRun]]) -> None:
    click.echo("\nNaive ÷ ours, per step (same run, steps taken in turn; > 1 means ours is faster):")
    for ours, naive in pairs:
        o = pct([x["step"] for x in ours.steps])
        n = pct([x["step"] for x in naive.steps])
        paired = statistics.median(y["step"] / x["step"] for x, y in zip(ours.steps, naive.steps, strict=True))
        idle = pct([x["idle"] for x in naive.steps])[0] / pct([x["idle"] for x in ours.steps])[0]
        click.echo(
            f"  {ours.scenario:8s} p50 {n[0] / o[0]:.1f}×  p95 {n[1] / o[1]:.1f}×  max {n[2] / o[2]:.1f}×;"
            f" median of step-by-step ratios {paired:.1f}×; key → map idle p50 {idle:.1f}×"
        )


def print_targets(pairs: list[tuple[AppRun, AppRun]]) -> None:
    ours, naive = pairs[0]
    step = pct([x["step"] for x in ours.steps])
    floor = pct([x["frame"] for x in ours.floor])
    ratio = pct([x["step"] for x in naive.steps])[0] / step[0]
    requests = max(x["requests"] for x in ours.steps)
    cold = pct([c["painted"] for c in ours.cold])[0]
    interactive = pct([c["zones"] for c in ours.cold])[0]
    checks = [
        ("0 server requests per step", requests == 0, f"max {requests}"),
        ("step p95 ≤ 1.5 × repaint floor (p50)", step[1] <= 1.5 * floor[0], f"{step[1]:.0f} vs {1.5 * floor[0]:.0f}"),
        ("step p95 ≤ 100 ms", step[1] <= 100, f"{step[1]:.0f} ms"),
        ("≥ 3× faster than naive (p50), shipped", ratio >= 3, f"{ratio:.1f}×"),
        ("cold load ≤ 2 s (p50, zones on screen)", cold <= 2000, f"{cold:.0f} ms; map drawn {interactive:.0f} ms"),
        ("compressed page ≤ 3 MB", ours.weight["wire"] <= 3e6, kb(ours.weight["wire"])),
        ("nothing fetched twice", not ours.weight["twice"], ", ".join(ours.weight["twice"]) or "none"),
        ("app start-up ≤ 3 s (max)", max(ours.startup) <= 3, f"{max(ours.startup):.2f} s"),
        ("no torn frames", not (ours.torn and (ours.torn.gl_torn or ours.torn.shots_torn)), "see above"),
    ]  # fmt: skip
    if len(pairs) > 1:
        dense_ours, dense_naive = pairs[1]
        dense = pct([x["step"] for x in dense_naive.steps])[0] / pct([x["step"] for x in dense_ours.steps])[0]
        checks.insert(4, (f"≥ 8× faster than naive (p50), {dense_ours.scenario}", dense >= 8, f"{dense:.1f}×"))
    click.echo("\nTargets (ours):")
    for name, ok, detail in checks:
        click.echo(f"  [{'met' if ok else 'MISS'}] {name}: {detail}")


def print_reader(ours: AppRun, naive: AppRun) -> None:
    """Per input path: the reader's clock (input → first composited frame showing the new date), the in-page
    figure (input → MapLibre's first frame with it), requests and torn frames; the 1-px pans calibrate."""
    if not ours.reader:
        return
    click.echo("\nReader's clock: input → first composited frame showing the new date (screencast), p50 / p95 / max ms")
    header = ["path", "ours: reader's clock", "ours: in page", "req", "torn", "naive: reader's clock", "naive: in page"]
    rows = [header]
    for path, run in ours.reader.items():
        other = naive.reader.get(path)
        rows.append(
            [
                path + (f" ({run.missed()} unread)" if run.missed() else ""),
                triple(run.ms()),
                triple([w.drawn_ms for w in run.windows]),
                str(max(w.requests for w in run.windows)),
                f"{len(run.torn())}/{len(run.clocks)}",
                triple(other.ms()) if other else "—",
                triple([w.drawn_ms for w in other.windows]) if other else "—",
            ]
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(header))]
    for row in rows:
        click.echo(
            "  ".join(
                cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    click.echo(
        "\nTargets per path (ours): p95 ≤ 1.5 × the 1-px pan's (p50; p95 in brackets), ≥ 3× faster than the naive"
        " app (p50 and p95; the naive page's key path where it has no such control), 0 requests, no torn frame:"
    )
    for path, run in ours.reader.items():
        if path.startswith("pan"):
            continue
        pan = ours.reader["pan (phone)" if path == "touch" else "pan"].ms()
        # The naive page's own path, or its key where it lacks the control or never showed the steps (if measured).
        theirs = [r.ms() for r in (naive.reader.get(path), naive.reader.get("key")) if r and r.ms()]
        mine = pct(run.ms())
        floor = pct(pan)
        slow = pct(theirs[0]) if theirs else (float("nan"), float("nan"))
        checks = [
            mine[1] <= 1.5 * floor[0],
            slow[0] >= 3 * mine[0] and slow[1] >= 3 * mine[1],  # False where there is no naive figure (nan)
            max(w.requests for w in run.windows) == 0,
            not run.torn(),
            not run.missed(),
        ]
        click.echo(
            f"  [{'met' if all(checks) else 'MISS'}] {path}: p95 {mine[1]:.0f} vs 1.5 × pan {floor[0]:.0f} = "
            f"{1.5 * floor[0]:.0f} ({1.5 * floor[1]:.0f}); naive ÷ ours p50 {slow[0] / mine[0]:.1f}×, p95 "
            f"{slow[1] / mine[1]:.1f}×; requests {max(w.requests for w in run.windows)}; torn {len(run.torn())}"
        )
        for why in run.torn()[:3]:
            click.echo(f"      torn: {why}")


def print_details(runs: list[AppRun]) -> None:
    for run in runs:
        click.echo(f"\n{run.app} · {run.scenario}: view {run.view}")
        click.echo(f"  biggest downloads (name, wire, decoded): {run.weight['biggest']}")
        step_urls = Counter(u for step in run.steps for u in step["urls"])
        if step_urls:
            click.echo(f"  requests during steps: {dict(step_urls)}")
        if run.weight["twice"]:
            click.echo(f"  fetched twice: {run.weight['twice']}")
        if run.torn:
            t = run.torn
            click.echo(
                f"  torn-frame pass: {t.steps} steps, {t.samples} pixel samples; "
                f"{t.gl_frames} GL frames, {t.shots} composited frames of {t.received} received"
            )
            for line in (t.gl_torn + t.shots_torn)[:6]:
                click.echo(f"    torn: {line}")


# ---------------------------------------------------------------- main


@click.command()
@click.option("--steps", default=50, show_default=True, help="Timed slider steps per app and data size (≥ 50).")
@click.option("--warmup", default=3, show_default=True, help="Untimed steps first.")
@click.option("--floor", "floor_steps", default=20, show_default=True, help="One-pixel pans for the repaint floor.")
@click.option("--cold", default=3, show_default=True, help="Cold loads per app (fresh browser context each).")
@click.option("--starts", default=3, show_default=True, help="Process starts per app (start-up time).")
@click.option("--torn-steps", default=8, show_default=True, help="Steps with frame capture.")
@click.option("--profile-steps", default=20, show_default=True, help="Steps of our app under a CPU profile.")
@click.option("--density", default=10, show_default=True, help="Growth run: control points × this.")
@click.option("--growth/--no-growth", default=True, show_default=True)
@click.option("--reader-rounds", default=20, show_default=True, help="Inputs per path and app for the reader's clock.")
@click.option(
    "--paths",
    default=",".join(("key", "drag", "track", "mark", "buttons", "play", "chart", "touch")),
    show_default=True,
    help="Input paths for the reader's clock.",
)
@click.option("--reader-only", is_flag=True, help="Only the reader's clock (one start and cold load per app).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Traces and logs.")
def main(
    steps: int, warmup: int, floor_steps: int, cold: int, starts: int, torn_steps: int, profile_steps: int,
    density: int, growth: bool, reader_rounds: int, paths: str, reader_only: bool, out: Path | None,
) -> None:  # fmt: skip
    out = out or Path(tempfile.mkdtemp(prefix="scrub-"))
    out.mkdir(parents=True, exist_ok=True)
    options = Options(
        steps, warmup, floor_steps, cold, starts, torn_steps, profile_steps, out, reader_rounds,
        tuple(p for p in paths.split(",") if p), reader_only,
    )  # fmt: skip
    if reader_only:
        options = replace(options, cold=1, starts=1)
        growth = False
    scenarios = [Scenario("shipped", DEFAULT_DATA_DIR, load_atlas(DEFAULT_DATA_DIR))]
    if growth:
        started = time.perf_counter()
        dense = densify(out / f"dense{density}", factor=density)
        click.echo(f"growth data: {dense.places} control points, built in {time.perf_counter() - started:.0f} s")
        scenarios.append(Scenario(f"{density}×", dense.data_dir, load_atlas(dense.data_dir)))
    for s in scenarios:
        click.echo(
            f"{s.name}: {len(s.atlas.timeline.places)} control points, {len(s.atlas.dates)} dates, zone vertices per "
            f"date {min(s.vertices)}–{max(s.vertices)}, map data JSON {kb(data_json_bytes(s.atlas))}"
        )
    pairs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        click.echo(f"{os.cpu_count()} cores (load average {load} at start); Chromium {browser.version}, software WebGL")
        click.echo(f"app at {code_version()}; viewport {VIEWPORT['width']}×{VIEWPORT['height']}; traces, logs: {out}\n")
        try:
            for i, scenario in enumerate(scenarios):
                click.echo(f"measuring {scenario.name} …", err=True)
                # Growth: one process start and one cold load per app (a cold load there takes tens of seconds).
                these = options if i == 0 else replace(options, cold=1, starts=1)
                pairs.append(run_scenario(browser, scenario, these, profile=i == 0))
        finally:
            browser.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    click.echo(f"load average {load} at the end\n")
    runs = [r for pair in pairs for r in pair]
    click.echo("p50 / p95 / max unless said otherwise; ms from the keydown event's timestamp.\n")
    if not options.reader_only:
        print_runs(runs)
        print_ratios(pairs)
    if not options.reader_only:
        print_targets(pairs)
    print_reader(*pairs[0])
    print_details(runs)
    for run in runs:
        if run.profile:
            click.echo(f"\n{run.profile}")


if __name__ == "__main__":
    main()
