"""The reader's clock: from an input to the first composited frame that shows its result, per input path.

The page is recorded with the DevTools screencast (`Page.startScreencast`: every composited frame the browser
draws, JPEG, with the frame's own timestamp). A measurement starts at the input event's own timestamp (a capture
listener in bench/harness.js takes `event.timeStamp` of the keydown, pointerdown, pointermove or touchstart that
Playwright's CDP `Input.dispatch*Event` produced) and ends at the first recorded frame in which the map shows
the new date at the probe points:

- a date step: page pixels inside ground that changed hands between the two dates (from the zone files, as
  `Scenario.changes` finds them), whose colour in the last frame before the input (old) and in the settled frame
  (new) differ by more than the JPEG tolerance; the frame shows the new date when every such probe is nearer its
  new colour than its old one (`scrub.classify`);
- a 1-px pan (the calibration): every map pixel whose colour the pan changed by more than 60 levels; the frame
  shows the pan when 90 % of them have their settled colour.

Both go through the same recording and the same decoder, so what the recording itself adds (capture, encoding,
the trip to this process) weighs on both alike: the pan is the least a visible change can cost here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import click

from bench import scrub

PAN_DIFF = 60  # a pixel the pan changed: its colour moved this far (max channel)
# A date change a phone's map shows: ground this large (about 180 px² there, 60 px a degree) changed hands. The
# phone's map (390 px wide) has no probe deep enough inside a step's few villages, and JPEG blurs them below PAN_DIFF.
VISIBLE_DEG2 = 0.05
PAN_SHOWN = 0.9  # the share of those pixels at their settled colour for the frame to show the pan
WAIT_MS = 20_000  # an input whose result the map has not shown by then counts as unread
STILL_S = 0.35  # no screencast frame for this long: the page is still

DECODE = """async ({frames, points, box, diff, tolerance}) => {
  let first = null, last = null, changed = null;
  const images = [];
  for (const b64 of frames) {
    const blob = await (await fetch('data:image/jpeg;base64,' + b64)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const samples = points.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3)));
    images.push({samples, pixels: box ? ctx.getImageData(box[0], box[1], box[2], box[3]).data : null});
  }
  if (box) {
    first = images[0].pixels; last = images[images.length - 1].pixels; changed = [];
    const d = (p, q, i) =>
      Math.max(Math.abs(p[i] - q[i]), Math.abs(p[i + 1] - q[i + 1]), Math.abs(p[i + 2] - q[i + 2]));
    for (let i = 0; i < first.length; i += 4) if (d(first, last, i) > diff) changed.push(i);
    for (const image of images) {
      let settled = 0;
      for (const i of changed) if (d(image.pixels, last, i) <= tolerance) settled += 1;
      image.pan = [settled, changed.length];
    }
  }
  return images.map((image) => ({samples: image.samples, pan: image.pan || null}));
}"""


@dataclass
class Window:
    """One measured input: when it happened, until when its frames count, and what to look at."""

    app: str
    path: str
    t0: float  # epoch seconds: the input event's timestamp
    end: float  # epoch seconds: frames up to here belong to this input
    points: list[list[int]]  # page pixels sampled
    tags: list[str]  # what each sample is: "changed→<faction>" (a probe), "held by …", "base"
    box: list[int]  # the map's box in page pixels (what a pan changed is found in it)
    pan: bool
    drawn_ms: float  # in-page: the first MapLibre frame with the new date (or the pan), ms from the input
    requests: int


@dataclass
class Clock:
    """What the recording showed for one input."""

    ms: float | None  # input → first composited frame showing the result; None if no frame did
    frames: int  # composited frames between the input and the settled one
    torn: str | None  # why a frame in between was torn


class Screencast:
    """Every composited frame of a page, with the browser's timestamp (epoch seconds)."""

    def __init__(self, cdp: Any):
        self.cdp = cdp
        self.frames: list[tuple[float, str]] = []
        self.arrived = time.monotonic()
        cdp.on("Page.screencastFrame", self._frame)

    def _frame(self, event: dict[str, Any]) -> None:
        self.frames.append((event["metadata"]["timestamp"], event["data"]))
        self.arrived = time.monotonic()
        with suppress(Exception):  # the session may be closing
            self.cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

    def start(self) -> None:
        self.cdp.send("Page.startScreencast", {"format": "jpeg", "quality": 90, "everyNthFrame": 1})

    def stop(self) -> None:
        self.cdp.send("Page.stopScreencast")

    def wait_still(self, page: Any) -> None:
        """Until no frame has come for STILL_S from now (the settled frame is in, and one still on its way, as the
        frame a focus ring asks for is for tens of ms after the page's second animation frame, has arrived)."""
        since = time.monotonic()
        while time.monotonic() - max(self.arrived, since) < STILL_S:
            page.wait_for_timeout(50)


