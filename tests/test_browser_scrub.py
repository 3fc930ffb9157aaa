"""Every way of moving the date draws the new date first and hands the value to Dash after that frame, with no
request to the server: arrow key, dragging the handle, a click on the track or a mark, the ◀/▶ buttons, play,
a chart click, and a touch on a phone-sized page (assets/scrub.js).

The page records MapLibre's first frame that draws another date than the one the step started from, and what the
slider's handle and the play button said in that frame: still the old date and "Play", because Dash gets the value
(and, for play, its ticker) only afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browser_support import DRAWN_LAYERS, RENDER_TIMEOUT_MS, Recorder, open_map, wait_for_map_date, wait_for_text

from dashboard import ids, text

pytestmark = pytest.mark.browser

START, NEXT = "2024-12-04", "2024-12-05"  # indices 8 and 9
NEXT_INDEX = 9
SLIDER = f"#{ids.SLIDER}"
THUMB = f"{SLIDER} [role=slider]"

# Armed before an input: the first frame MapLibre draws with another date's zones, with the handle's value then.
WATCH = f"""(old) => {{
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  window.firstNewFrame = null;
  const onRender = () => {{
    const dates = [...new Set(({DRAWN_LAYERS})('zones').map((id) => id.slice(5, 15)))];
    if (dates.length && dates.some((d) => d !== old)) {{
      const thumb = document.querySelector('{THUMB}');
      const play = document.getElementById('{ids.PLAY}').textContent;
      window.firstNewFrame = {{dates, handle: Number(thumb.getAttribute('aria-valuenow')), play}};
      map.off('render', onRender);
    }}
  }};
  map.on('render', onRender);
}}"""
SLIDER_POINT = """(value) => {
  const root = document.querySelector('#date-slider .dash-slider-root');
  const track = document.querySelector('#date-slider .dash-slider-track').getBoundingClientRect();
  const r = root.getBoundingClientRect();
  const last = Number(document.querySelector('#date-slider [role=slider]').getAttribute('aria-valuemax'));
  return [r.left + (r.width * value) / last, track.top + track.height / 2];
}"""
# The step's data on the map: the input must find the next date's zones loaded (the map adds every date after
# the first is drawn; an input sooner waits for its data, and the handle may then move first, as it should).
NEXT_LOADED = f"""() => {{
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const layer = map.getLayer('date-{NEXT}-zones');
  return Boolean(layer) && map.isSourceLoaded(layer.source);
}}"""
CENTRE = "(el) => { const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }"


def _key(page: Any) -> None:
    page.locator(THUMB).focus()
    page.keyboard.press("ArrowRight")


def _drag(page: Any) -> None:
    page.mouse.move(*page.locator(THUMB).evaluate(CENTRE))
    page.mouse.down()
    page.mouse.move(*page.evaluate(SLIDER_POINT, NEXT_INDEX))
    page.mouse.up()


def _track(page: Any) -> None:
    page.mouse.click(*page.evaluate(SLIDER_POINT, NEXT_INDEX))


def _mark(page: Any) -> None:
    page.mouse.click(*page.locator(f"{SLIDER} .dash-slider-mark").nth(NEXT_INDEX).evaluate(CENTRE))


def _button(page: Any) -> None:
    page.locator(f"#{ids.NEXT}").click()


def _play(page: Any) -> None:
    page.locator(f"#{ids.PLAY}").click()
    page.wait_for_function("() => window.firstNewFrame !== null", timeout=RENDER_TIMEOUT_MS)
    page.locator(f"#{ids.PLAY}").click()  # pause


def _chart(page: Any) -> None:
    chart = page.locator(f"#{ids.POPULATION_CHART} .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """(iso) => {
          const gd = document.querySelector('#population-chart .js-plotly-plot');
          const size = gd._fullLayout._size;
          return [size.l + gd._fullLayout.xaxis.d2p(iso), size.t + size.h / 2];
        }""",
        NEXT,
    )
    box = chart.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.click(box["x"] + x, box["y"] + y)


def _touch(page: Any) -> None:
    page.touchscreen.tap(*page.evaluate(SLIDER_POINT, NEXT_INDEX))


PATHS: dict[str, Callable[[Any], None]] = {
    "arrow key": _key,
    "drag": _drag,
    "track click": _track,
    "mark click": _mark,
    "next button": _button,
    "play": _play,
    "chart click": _chart,
    "touch": _touch,
}


@pytest.fixture
def phone(browser: Any, recorder: Recorder) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.on("request", lambda request: recorder.requests.append(request.url))
    page.on("pageerror", lambda error: recorder.errors.append(str(error)))
    yield page
    context.close()


@pytest.mark.parametrize("path", PATHS)
def test_each_input_draws_the_new_date_before_dash_has_it_and_asks_the_server_nothing(
    path: str, request: pytest.FixtureRequest, app_url: str, recorder: Recorder
) -> None:
    page = request.getfixturevalue("phone" if path == "touch" else "page")
    open_map(page, f"{app_url}?date={START}")
    wait_for_map_date(page, START)
    page.wait_for_function(NEXT_LOADED, timeout=RENDER_TIMEOUT_MS)
    page.evaluate(WATCH, START)
    before = len(recorder.requests)
    PATHS[path](page)
    page.wait_for_function("() => window.firstNewFrame !== null", timeout=RENDER_TIMEOUT_MS)
    first = page.evaluate("window.firstNewFrame")
    assert first["dates"] == [NEXT]  # drawn whole, alone
    assert first["handle"] == NEXT_INDEX - 1  # ... before the slider (Dash) had the value
    assert first["play"] == text.t("map.play", "en")  # ... and, for play, before Dash started its ticker
    if path != "play":  # playing goes on to later dates
        wait_for_map_date(page, NEXT)
        wait_for_text(page, f"#{ids.DATE_LABEL}", "5 December 2024")  # then Dash has it
        page.wait_for_function(f"() => document.querySelector('{THUMB}').getAttribute('aria-valuenow') === '9'")
    assert recorder.requests[before:] == []
    assert recorder.errors == []


# Whether the map's date was asked for while the release (pointerup) was dispatched, or later, from Plotly's click
# (which Plotly fires on the mouseup that follows it).
RELEASE_SPY = """() => {
  window.releasing = false;
  window.goToCalls = [];
  addEventListener('pointerup', () => { window.releasing = true; }, true);
  addEventListener('mouseup', () => { window.releasing = false; }, true);
  const goTo = window.dashboardScrub.goTo;
  window.dashboardScrub.goTo = (index) => {
    window.goToCalls.push({index, releasing: window.releasing});
    return goTo(index);
  };
}"""


def test_a_chart_click_draws_the_hovered_date_on_release_and_a_zoom_drag_moves_no_date(
    page: Any, app_url: str, recorder: Recorder
) -> None:
    open_map(page, f"{app_url}?date={START}")
    wait_for_map_date(page, START)
    page.wait_for_function(NEXT_LOADED, timeout=RENDER_TIMEOUT_MS)
    page.evaluate(RELEASE_SPY)
    _chart(page)  # the pointer rests on 5 Dec, then clicks
    wait_for_map_date(page, NEXT)
    calls = page.evaluate("window.goToCalls")
    assert calls[0] == {"index": NEXT_INDEX, "releasing": True}  # not Plotly's click, one hover later
    wait_for_text(page, f"#{ids.DATE_LABEL}", "5 December 2024")
    asked = page.evaluate("window.goToCalls.length")  # Plotly's click asks again, for the date drawn
    # A press that moves further than Plotly's click tolerance is a zoom drag: the date stays.
    chart = page.locator(f"#{ids.POPULATION_CHART} .js-plotly-plot").bounding_box()
    x, y = chart["x"] + chart["width"] * 0.3, chart["y"] + chart["height"] * 0.4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y, steps=4)
    page.mouse.up()
    page.wait_for_timeout(500)
    assert page.evaluate("window.goToCalls.length") == asked
    assert page.locator(f"#{ids.DATE_LABEL}").inner_text().startswith("5 December 2024")
    assert recorder.errors == []
