"""The analytics views in real headless Chromium: charts linked to the slider both ways, the changes view on the map
and in its list, the side-by-side map, the download links.

Waits end on events: MapLibre 'idle' (map.js sets #map[data-map-date]; analytics-maps.js sets
#changes-panel[data-drawn], [data-highlight] and #compare[data-compare-date]) or a DOM / figure change. Screenshots go
to tests/artifacts/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from browser_support import Recorder, open_map, screenshot, wait_for_map_date, wait_for_text

from dashboard import ids
from dashboard.model import Atlas

pytestmark = pytest.mark.browser

HAMA = (36.75783, 35.13179)  # lon, lat as in places.csv
LABEL = f"#{ids.DATE_LABEL}"
CHARTS = (ids.AREA_CHART, ids.POPULATION_CHART)

# In the page: where a chart's date mark is drawn and where its date is on the x axis (px from the plot's left).
MARK_AT = """id => {
  const gd = document.querySelector(`#${id} .js-plotly-plot`);
  const xaxis = gd._fullLayout.xaxis;
  const box = gd.querySelector('.shapelayer path').getBBox();
  const iso = gd.layout.shapes[0].x0;
  return {iso, drawn: box.x + box.width / 2 - gd._fullLayout._size.l, expected: xaxis.d2p(iso)};
}"""

# In the page: the features of these MapLibre layers rendered at a point of a graph's map.
RENDERED_AT = """([selector, layers, lon, lat]) => {
  const map = document.querySelector(selector)._fullLayout.map._subplot.map;
  const present = layers.filter(id => map.getLayer(id));
  return map.queryRenderedFeatures(map.project([lon, lat]), {layers: present}).map(f => f.properties);
}"""


def rgb(colour: str) -> str:
    """#rrggbb as MapLibre reports a Plotly fill colour."""
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def wait_for_mark(page: Any, iso: str) -> None:
    page.wait_for_function(
        """([ids, iso]) => ids.every(id => {
          const gd = document.querySelector(`#${id} .js-plotly-plot`);
          return gd && gd.layout.shapes && gd.layout.shapes[0].x0 === iso && gd.querySelector('.shapelayer path');
        })""",
        arg=[list(CHARTS), iso],
    )


def rendered_at(page: Any, selector: str, layers: list[str], lon: float, lat: float) -> list[dict[str, Any]]:
    return page.evaluate(RENDERED_AT, [selector, layers, lon, lat])


def show_changes(page: Any, url: str, mode: str, key: str) -> None:
    open_map(page, url)
    page.locator(f"#{ids.CHANGES_MODE} input[value={mode}]").check()
    page.wait_for_selector(f'#{ids.CHANGES_PANEL}[data-drawn="{key}"]', state="attached")