def read(decoder: Any, frames: list[tuple[float, str]], window: Window) -> Clock:
    """The reader's clock of one input from the recording: the last frame before it gives the old pixels, the
    last one in its window the settled (new) ones."""
    before = [f for f in frames if f[0] < window.t0][-1:]
    during = [f for f in frames if window.t0 <= f[0] < window.end]
    if not before or not during:
        return Clock(None, len(during), None)
    decoded = decoder.evaluate(
        DECODE,
        {
            "frames": [f[1] for f in before + during],
            "points": window.points,
            "box": window.box,
            "diff": PAN_DIFF,
            "tolerance": scrub.JPEG_TOLERANCE,
        },
    )
    old, new = decoded[0]["samples"], decoded[-1]["samples"]
    decisive = [
        i
        for i, tag in enumerate(window.tags)
        if tag.startswith("changed") and _distance(old[i], new[i]) > scrub.JPEG_TOLERANCE
    ]
    shown = None
    for (t, _), frame in zip(during, decoded[1:], strict=True):
        if window.pan or not decisive:  # no probe on screen (a phone's small map): the changed pixels
            settled, changed = frame["pan"]
            ok = changed > 0 and settled >= PAN_SHOWN * changed
        else:
            samples = frame["samples"]
            ok = all(scrub.classify(samples[i], old[i], new[i], scrub.JPEG_TOLERANCE) == "new" for i in decisive)
        if ok:
            shown = (t - window.t0) * 1e3
            break
    torn = None
    if not window.pan:
        for (t, _), frame in zip(during[:-1], decoded[1:-1], strict=True):
            if why := scrub.torn(frame["samples"], old, new, scrub.JPEG_TOLERANCE, window.tags):
                torn = f"+{(t - window.t0) * 1e3:.0f} ms: {why}"
                break
    return Clock(shown, len(during), torn)


def _distance(p: list[int], q: list[int]) -> int:
    return max(abs(x - y) for x, y in zip(p, q, strict=True))


@dataclass
class PathRun:
    """Every measured input of one path of one app."""

    app: str
    path: str
    windows: list[Window] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)

    def ms(self) -> list[float]:
        return [c.ms for c in self.clocks if c.ms is not None]

    def missed(self) -> int:
        return sum(c.ms is None for c in self.clocks)

    def torn(self) -> list[str]:
        return [c.torn for c in self.clocks if c.torn]


Act = Callable[[Any, int, int], None]


# ---------------------------------------------------------------- input paths

PHONE = {"width": 390, "height": 844}
SLIDER_POINT = """(value) => {
  const root = document.querySelector('#date-slider .dash-slider-root');
  const track = document.querySelector('#date-slider .dash-slider-track').getBoundingClientRect();
  const r = root.getBoundingClientRect();
  const max = Number(root.querySelector('[role=slider]').getAttribute('aria-valuemax'));
  return [r.left + (r.width * value) / max, track.top + track.height / 2];
}"""
CENTRE = """(el) => { const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }"""
CHART_POINT = """(iso) => {
  const gd = document.querySelector('#area-chart .js-plotly-plot');
  const {xaxis, _size} = gd._fullLayout;
  const box = gd.getBoundingClientRect();
  return [box.left + _size.l + xaxis.l2p(xaxis.d2l(iso)), box.top + _size.t + 40];
}"""


