"""The app and /embed on phones (360×640 and 390×844, touch) and on a 1280×800 desktop, in headless Chromium:
nothing wider than the screen, the key under 15 % of the map, 44 px controls, taps on the slider, Play, ◀/▶, a
city and the bottom sheet, and a one-finger swipe over the map that scrolls the page.

Overflow is `document.documentElement.scrollWidth` against the device width (a phone browser widens its layout
viewport, and `innerWidth` with it, to fit what overflows). Every wait ends on an event, never on a timer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import RENDER_TIMEOUT_MS, project, screenshot, sized_context, wait_for_map_date, wait_for_text

from dashboard import ids

pytestmark = pytest.mark.browser

PHONES = [(360, 640), (390, 844)]
DEIR_EZ_ZOR = (40.14084, 35.33588)  # lon, lat as in places.csv: a city with a summary and no close neighbour
HAMA, HAMA_AIRBASE = (36.75783, 35.13179), (36.71110, 35.11830)  # their dots a few px apart at the opening zoom
LABEL = f"#{ids.DATE_LABEL}"
PANEL = f"#{ids.PANEL}"

# Every control a reader can see or tap, with its box; inline links inside running text (the place panel's sources and
# history, the analytics notes) are exempt, as WCAG's target-size rule exempts them.
CONTROLS = """(root) => [...document.querySelectorAll(`${root} :is(button, input, select, textarea, summary,
    [role=slider], a[href], [tabindex="0"])`)]
  .filter((el) => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    const invisible = style.opacity === "0" && style.pointerEvents === "none";  // e.g. a dropdown's focus target
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && !invisible
      && !el.closest(":is(.panel, .place) :is(p, li, td), .analytics .note, .downloads, .governorates");
  })
  .map((el) => {
    const box = el.getBoundingClientRect();
    return {name: el.id || el.className || el.tagName, width: box.width, height: box.height};
  })"""

# The share of the map's box the key covers.
KEY_COVER = f"""() => {{
  const key = document.getElementById("{ids.MAP_KEY}").getBoundingClientRect();
  const map = document.getElementById("{ids.MAP}").getBoundingClientRect();
  const w = Math.max(0, Math.min(key.right, map.right) - Math.max(key.left, map.left));
  const h = Math.max(0, Math.min(key.bottom, map.bottom) - Math.max(key.top, map.top));
  return (w * h) / (map.width * map.height);
}}"""


@pytest.fixture
def device(browser: Any) -> Iterator[Any]:
    """`open(width, height)`: a page in a fresh context, a touch phone below 600 px; page errors fail the test."""
    contexts, errors = [], []

    def open_page(width: int, height: int) -> Any:
        context = sized_context(browser, width, height)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == []


def scroll_width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def small_controls(page: Any, root: str) -> list[dict[str, Any]]:
    return [c for c in page.evaluate(CONTROLS, root) if c["width"] < 44 or c["height"] < 44]


# The slider's key dates (bold marks): the first line's box of each label shown, and how many there are.
KEY_DATE_LABELS = f"""() => {{
  const bold = [...document.querySelectorAll('#{ids.SLIDER} .dash-slider-mark')].filter((m) => m.style.fontWeight);
  const shown = bold
    .filter((m) => getComputedStyle(m).fontSize !== '0px' && getComputedStyle(m).visibility !== 'hidden')
    .map((m) => {{ const r = document.createRange(); r.setStart(m.firstChild, 0);
      r.setEnd(m.firstChild, m.textContent.split('\\n')[0].length);
      const b = r.getBoundingClientRect(); return [m.textContent, b.left, b.right, b.top, b.bottom]; }});
  return {{count: bold.length, shown}};
}}"""


def assert_every_key_date_labelled_apart(page: Any) -> None:
    """Only key dates are labelled on the slider, every one of them (in rows where they would overlap), none over
    another, each carrying what happened on it."""
    labels = page.evaluate(KEY_DATE_LABELS)
    shown = labels["shown"]
    assert labels["count"] >= 3 and len(shown) == labels["count"], shown
    assert all("\n" in text for text, *_ in shown)
    for a, b in itertools.combinations(shown, 2):
        assert a[2] <= b[1] or b[2] <= a[1] or a[4] <= b[3] or b[4] <= a[3], (a, b)  # apart across or down


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_a_phone_gets_the_whole_app_in_its_width_with_44_px_controls(
    device: Any, app_url: str, width: int, height: int
) -> None:
    page = device(width, height)
    page.goto(f"{app_url}?date=2024-12-05&place=hama")
    wait_for_map_date(page, "2024-12-05")
    wait_for_text(page, f"#{ids.PANEL_HOLDER}", "HTS")
    assert scroll_width(page) == width
    assert page.locator(".topbar").bounding_box()["height"] <= 60  # one line
    assert page.locator(f"#{ids.MAP}").bounding_box()["width"] == width
    label = page.locator(LABEL)
    assert label.evaluate("(el) => el.scrollWidth <= el.clientWidth") and label.bounding_box()["width"] < width
    assert small_controls(page, ".app") == []
    assert_every_key_date_labelled_apart(page)
    assert page.locator(f"#{ids.DATE_NOTE}").inner_text() == "Hama falls"
    # the key: folded away, then under the map (covering none of it)
    key = page.locator(f"#{ids.MAP_KEY}")
    assert not key.is_visible()
    page.locator(f"#{ids.KEY_TOGGLE}").tap()
    assert key.is_visible() and page.evaluate(KEY_COVER) == 0
    assert page.get_attribute(f"#{ids.KEY_TOGGLE}", "aria-expanded") == "true"
    assert scroll_width(page) == width
    screenshot(page, f"30-phone-{width}-hama")

    embed = device(width, height)
    embed.goto(f"{app_url}embed?date=2024-12-05&place=hama")
    wait_for_map_date(embed, "2024-12-05")
    assert scroll_width(embed) == width
    assert embed.locator(f"#{ids.MAP}").bounding_box()["width"] == width
    assert small_controls(embed, "main") == []
    screenshot(embed, f"31-phone-{width}-embed")


def test_on_a_desktop_the_key_covers_under_15_percent_of_the_map(device: Any, app_url: str) -> None:
    page = device(1280, 800)
    page.goto(f"{app_url}?date=2024-12-05&place=hama")  # the place panel open: the narrowest map
    wait_for_map_date(page, "2024-12-05")
    wait_for_text(page, f"#{ids.PANEL_HOLDER}", "HTS")
    assert scroll_width(page) == 1280
    assert page.locator(f"#{ids.MAP_KEY}").is_visible() and not page.locator(f"#{ids.KEY_TOGGLE}").is_visible()
    assert page.evaluate(KEY_COVER) < 0.15
    page.keyboard.press("Escape")  # closes the place panel on a desktop too
    page.wait_for_selector(PANEL, state="hidden")
    assert page.evaluate(KEY_COVER) < 0.15


def test_taps_step_play_scrub_and_open_a_city_in_a_bottom_sheet(device: Any, app_url: str) -> None:
    page = device(390, 844)
    page.goto(f"{app_url}?date=2024-12-04")
    wait_for_map_date(page, "2024-12-04")
    slider_top = page.locator(f"#{ids.SLIDER}").bounding_box()["y"]
    page.locator(f"#{ids.NEXT}").tap()
    wait_for_map_date(page, "2024-12-05")
    wait_for_text(page, LABEL, "5 December 2024")
    wait_for_text(page, f"#{ids.DATE_NOTE}", "Hama falls")
    # the note's line was kept for it: the slider stays under the finger (it moved 19 px down)
    assert abs(page.locator(f"#{ids.SLIDER}").bounding_box()["y"] - slider_top) < 1
    page.locator(f"#{ids.PREV}").tap()
    wait_for_map_date(page, "2024-12-04")
    track = page.locator(f"#{ids.SLIDER} .dash-slider-root").bounding_box()
    page.touchscreen.tap(track["x"] + track["width"] - 2, track["y"] + track["height"] / 2)  # the last date
    wait_for_map_date(page, "2024-12-31")
    wait_for_text(page, LABEL, "31 December 2024")
    page.locator(f"#{ids.PLAY}").tap()  # from the last date, play starts again at the first
    wait_for_text(page, f"#{ids.PLAY}", "Pause")
    page.wait_for_function("() => document.getElementById('map').dataset.mapDate < '2024-12-31'")
    page.locator(f"#{ids.PLAY}").tap()
    wait_for_text(page, f"#{ids.PLAY}", "Play")

    page.goto(f"{app_url}?date=2024-12-05")
    wait_for_map_date(page, "2024-12-05")
    page.touchscreen.tap(*project(page, *DEIR_EZ_ZOR))
    page.wait_for_selector(PANEL, state="visible")
    wait_for_text(page, f"{PANEL} h2", "Deir ez-Zor")
    sheet = page.locator(PANEL).bounding_box()
    assert sheet["width"] == 390 and sheet["y"] + sheet["height"] == 844 and sheet["height"] <= 844 / 2 + 1
    close = page.locator(f"#{ids.PANEL_CLOSE}").bounding_box()
    assert close["width"] >= 44 and close["height"] >= 44
    # its content (the history, what happened, sources) scrolls within its half of the screen
    panel = page.locator(PANEL).element_handle()
    page.wait_for_function("([el, h]) => el.scrollHeight > 1.5 * h", arg=[panel, sheet["height"]])
    panel.evaluate("(el) => { el.scrollTop = 200; }")
    page.wait_for_function("(el) => el.scrollTop > 0", arg=panel)
    assert page.evaluate("document.activeElement.id") == ids.PANEL_CLOSE
    screenshot(page, "32-phone-bottom-sheet")
    page.keyboard.press("Escape")
    page.wait_for_selector(PANEL, state="hidden")
    # back where it was: on the map, which the tap focused
    assert page.evaluate("document.activeElement.classList.contains('maplibregl-canvas')")
    page.touchscreen.tap(*project(page, *DEIR_EZ_ZOR))
    page.wait_for_selector(PANEL, state="visible")
    page.locator(f"#{ids.PANEL_CLOSE}").tap()
    page.wait_for_selector(PANEL, state="hidden")


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(("where", "place"), [(HAMA, "hama"), (HAMA_AIRBASE, "hama_airbase")])
def test_a_tap_on_a_dot_opens_that_place_not_its_neighbour(
    device: Any, app_url: str, lang: str, where: tuple[float, float], place: str
) -> None:
    page = device(390, 844)
    page.goto(f"{app_url}?date=2024-12-05&lang={lang}")
    wait_for_map_date(page, "2024-12-05")
    page.touchscreen.tap(*project(page, *where))
    page.wait_for_selector(PANEL, state="visible")
    page.wait_for_function("() => new URLSearchParams(location.search).has('place')")
    assert page.evaluate("new URLSearchParams(location.search).get('place')") == place


def swipe_up(page: Any, x: float, y: float, distance: float) -> None:
    """One finger, dragged up by `distance` px, by CDP touch events (what a phone's touch screen sends)."""
    cdp = page.context.new_cdp_session(page)
    point = lambda dy: [{"x": x, "y": y - dy, "id": 1}]  # noqa: E731
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point(0)})
    for step in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": point(distance * step / 10)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


