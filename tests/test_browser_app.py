"""The app on the shipped data in real headless Chromium: offline, drawn, stepped, played, searched, shared.

Every wait ends on an event (MapLibre 'idle' → #map[data-map-date], or a DOM change), never on a timer.
Screenshots of key states go to tests/artifacts/.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import shapely
from browser_support import (
    DRAWN_LAYERS,
    Recorder,
    drawn_at,
    drawn_claimed_at,
    drawn_dates,
    drawn_factions,
    open_map,
    project,
    screenshot,
    wait_for_map_date,
    wait_for_map_date_after,
    wait_for_text,
)
from PIL import Image
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from dashboard import figures, ids
from dashboard.model import Atlas
from dashboard.render import browser

pytestmark = pytest.mark.browser

HAMA = (36.75783, 35.13179)  # lon, lat as in places.csv
HAMA_AIRBASE = (36.71110, 35.11830)
LABEL = f"#{ids.DATE_LABEL}"
BADGE = f"#{ids.PANEL_HOLDER}"
TIP = ".map-tip"


PLOTTED_AGAIN = """() => {
  window.plottedAgain = false;
  document.querySelector('#map .js-plotly-plot').on('plotly_afterplot', () => { window.plottedAgain = true; });
}"""
LAYER_ORDER = "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map.getLayersOrder()"


def panel_title(page: Any) -> str:
    return page.locator(f"#{ids.PANEL} h2").inner_text()


def test_page_loads_offline_with_no_errors_and_draws_every_zone(
    page: Any, app_url: str, recorder: Recorder, shipped_atlas: Atlas
) -> None:
    open_map(page, app_url)
    last = shipped_atlas.zones[shipped_atlas.dates[-1]]["features"]
    holding = {f["properties"]["faction"] for f in last}
    large = {f["properties"]["faction"] for f in last if f["properties"]["area_km2"] > 1000}
    assert large <= set(drawn_factions(page)) <= holding
    key = page.locator(f"#{ids.MAP_KEY}").text_content()
    assert "Syrian government ·" in key and "%" in key and "Claimed only" in key
    assert page.locator(f"#{ids.MAP_KEY} .as-of").text_content() == "As of 31 December 2024"
    assert drawn_dates(page) == ["2024-12-31"]
    screenshot(page, "01-loaded-10-december")
    assert recorder.errors == []
    assert recorder.off_loopback() == []
    # preloaded by the page and taken by map.js's fetch: one request (a mismatched preload makes two)
    assert sum("/_map/data-" in url for url in recorder.requests) == 1


def test_arrow_key_on_the_slider_changes_the_date_label_and_the_drawn_zones(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-04")
    wait_for_map_date(page, "2024-12-04")
    assert drawn_at(page, *HAMA) == ["government"]
    screenshot(page, "02-hama-4-december")
    page.locator(f"#{ids.SLIDER} [role=slider]").focus()
    page.keyboard.press("ArrowRight")
    wait_for_text(page, LABEL, "5 December 2024")
    wait_for_map_date(page, "2024-12-05")
    assert drawn_at(page, *HAMA) == ["hts"]
    assert drawn_dates(page) == ["2024-12-05"]
    assert page.locator(f"#{ids.MAP_KEY} .as-of").text_content() == "As of 5 December 2024"
    screenshot(page, "03-hama-5-december")


def test_arrow_keys_anywhere_but_a_field_step_the_date(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-04")
    wait_for_map_date(page, "2024-12-04")
    page.locator("body").press("ArrowLeft")
    wait_for_map_date(page, "2024-12-03")
    assert page.locator(LABEL).inner_text() == "3 December 2024"


def test_hamas_panel_says_government_on_4_december_and_hts_on_5_december(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-04&place=hama")
    wait_for_text(page, BADGE, "Syrian government")
    assert panel_title(page).startswith("Hama")
    assert "حماة" in panel_title(page)
    page.locator(f"#{ids.NEXT}").click()
    wait_for_text(page, BADGE, "HTS")
    wait_for_map_date(page, "2024-12-05")
    panel = page.locator(f"#{ids.PANEL}").inner_text()
    assert "2024-12-05" in panel and "→" in panel
    screenshot(page, "04-hama-panel-5-december")


def opened_by_click_at(page: Any, lon: float, lat: float) -> str:
    """The English name of the place whose panel a click at (lon, lat) opens, with no pointer move before it."""
    page.mouse.click(*project(page, lon, lat))
    page.wait_for_function("id => !document.getElementById(id).hidden", arg=ids.PANEL)
    wait_for_text(page, f"#{ids.PANEL} h2", " ")
    return page.evaluate("id => document.querySelector(`#${id} h2`).firstChild.textContent", ids.PANEL).strip()


def test_a_tapped_place_opens_with_its_name_and_holder_before_the_server_answers(page: Any, app_url: str) -> None:
    """The server's panel (history, sources) can wait seconds behind a slow phone's script: the head and the badge
    come with the map data. Here the panel's callback is held until the head and badge are checked."""
    held: list[Any] = []

    def asks_for_hama(request: Any) -> bool:
        inputs = json.loads(request.post_data or "{}").get("inputs", [])
        return {"id": ids.PLACE, "property": "data", "value": "hama"} in inputs

    open_map(page, f"{app_url}?date=2024-12-05")
    wait_for_map_date(page, "2024-12-05")
    page.route("**/_dash-update-component*", lambda r: held.append(r) if asks_for_hama(r.request) else r.continue_())
    with page.expect_request(asks_for_hama):
        page.mouse.click(*project(page, *HAMA))
    page.wait_for_function("id => !document.getElementById(id).hidden", arg=ids.PANEL)
    wait_for_text(page, f"#{ids.PANEL} h2", "حماة")
    wait_for_text(page, BADGE, "HTS")
    assert page.locator(f"#{ids.PANEL} h2").inner_text().startswith("Hama")
    assert page.locator(f"#{ids.PANEL_HEAD} .quiet").inner_text() == "City · Hama"
    assert held and page.locator(f"#{ids.PANEL_BODY}").inner_text() == "Loading the control history and sources…"
    for route in held:
        route.continue_()
    wait_for_text(page, f"#{ids.PANEL_BODY}", "2024-12-05")  # the history, from the server


