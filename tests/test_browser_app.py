"""The app on the shipped data in real headless Chromium: offline, drawn, stepped, played, searched, shared.

Every wait ends on an event (MapLibre 'idle' → #map[data-map-date], or a DOM change), never on a timer.
Screenshots of key states go to tests/artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import (
    Recorder,
    drawn_at,
    drawn_factions,
    open_map,
    screenshot,
    stale_sources,
    wait_for_map_date,
    wait_for_map_date_after,
)

from dashboard import ids
from dashboard.model import Atlas

pytestmark = pytest.mark.browser

HAMA = (36.75783, 35.13179)  # lon, lat as in places.csv
LABEL = f"#{ids.DATE_LABEL}"
BADGE = f"#{ids.PANEL_HOLDER}"


def wait_for_text(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => { const el = document.querySelector(sel); return el && el.textContent.includes(text); }",
        arg=[selector, text],
    )


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
    legend = page.locator(f"#{ids.MAP} .legend").text_content()
    assert "Syrian government ·" in legend and "%" in legend
    assert "As of 10 December 2024" in page.locator(f"#{ids.MAP} .annotation").first.text_content()
    screenshot(page, "01-loaded-10-december")
    assert recorder.errors == []
    assert recorder.off_loopback() == []
    assert any("/_map/data-" in url for url in recorder.requests)


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
    assert stale_sources(page) == []
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


def test_clicking_a_place_marker_opens_its_panel(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-05")
    wait_for_map_date(page, "2024-12-05")
    box = page.locator(f"#{ids.MAP} .js-plotly-plot").bounding_box()
    x, y = page.evaluate(
        """([lon, lat]) => {
          const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
          const p = map.project([lon, lat]);
          return [p.x, p.y];
        }""",
        list(HAMA),
    )
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.click(box["x"] + x, box["y"] + y)
    wait_for_text(page, f"#{ids.PANEL} h2", "Hama")
    wait_for_text(page, BADGE, "HTS")
    assert "place=hama" in page.evaluate("location.search")


def test_the_address_round_trips(page: Any, app_url: str, recorder: Recorder) -> None:
    open_map(page, f"{app_url}?date=2024-12-05&place=hama")
    wait_for_map_date(page, "2024-12-05")
    wait_for_text(page, f"#{ids.PANEL} h2", "Hama")
    assert page.locator(LABEL).inner_text() == "5 December 2024"
    assert page.evaluate("location.search") == "?date=2024-12-05&place=hama"
    assert drawn_at(page, *HAMA) == ["hts"]
    assert stale_sources(page) == []  # the first plot, the jump to Hama and the date did not race
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
    wait_for_text(page, f"#{ids.NOTICE}", "No map for date “2024-13-45”")
    assert page.locator(f"#{ids.NOTICE}").is_visible()
    assert page.locator(LABEL).inner_text() == "10 December 2024"
    wait_for_text(page, f"#{ids.PANEL} h2", "Hama")
    page.wait_for_function("location.search === '?date=2024-12-10&place=hama'")
    screenshot(page, "05-malformed-date-notice")
    assert recorder.errors == []


def test_play_advances_the_date_and_pause_stops_it(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-11-26")
    wait_for_map_date(page, "2024-11-26")
    page.locator(f"#{ids.SPEED} input[value='400']").check()
    page.locator(f"#{ids.PLAY}").click()
    wait_for_text(page, f"#{ids.PLAY}", "Pause")
    first = wait_for_map_date_after(page, "2024-11-26")
    wait_for_map_date_after(page, first)
    page.locator(f"#{ids.PLAY}").click()
    wait_for_text(page, f"#{ids.PLAY}", "Play")
    stopped = page.locator(LABEL).inner_text()
    page.locator(f"#{ids.NEXT}").click()  # stepping still works after a pause
    wait_for_map_date_after(page, page.evaluate("document.getElementById('map').dataset.mapDate"))
    assert page.locator(LABEL).inner_text() != stopped
    screenshot(page, "06-played")


@pytest.mark.parametrize(("query", "name"), [("Hama", "Hama"), ("حلب", "Aleppo")])
def test_search_finds_a_place_by_english_or_arabic_name(page: Any, app_url: str, query: str, name: str) -> None:
    open_map(page, app_url)
    page.locator(f"#{ids.SEARCH}").click()
    search = page.locator(f"#{ids.SEARCH} input, .dash-dropdown-search").first
    search.fill(query)
    page.keyboard.press("Enter")
    wait_for_text(page, f"#{ids.PANEL} h2", name)
    screenshot(page, f"07-search-{name.lower()}")