@dataclass(frozen=True)
class Path:
    """An input path: how to make date a go to date b, and which input event starts the clock."""

    name: str
    on: tuple[str, ...]
    act: Act
    prepare: Act | None = None
    finish: Act | None = None  # right after the input (releases a button, pauses play)
    restore: Act | None = None  # once the window is read: undoes `prepare` (a scroll moves every probe's pixels)
    forward_only: bool = False
    any_date: bool = False  # the input can pick any date: the nearest one whose change shows on a phone's map


def _key(page: Any, a: int, b: int) -> None:
    page.keyboard.press("ArrowRight" if b > a else "ArrowLeft")


def _focus_thumb(page: Any, a: int, b: int) -> None:
    page.locator(scrub.SLIDER).focus()


def _thumb_down(page: Any, a: int, b: int) -> None:
    page.mouse.move(*page.locator(scrub.SLIDER).evaluate(CENTRE))
    page.mouse.down()


def _drag(page: Any, a: int, b: int) -> None:
    page.mouse.move(*page.evaluate(SLIDER_POINT, b))


def _up(page: Any, a: int, b: int) -> None:
    page.mouse.up()


def _track(page: Any, a: int, b: int) -> None:
    page.mouse.click(*page.evaluate(SLIDER_POINT, b))


def _hover_slider(page: Any, a: int, b: int) -> None:
    """The pointer is over the slider before the click (as a reader's would be): the click's move starts nothing."""
    page.mouse.move(*page.evaluate(SLIDER_POINT, a))


def _mark(page: Any, a: int, b: int) -> None:
    page.mouse.click(*page.locator("#date-slider .dash-slider-mark").nth(b).evaluate(CENTRE))


def _button(page: Any, a: int, b: int) -> None:
    page.mouse.click(*page.locator("#step-next" if b > a else "#step-prev").evaluate(CENTRE))


def _play(page: Any, a: int, b: int) -> None:
    page.mouse.click(*page.locator("#play").evaluate(CENTRE))


def _pause(page: Any, a: int, b: int) -> None:
    """Pause again (the slowest speed was chosen first, so no second tick came in the meantime)."""
    page.mouse.click(*page.locator("#play").evaluate(CENTRE))


def _show_chart(page: Any, a: int, b: int) -> None:
    """Scroll the area chart's top 120 px into the view's bottom (most of the map stays on screen) and rest the
    pointer on date b, as a reader's would be before the click: Plotly clicks on the point its hover found."""
    page.evaluate("() => { const r = document.getElementById('area-chart').getBoundingClientRect();"
                  " window.scrollBy(0, r.top + 120 - window.innerHeight); }")  # fmt: skip
    page.mouse.move(*_chart_point(page, b))


def _chart_point(page: Any, b: int) -> tuple[float, float]:
    return page.evaluate(CHART_POINT, page.evaluate("i => __benchDates[i]", b))


def _chart(page: Any, a: int, b: int) -> None:
    page.mouse.click(*_chart_point(page, b))


def _top(page: Any, a: int, b: int) -> None:
    page.evaluate("() => window.scrollTo(0, 0)")


def _tap(page: Any, a: int, b: int) -> None:
    page.touchscreen.tap(*page.evaluate(SLIDER_POINT, b))


POINTER = ("pointerdown",)
PATHS = {
    "key": Path("key", ("keydown",), _key, prepare=_focus_thumb),
    "drag": Path("drag", ("pointermove",), _drag, prepare=_thumb_down, finish=_up),
    "track": Path("track", POINTER, _track, prepare=_hover_slider),
    "mark": Path("mark", POINTER, _mark),
    "buttons": Path("buttons", POINTER, _button),
    "play": Path("play", POINTER, _play, finish=_pause, forward_only=True),
    "chart": Path("chart", POINTER, _chart, prepare=_show_chart, restore=_top, any_date=True),
    "touch": Path("touch", ("pointerdown", "touchstart"), _tap, any_date=True),
}
NAIVE_PATHS = ("key", "drag", "track", "mark", "touch")  # the naive page has the slider only
PHONE_PATHS = ("touch",)