def test_a_click_on_the_airbase_beside_hama_opens_the_airbase(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-05")
    wait_for_map_date(page, "2024-12-05")
    assert opened_by_click_at(page, *HAMA_AIRBASE) == "Hama military airbase"


def test_clicking_a_place_marker_opens_its_panel(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-05")
    wait_for_map_date(page, "2024-12-05")
    page.evaluate(PLOTTED_AGAIN)
    # Hama's dot and its airbase's (4.5 km away) are a few px apart at this zoom: a click on a dot opens that one.
    assert opened_by_click_at(page, *HAMA) == "Hama"
    wait_for_text(page, BADGE, "HTS")
    assert "place=hama" in page.evaluate("location.search")
    # The click makes Plotly plot again and put its trace layers back on top: the marker colours stay above the
    # white halos (with Plotly drawing the halos, they ended under them: every marker pale).
    page.wait_for_function("() => window.plottedAgain")
    order = page.evaluate(LAYER_ORDER)
    first_plotly = min(i for i, layer in enumerate(order) if layer.startswith("plotly-"))
    assert order.index("dates-halo") < order.index("date-2024-12-05-markers") < first_plotly


def test_the_address_round_trips(page: Any, app_url: str, recorder: Recorder) -> None:
    open_map(page, f"{app_url}?date=2024-12-05&place=hama")
    wait_for_map_date(page, "2024-12-05")
    wait_for_text(page, f"#{ids.PANEL} h2", "Hama")
    assert page.locator(LABEL).inner_text() == "5 December 2024"
    assert page.evaluate("location.search") == "?date=2024-12-05&place=hama"
    assert drawn_at(page, *HAMA) == ["hts"]
    assert drawn_dates(page) == ["2024-12-05"]  # the first plot, the jump to Hama and the date did not race
    page.locator(f"#{ids.NEXT}").click()
    wait_for_map_date(page, "2024-12-06")
    page.wait_for_function("location.search === '?date=2024-12-06&place=hama'")
    page.reload()
    wait_for_map_date(page, "2024-12-06")
    wait_for_text(page, f"#{ids.PANEL} h2", "Hama")
    assert page.locator(LABEL).inner_text() == "6 December 2024"
    assert recorder.errors == []


def test_a_malformed_date_shows_a_notice_and_the_default_date(page: Any, app_url: str, recorder: Recorder) -> None:
    open_map(page, f"{app_url}?date=2024-13-45&place=hama")
    wait_for_text(page, f"#{ids.NOTICE}", "The date “2024-13-45” must be YYYY-MM-DD")
    assert page.locator(f"#{ids.NOTICE}").is_visible()
    assert page.locator(LABEL).inner_text() == "31 December 2024"
    wait_for_text(page, f"#{ids.PANEL} h2", "Hama")
    page.wait_for_function("location.search === '?date=2024-12-31&place=hama'")
    screenshot(page, "05-malformed-date-notice")
    assert recorder.errors == []


def test_play_advances_the_date_and_pause_stops_it(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-11-26")
    wait_for_map_date(page, "2024-11-26")
    page.locator(f"#{ids.SPEED} input[value='1600']").check()  # slow: 22 s to the last date, far from the end
    page.locator(f"#{ids.PLAY}").click()
    wait_for_text(page, f"#{ids.PLAY}", "Pause")
    first = wait_for_map_date_after(page, "2024-11-26")
    wait_for_map_date_after(page, first)
    page.locator(f"#{ids.PLAY}").click()
    wait_for_text(page, f"#{ids.PLAY}", "Play")
    stopped = page.locator(LABEL).inner_text()
    page.locator(f"#{ids.PREV}").click()  # stepping still works after a pause
    page.wait_for_function("([sel, text]) => document.querySelector(sel).innerText !== text", arg=[LABEL, stopped])
    stepped = datetime.strptime(page.locator(LABEL).inner_text(), "%d %B %Y").date()
    assert stepped == datetime.strptime(stopped, "%d %B %Y").date() - timedelta(days=1)
    wait_for_map_date(page, stepped.isoformat())
    screenshot(page, "06-played")


@pytest.mark.parametrize(("query", "name"), [("Hama", "Hama"), ("حلب", "Aleppo")])
def test_search_finds_a_place_by_english_or_arabic_name(page: Any, app_url: str, query: str, name: str) -> None:
    open_map(page, app_url)
    page.locator(f"#{ids.SEARCH}").click()
    search = page.locator(f"#{ids.SEARCH} input, .dash-dropdown-search").first
    search.fill(query)
    page.get_by_role("option").filter(has_text=name).first.wait_for()  # the options arrive once the map is drawn
    page.keyboard.press("Enter")
    wait_for_text(page, f"#{ids.PANEL} h2", name)
    screenshot(page, f"07-search-{name.lower()}")


def test_hovering_a_place_shows_its_holder_on_the_date_drawn(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-04")
    wait_for_map_date(page, "2024-12-04")
    page.mouse.move(*project(page, *HAMA))
    wait_for_text(page, TIP, "Syrian government")
    assert page.locator(TIP).inner_text().splitlines() == ["Hama · حماة", "Syrian government"]
    page.locator("body").press("ArrowRight")
    wait_for_map_date(page, "2024-12-05")
    wait_for_text(page, TIP, "HTS")  # the pointer has not moved: the tip follows the date
    page.mouse.move(5, 5)
    page.wait_for_selector(TIP, state="hidden")


def hatching(page: Any, x: float, y: float, half: int = 8) -> tuple[float, float]:
    """Shares of clearly darker and clearly lighter pixels than the median, in a square around (x, y)."""
    png = page.screenshot(clip={"x": x - half, "y": y - half, "width": 2 * half, "height": 2 * half})
    lum = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    median = float(np.median(lum))
    return float(np.mean(lum < median - 30)), float(np.mean(lum > median + 30))


def inside(ground: BaseGeometry, atlas: Atlas, margin: float = 0.06) -> tuple[float, float]:
    """A point well inside `ground`, away from every place marker and city label."""
    places = figures.shown_places(atlas)
    cities = [p for p in places if p.kind == "city"]

    def clear(x: float, y: float) -> bool:
        near_marker = any(abs(x - p.lon) < 0.12 and abs(y - p.lat) < 0.12 for p in places)
        under_label = any(p.lon - 0.05 < x < p.lon + 1.0 and p.lat < y < p.lat + 0.25 for p in cities)
        return not near_marker and not under_label

    for part in sorted(shapely.get_parts(ground), key=lambda g: -g.area):
        inner = part.buffer(-margin)
        if inner.is_empty:
            continue
        west, south, east, north = inner.bounds
        for x in np.linspace(west, east, 25):
            for y in np.linspace(south, north, 25):
                if clear(x, y) and inner.contains(Point(x, y)):
                    return round(float(x), 5), round(float(y), 5)
    raise AssertionError("no clear point inside the ground")


def largest_claimed(atlas: Atlas) -> tuple[date, str, BaseGeometry]:
    """The date, faction and polygon of the largest piece of claimed-only ground in the data."""
    pieces = [
        (part, day, f["properties"]["faction"])
        for day, collection in atlas.claimed.items()
        for f in collection["features"]
        for part in shapely.get_parts(shape(f["geometry"]))
    ]
    part, day, faction = max(pieces, key=lambda piece: (piece[0].area, piece[1]))
    return day, faction, part


def clear_of_markers(ground: BaseGeometry, atlas: Atlas) -> tuple[float, float]:
    """The point of `ground` farthest from every place marker (claimed cells are small, each around its place)."""
    markers = shapely.MultiPoint([(p.lon, p.lat) for p in figures.shown_places(atlas)])
    west, south, east, north = ground.bounds
    grid = [Point(x, y) for x in np.linspace(west, east, 40) for y in np.linspace(south, north, 40)]
    best = max((pt for pt in grid if ground.buffer(-0.01).contains(pt)), key=markers.distance)
    assert markers.distance(best) > 0.03, "no point of the claimed ground clear of the markers"
    return round(best.x, 5), round(best.y, 5)


def test_claimed_ground_is_drawn_hatched_and_explained(page: Any, app_url: str, shipped_atlas: Atlas) -> None:
    """Claimed-only ground is a few small cells around their places: the check zooms in on the largest."""
    day, faction, claimed = largest_claimed(shipped_atlas)
    zones = {f["properties"]["faction"]: shape(f["geometry"]) for f in shipped_atlas.zones[day]["features"]}
    zone = zones[faction]
    hatched = clear_of_markers(claimed, shipped_atlas)
    centre = Point(hatched)
    near_plain = zone.difference(claimed.buffer(0.02)).intersection(centre.buffer(0.25))
    plain = clear_of_markers(near_plain, shipped_atlas)
    open_map(page, f"{app_url}?date={day}")
    wait_for_map_date(page, day.isoformat())
    page.evaluate(
        """([lon, lat]) => new Promise((resolve) => {
          const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
          map.once('idle', resolve);
          map.jumpTo({center: [lon, lat], zoom: 10});
        })""",
        [(hatched[0] + plain[0]) / 2, (hatched[1] + plain[1]) / 2],
    )
    assert drawn_at(page, *hatched) == drawn_at(page, *plain) == [faction]
    assert drawn_claimed_at(page, *hatched) == [faction] and drawn_claimed_at(page, *plain) == []
    dark, light = hatching(page, *project(page, *hatched))
    assert dark > 0.15 and light > 0.15, (dark, light)  # stripes, dark and light
    dark, light = hatching(page, *project(page, *plain))
    assert min(dark, light) < 0.05, (dark, light)  # the zone's plain fill
    swatch = page.locator(f"#{ids.MAP_KEY} .swatch.claimed")
    assert "repeating-linear-gradient" in swatch.evaluate("el => getComputedStyle(el).backgroundImage")
    assert "Claimed only" in page.locator(f"#{ids.MAP_KEY}").inner_text()
    page.mouse.move(*project(page, *hatched))
    wait_for_text(page, TIP, "Claimed only")
    screenshot(page, "08-claimed-hatched-zoomed")


# In the page: every frame MapLibre renders from now on, as the dates whose layers it drew, how many
# layers, and whether each drawn date's data was all on the map.
RECORD_FRAMES = f"""() => {{
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  window.__frames = [];
  map.on('render', () => {{
    const layers = ({DRAWN_LAYERS})(null);
    const dates = [...new Set(layers.map((id) => id.slice(5, 15)))];
    const loaded = dates.every((d) => map.isSourceLoaded(map.getLayer('date-' + d + '-zones').source));
    window.__frames.push({{dates, layers: layers.length, loaded}});
  }});
}}"""


def test_no_frame_draws_two_dates_or_a_date_in_part_while_stepping(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-01")
    wait_for_map_date(page, "2024-12-01")
    page.evaluate(RECORD_FRAMES)
    page.locator(f"#{ids.SLIDER} [role=slider]").focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # without waiting: steps land while others are drawn
    wait_for_map_date(page, "2024-12-06")
    frames = page.evaluate("window.__frames")
    assert frames, "MapLibre drew no frame"
    assert all(len(f["dates"]) == 1 and f["layers"] == 5 and f["loaded"] for f in frames), frames
    assert frames[-1]["dates"] == ["2024-12-06"]
    assert {f["dates"][0] for f in frames} <= {f"2024-12-0{d}" for d in range(1, 7)}


# Once every date is on the map: the sources the dates' zone layers draw from, each loaded.
ZONE_SOURCES = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const dates = window.dashboardMapParts.data.dates;
  const layers = dates.map((d) => map.getLayer('date-' + d + '-zones'));
  if (!layers.every(Boolean)) return null;
  const sources = [...new Set(layers.map((layer) => layer.source))];
  return sources.every((source) => map.isSourceLoaded(source)) ? sources : null;
}"""


def test_every_date_but_the_first_is_drawn_from_one_source(page: Any, app_url: str) -> None:
    """MapLibre draws a tile clipping mask over the whole canvas for every clipped source in a frame, transparent
    layers included: with a source per date, every frame (a step, a pan) cost three times as much on software
    WebGL. The date asked for comes alone first; every other date shares one source and still steps correctly."""
    open_map(page, f"{app_url}?date=2024-12-04")
    wait_for_map_date(page, "2024-12-04")
    sources = page.wait_for_function(ZONE_SOURCES).json_value()
    assert sorted(sources) == sorted(["date-2024-12-04", browser.DATES_SOURCE])
    assert drawn_at(page, *HAMA) == ["government"]
    page.locator(f"#{ids.SLIDER} [role=slider]").focus()
    page.keyboard.press("ArrowRight")
    wait_for_map_date(page, "2024-12-05")
    assert drawn_at(page, *HAMA) == ["hts"]
    assert drawn_dates(page) == ["2024-12-05"]


def test_the_share_panel_gives_this_view_as_a_link_a_snippet_and_downloads(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-05&place=hama")
    wait_for_text(page, f"#{ids.PANEL} h2", "Hama")
    page.locator(f"#{ids.SHARE} summary").click()
    link = page.locator(f"#{ids.SHARE_LINK}")
    page.wait_for_function("id => document.getElementById(id).value.includes('place=hama')", arg=ids.SHARE_LINK)
    assert link.input_value().endswith("/?date=2024-12-05&place=hama")
    snippet = page.locator(f"#{ids.SHARE_SNIPPET}").input_value()
    assert '<iframe src="http://127.0.0.1:' in snippet and "/embed?date=2024-12-05&amp;place=hama" in snippet
    assert 'title="Who controls what in Syria · 5 December 2024"' in snippet
    assert "<figcaption>Control of territory in Syria on 5 December 2024 (share of area): " in snippet
    page.locator(f"#{ids.CHANGES_MODE} input[value=day]").check()  # the link keeps the changes view
    page.wait_for_function("id => document.getElementById(id).value.endsWith('&since=day')", arg=ids.SHARE_LINK)
    page.locator(f"#{ids.PREV}").click()
    page.wait_for_function("id => document.getElementById(id).value.includes('date=2024-12-04')", arg=ids.SHARE_LINK)
    html_link = page.locator(f"#{ids.SHARE_DOWNLOAD}-html").get_attribute("href")
    png_link = page.locator(f"#{ids.SHARE_DOWNLOAD}-png").get_attribute("href")
    assert png_link == "/export/png?date=2024-12-04&place=hama"
    response = page.request.get(app_url.rstrip("/") + html_link)
    assert response.ok and response.headers["content-type"].startswith("text/html")
    assert 'filename="syria-control-replay.html"' in response.headers["content-disposition"]
    assert b'id="plotly-gz"' in response.body()  # the self-contained replay