def test_charts_are_drawn_and_mark_the_sliders_date_once_on_screen(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-04")
    page.keyboard.press("ArrowRight")  # the charts are below the fold: the mark waits
    wait_for_map_date(page, "2024-12-05")
    assert page.evaluate(MARK_AT, ids.AREA_CHART)["iso"] != "2024-12-05"
    page.locator(f"#{ids.AREA_CHART}").scroll_into_view_if_needed()
    wait_for_mark(page, "2024-12-05")
    for chart in CHARTS:
        traces = page.locator(f"#{chart} .scatterlayer .trace").count()
        assert traces >= 6, chart  # a line or area per faction holding ground on some date
        mark = page.evaluate(MARK_AT, chart)
        assert mark["drawn"] == pytest.approx(mark["expected"], abs=2)
    page.keyboard.press("ArrowRight")
    wait_for_map_date(page, "2024-12-06")
    wait_for_mark(page, "2024-12-06")
    mark = page.evaluate(MARK_AT, ids.AREA_CHART)
    assert mark["drawn"] == pytest.approx(mark["expected"], abs=2)
    assert "By governorate, 6 December 2024" in page.locator(f"#{ids.GOVERNORATE_TITLE}").inner_text()
    total = page.locator(f"#{ids.GOVERNORATE_TABLE} tr.total td")
    assert total.first.inner_text() == "Syria"
    shares = [float(t.split("%")[0]) for t in total.all_inner_texts()[2:] if "%" in t]
    assert sum(shares) == pytest.approx(100, abs=0.5)  # every held faction's share of the country, read by name
    screenshot(page, "10-charts-6-december")


def test_clicking_a_date_on_the_chart_moves_the_slider(page: Any, app_url: str, recorder: Recorder) -> None:
    open_map(page, f"{app_url}?date=2024-12-10")
    chart = page.locator(f"#{ids.POPULATION_CHART} .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    wait_for_mark(page, "2024-12-10")
    x, y = page.evaluate(
        """() => {
          const gd = document.querySelector('#population-chart .js-plotly-plot');
          const size = gd._fullLayout._size;
          return [size.l + gd._fullLayout.xaxis.d2p('2024-12-01'), size.t + size.h / 2];
        }"""
    )
    box = chart.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.click(box["x"] + x, box["y"] + y)
    wait_for_text(page, LABEL, "1 December 2024")
    wait_for_map_date(page, "2024-12-01")
    wait_for_mark(page, "2024-12-01")
    page.wait_for_function("() => location.search === '?date=2024-12-01'")
    assert recorder.errors == []


def test_changes_since_the_day_before_show_hama_and_clicking_it_highlights_it(
    page: Any, app_url: str, recorder: Recorder
) -> None:
    show_changes(page, f"{app_url}?date=2024-12-05", "day", "8-9")
    assert page.locator(f"#{ids.CHANGES_TITLE}").inner_text() == "Changes 4 Dec → 5 December 2024"
    first = page.locator(f"#{ids.CHANGES_LIST} li").first
    assert first.get_attribute("data-place") == "hama"
    assert "Syrian government → HTS-led Military Operations Command" in first.inner_text()
    assert "reported" in first.inner_text() and first.locator("a").get_attribute("href").startswith("https://")
    hatched = rendered_at(page, "#map .js-plotly-plot", ["analytics-changes-fill"], *HAMA)
    assert [(f["previous"], f["holder"]) for f in hatched] == [("government", "hts")]
    first.locator("button").click()
    page.wait_for_selector(f"#{ids.CHANGES_PANEL}[data-highlight=hama]", state="attached")
    assert len(rendered_at(page, "#map .js-plotly-plot", ["analytics-highlight"], *HAMA)) == 1
    assert "picked" in (first.get_attribute("class") or "")
    screenshot(page, "11-changes-4-to-5-december-hama")
    assert recorder.errors == []
    assert recorder.off_loopback() == []


def test_the_changes_view_is_in_the_address_and_comes_back_from_it(page: Any, app_url: str) -> None:
    show_changes(page, f"{app_url}?date=2024-12-05", "day", "8-9")
    page.wait_for_function("() => new URLSearchParams(location.search).get('since') === 'day'")
    page.locator(f"#{ids.CHANGES_MODE} input[value=date]").check()
    page.locator(f"#{ids.CHANGES_SINCE}").click()
    page.get_by_role("option", name="1 Dec", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('since') === '2024-12-01'")
    shared = page.url
    open_map(page, shared)  # a reader opening the shared link sees the same view
    page.wait_for_selector(f'#{ids.CHANGES_PANEL}[data-drawn="5-9"]', state="attached")
    assert page.locator(f"#{ids.CHANGES_MODE} input[value=date]").is_checked()
    assert "1 Dec → 5 December 2024" in page.locator(f"#{ids.CHANGES_TITLE}").inner_text()
    page.locator(f"#{ids.CHANGES_MODE} input[value=off]").check()
    page.wait_for_function("() => !new URLSearchParams(location.search).has('since')")


def test_changes_between_a_date_and_itself_are_empty_and_draw_nothing(page: Any, app_url: str) -> None:
    show_changes(page, f"{app_url}?date=2024-12-05", "first", "0-9")
    assert "26 Nov → 5 December 2024" in page.locator(f"#{ids.CHANGES_TITLE}").inner_text()
    page.locator(f"#{ids.CHANGES_MODE} input[value=date]").check()  # "another date": 26 Nov until one is picked
    page.locator(f"#{ids.CHANGES_SINCE}").click()
    page.get_by_role("option", name="5 Dec", exact=True).click()
    wait_for_text(page, f"#{ids.CHANGES_TITLE}", "No changes: both dates are 5 December 2024")
    page.wait_for_selector(f'#{ids.CHANGES_PANEL}[data-drawn=""]', state="attached")
    assert page.locator(f"#{ids.CHANGES_LIST} li").count() == 0
    assert rendered_at(page, "#map .js-plotly-plot", ["analytics-changes-fill"], *HAMA) == []


def test_side_by_side_shows_the_other_date_beside_the_map(page: Any, app_url: str, shipped_atlas: Atlas) -> None:
    show_changes(page, f"{app_url}?date=2024-12-05", "day", "8-9")
    page.locator(f"#{ids.SIDE_BY_SIDE} input").check()
    page.wait_for_selector(f'#{ids.COMPARE}[data-compare-date="2024-12-04"]', state="attached")
    assert "4 December 2024" in page.locator(f"#{ids.COMPARE_LABEL}").inner_text()
    fills = rendered_at(page, "#compare-map .js-plotly-plot", ["plotly-trace-layer-compare-zones-fill"], *HAMA)
    colours = {rgb(f.colour): f.id for f in shipped_atlas.timeline.factions}
    assert [colours[f["fc"]] for f in fills] == ["government"]  # the second map shows 4 Dec; the main map 5 Dec
    page.locator(f"#{ids.PREV}").click()  # 4 Dec against the day before: 3 Dec
    page.wait_for_selector(f'#{ids.COMPARE}[data-compare-date="2024-12-03"]', state="attached")
    screenshot(page, "12-side-by-side-3-and-4-december")


def test_download_links_follow_the_slider_and_carry_the_licence(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-05")
    link = page.locator(f"#{ids.DOWNLOAD_DAY}-zones")
    link.scroll_into_view_if_needed()
    page.wait_for_function("() => document.getElementById('download-day-zones').href.includes('2024-12-05')")
    zones = json.loads(page.request.get(link.evaluate("a => a.href")).body())
    assert zones["metadata"]["licence"].startswith("CC BY 4.0") and zones["metadata"]["dates"] == "2024-12-05"
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.getElementById('download-day-places').href.includes('2024-12-04')")
    places = page.request.get(page.locator(f"#{ids.DOWNLOAD_DAY}-places").evaluate("a => a.href")).text()
    assert places.startswith("# title: Territorial control in Syria") and "\nhama,Hama," in places