@dataclass
class Page:
    """One app's tab with its recording."""

    app: str
    tab: Any
    cast: Screencast
    origin: float  # performance.timeOrigin, ms since the epoch
    labels: list[list[Any]]
    direction: int = 1


def open_page(browser: Any, app: str, url: str, scenario: Any, phone: bool) -> Page:
    if phone:
        context = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True)
    else:
        context = browser.new_context(viewport=scrub.VIEWPORT, locale="en-GB")
    context.add_init_script(scrub.HARNESS)
    dates = [d.isoformat() for d in scenario.atlas.dates]
    context.add_init_script(f"window.__benchDates = {dates!r};")
    page = context.new_page()
    page.set_default_timeout(scrub.TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    tab = scrub.Tab(context, page, cdp, scrub.Network(cdp))
    page.goto(url, wait_until="commit")
    scrub.wait_cold(page)
    labels = [[p.lon, p.lat, len(p.name_en)] for p in scrub.figures.shown_places(scenario.atlas) if p.kind == "city"]
    cast = Screencast(cdp)
    cast.start()
    return Page(app, tab, cast, page.evaluate("performance.timeOrigin"), labels)


def _settle(p: Page) -> float:
    scrub.settle(p.tab.page)
    p.tab.page.evaluate("() => __bench.quiet(200)")
    p.cast.wait_still(p.tab.page)
    return time.time()


def _measured(p: Page, spec: dict[str, Any], act: Callable[[], None]) -> tuple[dict[str, Any] | None, int]:
    """The harness's figures for one input, or None if the map never showed its result."""
    page = p.tab.page
    page.evaluate("spec => __bench.arm(spec)", spec)
    mark = p.tab.net.mark()
    act()
    result = page.evaluate(f"() => __bench.wait({WAIT_MS}).then(r => ({{...r, frames: undefined}}))")
    requests = len(p.tab.net.since(mark))
    if result.get("timedOut") or result["t0"] is None:
        click.echo(f"  {p.app}: the map did not show the result of {spec.get('on')} in {WAIT_MS} ms", err=True)
        return None, requests
    return result, requests


def measure(p: Page, path: Path, scenario: Any, decoder: Any, run: PathRun) -> None:
    """One input on `path`, from the slider's date a to b; its window is read from the recording at once."""
    page = p.tab.page
    last = len(scenario.atlas.dates) - 1
    a = scrub.slider_index(page)
    if path.forward_only:
        b = a + 1 if a < last else 0
    else:
        if not 0 <= a + p.direction <= last:
            p.direction = -p.direction
        b = a + p.direction
    if path.any_date:  # most steps change a few villages (late December none): too little for a phone's map
        b = min(
            (c for c in range(last + 1) if c != a and scenario.changed_area(a, c) >= VISIBLE_DEG2),
            key=lambda c: abs(c - a),
        )
    if path.prepare:
        # The page finishes what preparing set off before the input, and the recording has the prepared view
        # (scrolled, the handle's focus ring) as the frame before it: a key pressed within a frame of the handle
        # taking focus waited 15-30 ms for the focus ring's frame, as a reader's key, pressed later, does not.
        path.prepare(page, a, b)
        _settle(p)
    changes = scenario.changes(a, b, 24)
    samples = [
        *((x, y, f"changed→{f}") for x, y, f in changes),
        *((x, y, f"held by {f}") for x, y, f in scenario.unchanged(a, b)),
        *((x, y, "base") for x, y in scrub.BASE_SAMPLES),
    ]
    where = page.evaluate("a => __bench.locate(a)", {"points": [s[:2] for s in samples], "labels": p.labels})
    located = [(w["page"], s[2]) for s, w in zip(samples, where, strict=True) if w]
    change = [c for c, w in zip(changes, where, strict=False) if w][:8]  # the probes on screen
    box = page.evaluate(MAP_BOX)
    spec = {"probes": [[x, y] for x, y, _ in change], "expect": [f for *_, f in change], "on": list(path.on)}
    result, requests = _measured(p, spec, lambda: path.act(page, a, b))
    if path.finish:
        path.finish(page, a, b)
    end = _settle(p)
    if result is None:
        run.windows.append(Window(p.app, path.name, 0, end, [], [], box, False, float("nan"), requests))
        run.clocks.append(Clock(None, 0, None))
    else:
        window = Window(
            p.app, path.name, (p.origin + result["t0"]) / 1e3, end, [w for w, _ in located],
            [t for _, t in located], box, False, (result["firstNew"] or result["idle"]) - result["t0"], requests,
        )  # fmt: skip
        _read(p, decoder, run, window)
    if path.restore:
        path.restore(page, a, b)
        _settle(p)


MAP_BOX = """() => { const r = __bench.map().getCanvas().getBoundingClientRect();
  const top = Math.max(r.top, 0) + 8, bottom = Math.min(r.bottom, innerHeight) - 8;
  return [Math.round(r.left) + 8, Math.round(top), Math.round(r.width) - 16, Math.round(bottom - top)]; }"""


def measure_pan(p: Page, decoder: Any, run: PathRun, dx: int) -> None:
    page = p.tab.page
    box = page.evaluate(MAP_BOX)
    result, requests = _measured(p, {"pan": dx}, lambda: page.keyboard.press("F9"))
    end = _settle(p)
    if result is None:
        raise RuntimeError(f"{p.app}: no frame after a 1-px pan")
    window = Window(p.app, run.path, (p.origin + result["t0"]) / 1e3, end, [], [], box, True,
                    result["firstRender"] - result["t0"], requests)  # fmt: skip
    _read(p, decoder, run, window)


def _read(p: Page, decoder: Any, run: PathRun, window: Window) -> None:
    run.windows.append(window)
    run.clocks.append(read(decoder, p.cast.frames, window))
    p.cast.frames = [f for f in p.cast.frames if f[0] >= window.end][-1:] or p.cast.frames[-1:]


def reader_pass(
    browser: Any, urls: dict[str, str], scenario: Any, rounds: int, paths: tuple[str, ...]
) -> dict[tuple[str, str], PathRun]:
    """`rounds` inputs per path and app, and as many 1-px pans, the apps in turn (ours, naive, naive, ours, …)."""
    pages: dict[tuple[str, bool], Page] = {}
    runs: dict[tuple[str, str], PathRun] = {}
    decoder = browser.new_page()
    try:
        for app, url in urls.items():
            for phone in (False, True):
                pages[app, phone] = open_page(browser, app, url, scenario, phone)
        ours = pages["ours", False].tab.page
        if "play" in paths:
            ours.locator("#play-speed").get_by_text(
                "0.5×"
            ).click()  # the slowest speed: no second tick during a measurement
        apps = list(urls)
        for k in range(rounds):
            for name in (*paths, "pan", "pan (phone)"):
                for app in apps if k % 2 == 0 else apps[::-1]:
                    if app != "ours" and name in PATHS and name not in NAIVE_PATHS:
                        continue
                    phone = name in PHONE_PATHS or name == "pan (phone)"
                    p = pages[app, phone]
                    run = runs.setdefault((app, name), PathRun(app, name))
                    if name.startswith("pan"):
                        measure_pan(p, decoder, run, 1 if k % 2 == 0 else -1)
                    else:
                        measure(p, PATHS[name], scenario, decoder, run)
    finally:
        for p in pages.values():
            with suppress(Exception):
                p.cast.stop()
            p.tab.close()
        decoder.close()
    return runs
