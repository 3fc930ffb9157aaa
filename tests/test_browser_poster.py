"""The first paint (assets/poster.js) in real headless Chromium: the date asked for, drawn from the map data while
plotly.js has not arrived (it is held back here), following the slider, then replaced by the map in place."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import numpy as np
import pytest
from browser_support import Recorder, project, screenshot, sized_context, wait_for_map_date
from PIL import Image
from shapely.geometry import MultiPoint, Point, shape
from shapely.ops import unary_union

from dashboard import figures, text
from dashboard.model import Atlas
from dashboard.timeline import holders_on

pytestmark = pytest.mark.browser

POSTER = "canvas.map-poster"
SLIDER = "#date-slider [role=slider]"
BEFORE, AFTER = date(2024, 12, 5), date(2024, 12, 6)


# Plotly has plotted (its graph is on the page), or the poster is gone.
PLOTTED = """() => !document.querySelector('canvas.map-poster')
  || document.querySelector('#map .js-plotly-plot .infolayer')"""


def pixels(page: Any) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB")).astype(int)


def blocks(image: np.ndarray, size: int = 8) -> np.ndarray:
    """The image's mean colour in each size × size block."""
    h, w = (image.shape[0] // size) * size, (image.shape[1] // size) * size
    return image[:h, :w].reshape(h // size, size, w // size, size, 3).mean(axis=(1, 3))


def changed_ground(atlas: Atlas, before: date, after: date, limit: int = 12) -> list[tuple[float, float]]:
    """Points (on a 0.1° grid) inside ground that changed hands from `before` to `after`, clear of zone edges
    and of place markers."""

    def zones(day: date) -> dict[str, Any]:
        return {f["properties"]["faction"]: shape(f["geometry"]) for f in atlas.zones[day]["features"]}

    old, new = zones(before), zones(after)
    markers = MultiPoint([(p.lon, p.lat) for p in figures.shown_places(atlas)]).buffer(0.06)
    gained = unary_union([zone.difference(old[f]) if f in old else zone for f, zone in new.items()])
    clear = gained.buffer(-0.04).difference(markers)
    x0, y0, x1, y1 = clear.bounds
    columns, rows = int((x1 - x0) / 0.1) + 1, int((y1 - y0) / 0.1) + 1
    grid = [(x0 + 0.1 * i, y0 + 0.1 * j) for i in range(columns) for j in range(rows)]
    inside = [xy for xy in grid if clear.contains(Point(xy))]
    return inside[:: max(1, len(inside) // limit)][:limit]


def test_first_paint_comes_before_plotly_follows_the_slider_and_the_map_replaces_it_in_place(
    page: Any, app_url: str, recorder: Recorder, shipped_atlas: Atlas
) -> None:
    held: list[Any] = []
    # plotly.js (and MapLibre in it) held back until released
    page.route("**/plotly.min.js*", lambda route: held.append(route))  # noqa: PLW0108 (a bound method is refused)
    page.goto(f"{app_url}?date={BEFORE}")
    page.wait_for_selector(f'{POSTER}[data-date="{BEFORE}"]')
    assert page.evaluate("typeof window.Plotly") == "undefined"
    first = pixels(page)
    page.focus(SLIDER)
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(f'{POSTER}[data-date="{AFTER}"]')
    poster = pixels(page)
    screenshot(page, "poster-before-plotly")
    if not held:
        page.wait_for_event("request", predicate=lambda request: "plotly.min.js" in request.url)
    held[0].continue_()
    # Once Plotly has plotted, its graph (the sea, the attribution) stays under the poster until the map has drawn.
    page.wait_for_function(PLOTTED, polling="raf")
    plotted = pixels(page)
    wait_for_map_date(page, AFTER.isoformat())
    assert page.locator(POSTER).count() == 0
    drawn = pixels(page)

    # The map replaces the poster in place: the same picture, seen in 8 px blocks (the hatching's period: MapLibre
    # lines its stripes up with tiles), but for glyphs and the attribution, which Plotly draws.
    box = page.locator("#map").bounding_box()
    area = (slice(int(box["y"]), int(box["y"] + box["height"])), slice(int(box["x"]), int(box["x"] + box["width"])))
    differs = np.abs(blocks(poster[area]) - blocks(drawn[area])).max(axis=2) > 24
    assert differs.mean() < 0.02, f"{differs.mean():.1%} of the map changed when the map replaced the poster"
    hidden = np.abs(blocks(poster[area]) - blocks(plotted[area])).max(axis=2) > 24
    assert hidden.mean() < 0.02, f"{hidden.mean():.1%} of the poster was hidden once Plotly had plotted"
    assert page.locator("#map-key .as-of").text_content() == "As of 6 December 2024"  # the key followed the poster

    # Where ground changed hands that day, the poster drew the new date, as the map does, not the old one.
    points = [project(page, lon, lat) for lon, lat in changed_ground(shipped_atlas, BEFORE, AFTER)]
    inside = [(round(y), round(x)) for x, y in points if box["x"] < x < box["x"] + box["width"] - 1]
    assert len(inside) >= 6

    def around(image: np.ndarray, y: int, x: int) -> np.ndarray:
        return image[y - 4 : y + 4, x - 4 : x + 4].mean(axis=(0, 1))

    for y, x in inside:
        assert np.abs(around(poster, y, x) - around(drawn, y, x)).max() <= 12, f"poster and map differ at {x},{y}"
    assert sum(np.abs(around(first, y, x) - around(drawn, y, x)).max() > 24 for y, x in inside) >= len(inside) // 2
    assert recorder.errors == []


def test_a_place_in_the_address_centres_the_first_paint_where_the_map_will_jump(page: Any, app_url: str) -> None:
    held: list[Any] = []
    page.route("**/plotly.min.js*", lambda route: held.append(route))  # noqa: PLW0108 (a bound method is refused)
    page.goto(f"{app_url}?date={BEFORE}&place=idlib")
    page.wait_for_selector(f'{POSTER}[data-date="{BEFORE}"]')
    page.wait_for_selector("#place-panel:not([hidden])")  # the panel narrows the map: the poster follows
    poster = pixels(page)
    if not held:
        page.wait_for_event("request", predicate=lambda request: "plotly.min.js" in request.url)
    held[0].continue_()
    wait_for_map_date(page, BEFORE.isoformat())
    drawn = pixels(page)
    box = page.locator("#map").bounding_box()
    area = (slice(int(box["y"]), int(box["y"] + box["height"])), slice(int(box["x"]), int(box["x"] + box["width"])))
    differs = np.abs(blocks(poster[area]) - blocks(drawn[area])).max(axis=2) > 24
    assert differs.mean() < 0.04, f"{differs.mean():.1%} of the map changed when the map replaced the poster"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_first_paint_answers_hover_and_a_tap_on_a_place_before_plotly_arrives(
    browser: Any, app_url: str, shipped_atlas: Atlas, phone: bool
) -> None:
    """Hover names the place (or the zone) under the pointer and a tap on a place opens its panel, while plotly.js,
    and so MapLibre, is still held back: a reader on a slow phone can use the map seconds sooner."""
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
    context = sized_context(browser, size["width"], size["height"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    held: list[Any] = []
    page.route("**/plotly.min.js*", lambda route: held.append(route))  # noqa: PLW0108 (a bound method is refused)
    page.goto(f"{app_url}?date={BEFORE}")
    page.wait_for_selector(f'{POSTER}[data-date="{BEFORE}"]')
    hama = next(p for p in shipped_atlas.timeline.places if p.id == "hama")
    factions = {f.id: f.label for f in shipped_atlas.timeline.factions}
    holder = factions[holders_on(shipped_atlas.timeline, BEFORE)["hama"]]

    def where() -> dict[str, float]:  # asked each time: the page may still be settling (fonts, Dash's layout)
        return page.evaluate("([lon, lat]) => window.dashboardPoster.pointOf(lon, lat)", [hama.lon, hama.lat])

    at = where()
    page.mouse.move(at["x"], at["y"])
    tip = page.locator(".map-tip")
    tip.wait_for(state="visible")
    assert tip.inner_text().splitlines() == [f"{hama.name_en} · {hama.name_ar}", holder]
    # Off the places, in the desert east of Hama: the zone and its share, as the map's own tooltip says.
    page.mouse.move(at["x"] + 0.08 * size["width"], at["y"] + 0.02 * size["height"])
    page.wait_for_function("() => !document.querySelector('.map-tip').textContent.includes('Hama')")
    assert "km²" in tip.inner_text()

    at = where()
    if phone:
        page.touchscreen.tap(at["x"], at["y"])
    else:
        page.mouse.click(at["x"], at["y"])
    page.wait_for_selector("#place-panel:not([hidden])")
    assert page.locator("#place-panel").inner_text().split()[1:3] == [hama.name_en, hama.name_ar]
    assert page.evaluate("typeof window.Plotly") == "undefined"  # all of it before plotly.js arrived
    screenshot(page, f"poster-tap-{'phone' if phone else 'desktop'}")
    context.close()
    assert errors == []


# In the page: the map's box when the first paint is first drawn on it (the page shell's, before Dash has drawn).
BOX_AT_FIRST_PAINT = """new MutationObserver((_, watch) => {
  if (!document.querySelector("canvas.map-poster")) return;
  watch.disconnect();
  window.boxAtFirstPaint = document.getElementById("map-box").getBoundingClientRect().toJSON();
}).observe(document, { subtree: true, childList: true });"""


@pytest.mark.parametrize(
    ("size", "lang"),
    [((1280, 800), "en"), ((1280, 800), "ar"), ((390, 844), "en"), ((360, 640), "ar")],
    ids=["desktop-en", "desktop-ar", "phone-en", "small-phone-ar"],
)
def test_the_first_paint_is_drawn_where_the_map_stays(
    browser: Any, app_url: str, size: tuple[int, int], lang: str
) -> None:
    """The search box, the slider and the "changes since" box draw once their scripts arrive; their room is kept
    from the first paint, so the map (and the places a reader aims at on the poster) does not move or resize."""
    context = sized_context(browser, *size)
    page = context.new_page()
    page.add_init_script(BOX_AT_FIRST_PAINT)
    page.goto(f"{app_url}?lang={lang}")
    wait_for_map_date(page, None)
    first, last = page.evaluate("window.boxAtFirstPaint"), page.locator("#map").bounding_box()
    context.close()
    assert first is not None
    assert {k: round(first[k]) for k in last} == {k: round(last[k]) for k in last}


# Boxes a reader sees before Dash has drawn the page (dashboard/shell.py) and after.
SHELL_BOXES = (
    "#map-box",
    "canvas.map-poster",
    "#map-key",
    ".topbar",
    ".topbar .dash-dropdown",
    ".controls",
    ".controls .speed",
    "#date-label",
    ".slider-room",
    ".dash-dropdown.changes-since",
)
BOXES = """(selectors) => Object.fromEntries(selectors.map((s) => {
  const e = document.querySelector(s);
  return [s, e && Object.values(e.getBoundingClientRect().toJSON()).slice(0, 4).map(Math.round)];
}))"""


@pytest.mark.parametrize(
    ("size", "lang"),
    [((1280, 800), "en"), ((1280, 800), "ar"), ((390, 844), "en"), ((390, 844), "ar")],
    ids=["desktop-en", "desktop-ar", "phone-en", "phone-ar"],
)
def test_the_page_shell_shows_the_date_before_dash_and_the_page_drawn_over_it_moves_nothing(
    browser: Any, app_url: str, size: tuple[int, int], lang: str
) -> None:
    """With Dash's layout held back, the index page's shell already shows the header, the key, the date controls and
    the poster of the date asked for; once React has drawn the page the shell is gone, every box is where it was and
    the poster (moved into React's map box) shows the same pixels."""
    context = sized_context(browser, *size)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    layout: list[Any] = []
    page.route("**/_dash-layout*", lambda route: layout.append(route))  # noqa: PLW0108 (a bound method is refused)
    page.route("**/plotly.min.js*", lambda route: None)  # never answered: the poster stays
    page.goto(f"{app_url}?lang={lang}&date={BEFORE}")
    page.wait_for_selector(f'#page-shell {POSTER}[data-date="{BEFORE}"]', state="attached")
    assert page.locator("#react-entry-point .app").count() == 0  # Dash has drawn nothing yet
    label = page.locator("#date-label").text_content()
    assert label == text.date_text(BEFORE, lang)
    assert page.locator("#map-key .as-of").text_content() == text.as_of_text(BEFORE, lang)
    before, shell_pixels = page.evaluate(BOXES, SHELL_BOXES), pixels(page)
    screenshot(page, f"page-shell-{lang}-{size[0]}")
    if not layout:
        page.wait_for_event("request", predicate=lambda request: "_dash-layout" in request.url)
    layout[0].continue_()
    page.wait_for_selector("#react-entry-point #map-box", state="attached")
    assert page.locator("#page-shell").count() == 0
    page.wait_for_selector(f"#react-entry-point {POSTER}", state="attached")
    after = page.evaluate(BOXES, SHELL_BOXES)
    assert None not in before.values()
    assert before == after
    box = page.locator("#map-box").bounding_box()
    area = (slice(int(box["y"]), int(box["y"] + box["height"])), slice(int(box["x"]), int(box["x"] + box["width"])))
    assert np.abs(pixels(page)[area] - shell_pixels[area]).max() <= 2  # the same picture, not drawn again elsewhere
    assert page.locator("#date-label").text_content() == label
    context.close()
    assert errors == []


def test_the_first_paint_waits_for_its_own_scripts_whatever_order_they_arrive_in(
    page: Any, app_url: str, recorder: Recorder
) -> None:
    """The map data can be read before assets/poster.js has arrived (map.js comes first): the poster is then drawn
    once poster.js is there, still in the page shell, before Dash has drawn anything."""
    held: dict[str, list[Any]] = {"layout": [], "poster": []}
    page.route("**/_dash-layout*", lambda route: held["layout"].append(route))  # noqa: PLW0108 (as above)
    page.route("**/assets/poster.js*", lambda route: held["poster"].append(route))  # noqa: PLW0108
    page.goto(f"{app_url}?date={BEFORE}", wait_until="commit")
    page.wait_for_function("() => window.dashboardMapParts && window.dashboardMapParts.data !== null")
    assert page.locator(POSTER).count() == 0
    held["poster"][0].continue_()
    page.wait_for_selector(f'#page-shell {POSTER}[data-date="{BEFORE}"]', state="attached")
    assert page.locator("#react-entry-point .app").count() == 0
    page.unroute("**/_dash-layout*")
    for route in held["layout"]:
        route.continue_()
    wait_for_map_date(page, BEFORE.isoformat())
    assert recorder.errors == []