MAP_CENTRE = """() => {
  const c = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map.getCenter();
  return [c.lng, c.lat];
}"""


def test_one_finger_swipe_over_the_map_scrolls_the_page_and_leaves_the_map(device: Any, app_url: str) -> None:
    page = device(390, 844)
    page.goto(f"{app_url}?date=2024-12-05")
    wait_for_map_date(page, "2024-12-05")
    centre = page.evaluate(MAP_CENTRE)
    box = page.locator(f"#{ids.MAP}").bounding_box()
    swipe_up(page, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7, 300)
    page.wait_for_function("() => window.scrollY > 100")
    assert page.evaluate(MAP_CENTRE) == centre

    embed = device(390, 844)
    embed.goto(f"{app_url}embed?date=2024-12-05&place=hama")
    wait_for_map_date(embed, "2024-12-05")
    veil = embed.locator(f"#{ids.EMBED_VEIL}")
    assert veil.is_visible()  # over the map until tapped
    box = embed.locator(f"#{ids.MAP}").bounding_box()
    swipe_up(embed, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7, 300)
    embed.wait_for_function("() => window.scrollY > 100")
    embed.evaluate("window.scrollTo(0, 0)")
    veil.tap()
    assert not veil.is_visible()


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_in_arabic_a_phone_slider_labels_every_key_date(device: Any, app_url: str, width: int, height: int) -> None:
    page = device(width, height)
    page.goto(f"{app_url}?date=2024-12-05&lang=ar")
    wait_for_map_date(page, "2024-12-05")
    wait_for_text(page, f"#{ids.DATE_NOTE}", "سقوط حماة")
    assert_every_key_date_labelled_apart(page)
    assert scroll_width(page) == width
    screenshot(page, f"32-phone-{width}-ar-slider")
