"""Browser-test support: the app on a loopback port and headless Chromium, recording every request.

Import the fixtures into a test module (or conftest) with `from tests.browser_support import *`-free
explicit imports: `from browser_support import app_url, browser, page`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from dashboard.config import DEFAULT_DATA_DIR, Settings
from dashboard.load import load_atlas
from dashboard.model import Atlas

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--enable-unsafe-swiftshader",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")
# Software WebGL on two cores is slow: waits are generous, and they end on events, never on timers.
RENDER_TIMEOUT_MS = 60_000


@dataclass
class Recorder:
    """Every request the page makes and every console error or uncaught exception."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def off_loopback(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOOPBACK
        ]


@pytest.fixture(scope="session")
def shipped_atlas() -> Atlas:
    return load_atlas(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def app_url(shipped_atlas: Atlas) -> Iterator[str]:
    """The app on the shipped data, served on a free loopback port for the whole session."""
    from dashboard.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app(Settings(), shipped_atlas)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium. A machine without it fails the browser tests with what to install, never skips them:
    a skipped UI test reads as a passed one in a summary."""
    try:
        from playwright import sync_api
    except ImportError:
        pytest.fail("browser tests need Playwright's Python API: pip install -r requirements-dev.txt")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sized_context(browser: Any, width: int, height: int) -> Any:
    """A fresh browser context `width` × `height`; below 600 px a phone's (touch, mobile viewport)."""
    phone = width < 600
    return browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone, locale="en-GB"
    )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(browser: Any, recorder: Recorder) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.on("request", lambda request: recorder.requests.append(request.url))
    page.on("console", lambda msg: recorder.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: recorder.errors.append(str(error)))
    yield page
    context.close()


def open_map(page: Any, url: str) -> None:
    """Load the page and wait until MapLibre has drawn the zones of the date the slider shows."""
    page.goto(url)
    wait_for_map_date(page, None)


def wait_for_map_date(page: Any, iso: str | None) -> None:
    """Wait until the map has drawn `iso` (any date if None): map.js sets it after MapLibre's 'idle'."""
    selector = "#map[data-map-date]" if iso is None else f'#map[data-map-date="{iso}"]'
    page.wait_for_selector(selector, state="attached", timeout=RENDER_TIMEOUT_MS)


def wait_for_text(page: Any, selector: str, text: str) -> None:
    """Wait until the element's text contains `text`."""
    page.wait_for_function(
        "([sel, text]) => { const el = document.querySelector(sel); return el && el.textContent.includes(text); }",
        arg=[selector, text],
    )


def wait_for_map_date_after(page: Any, iso: str) -> str:
    """Wait until the map has drawn a date later than `iso` (playing may skip dates it cannot keep up with)."""
    page.wait_for_function(
        "iso => (document.getElementById('map').dataset.mapDate || '') > iso", arg=iso, timeout=RENDER_TIMEOUT_MS
    )
    return page.evaluate("document.getElementById('map').dataset.mapDate")


# In the page: the MapLibre map behind the graph, and the layers it draws now. assets/map.js gives every date
# its own layers, date-<YYYY-MM-DD>-<kind> (zones, borders, claimed, claimed-outline, markers), and draws a date
# by making its layers opaque: a layer is drawn when the opacity MapLibre paints it with (its evaluated paint,
# which MapLibre's draw functions read) is above 0.
DRAWN_LAYERS = """(kind) => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const opacity = {circle: 'circle-opacity', fill: 'fill-opacity', line: 'line-opacity'};
  return map.getLayersOrder().filter((id) => {
    const layer = map.getLayer(id);
    return /^date-\\d{4}-\\d{2}-\\d{2}-/.test(id) && (!kind || id.endsWith(`-${kind}`))
      && layer.paint.get(opacity[layer.type]).constantOr(1) > 0;
  });
}"""

RENDERED = f"""([kind, lon, lat]) => {{
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const layers = ({DRAWN_LAYERS})(kind);
  const at = lon === null ? undefined : map.project([lon, lat]);
  return layers.length ? map.queryRenderedFeatures(at, {{layers}}).map((f) => f.properties.faction) : [];
}}"""


def drawn_dates(page: Any) -> list[str]:
    """The dates MapLibre draws (any of their layers); one, the selected date, when a step has landed."""
    return sorted({layer[5:15] for layer in page.evaluate(DRAWN_LAYERS, None)})


def drawn_at(page: Any, lon: float, lat: float) -> list[str]:
    """The factions whose zone fill MapLibre drew at this point."""
    return page.evaluate(RENDERED, ["zones", lon, lat])


def drawn_claimed_at(page: Any, lon: float, lat: float) -> list[str]:
    """The factions whose claimed-only ground MapLibre drew (hatched) at this point."""
    return page.evaluate(RENDERED, ["claimed", lon, lat])


def drawn_factions(page: Any) -> dict[str, int]:
    """Faction id → number of rendered zone features on screen."""
    seen: dict[str, int] = {}
    for faction in page.evaluate(RENDERED, ["zones", None, None]):
        seen[faction] = seen.get(faction, 0) + 1
    return seen


def project(page: Any, lon: float, lat: float) -> tuple[float, float]:
    """Where a point is on the page, in CSS pixels."""
    box = page.locator("#map .js-plotly-plot").bounding_box()
    x, y = page.evaluate(
        """([lon, lat]) => {
          const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
          const p = map.project([lon, lat]);
          return [p.x, p.y];
        }""",
        [lon, lat],
    )
    return box["x"] + x, box["y"] + y


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
