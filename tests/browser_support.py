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
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


def wait_for_map_date_after(page: Any, iso: str) -> str:
    """Wait until the map has drawn a date later than `iso` (playing may skip dates it cannot keep up with)."""
    page.wait_for_function(
        "iso => (document.getElementById('map').dataset.mapDate || '') > iso", arg=iso, timeout=RENDER_TIMEOUT_MS
    )
    return page.evaluate("document.getElementById('map').dataset.mapDate")


# In the page: which zone layer MapLibre has drawn under a place, and what the zone traces hold.
DRAWN_AT = """([lon, lat]) => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const layers = map.getStyle().layers.map(l => l.id).filter(id => id.includes('zone-') && id.endsWith('-fill'));
  const hits = map.queryRenderedFeatures(map.project([lon, lat]), {layers});
  return hits.map(f => f.layer.id.split('zone-')[1].replace('-fill', ''));
}"""

DRAWN_FACTIONS = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const layers = map.getStyle().layers.map(l => l.id).filter(id => id.includes('zone-') && id.endsWith('-fill'));
  const seen = {};
  for (const f of map.queryRenderedFeatures({layers})) {
    const faction = f.layer.id.split('zone-')[1].replace('-fill', '');
    seen[faction] = (seen[faction] || 0) + 1;
  }
  return seen;
}"""


# In the page: zone traces whose MapLibre source holds other geometry than the figure's trace.
STALE_SOURCES = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const first = (fc) => JSON.stringify(fc.features[0].geometry.coordinates).slice(0, 200);
  return gd.data.filter(t => t.type === 'choroplethmap')
    .filter(t => first(map.getSource('source-' + t.uid)._data.geojson) !== first(t.geojson))
    .map(t => t.uid);
}"""


def stale_sources(page: Any) -> list[str]:
    """Zone traces whose data MapLibre does not hold (a plot that raced a date step)."""
    return page.evaluate(STALE_SOURCES)


def drawn_at(page: Any, lon: float, lat: float) -> list[str]:
    """The factions whose zone fill MapLibre drew at this point."""
    return page.evaluate(DRAWN_AT, [lon, lat])


def drawn_factions(page: Any) -> dict[str, int]:
    """Faction id → number of rendered zone features on screen."""
    return page.evaluate(DRAWN_FACTIONS)


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
