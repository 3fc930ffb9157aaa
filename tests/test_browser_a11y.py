"""WCAG 2.1 AA on `/`, `/?place=hama&date=2024-12-05` and `/embed` in headless Chromium: axe-core finds nothing
serious or critical, and a keyboard alone drives the app (search, a place, Esc, the slider, Play, the table view,
the share panel) and /embed (◀ / Play / ▶, the range input, ← → space), with visible focus and no Plotly toolbar
button among the tab stops; the live region says what changed.

axe-core is vendored in tests/vendor/ (fetched once by tests/vendor/fetch-axe.sh, never at test time) and run by
CDP evaluation, which the pages' CSP does not apply to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import RENDER_TIMEOUT_MS, screenshot, wait_for_map_date, wait_for_text

from dashboard import ids
from dashboard.render.panel import badge
from dashboard.render.style import contrast

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# What has keyboard focus: its id, classes, name and whether its focus is drawn.
FOCUSED = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {
    id: el.id, tag: el.tagName, cls: String(el.className), label: el.getAttribute('aria-label') || el.textContent,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    toolbar: Boolean(el.closest('.modebar')),
  };
}"""


def serious_axe_violations(page: Any) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: %s}})" % WCAG_AA)  # noqa: UP031
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    ("path", "width"),
    [("", 1280), ("?place=hama&date=2024-12-05", 1280), ("?place=hama&date=2024-12-05", 390), ("embed", 1280)],
)
def test_axe_finds_nothing_serious(browser: Any, app_url: str, path: str, width: int) -> None:
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 800}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.goto(app_url + path)
    wait_for_map_date(page, None)
    if "place" in path:
        wait_for_text(page, f"#{ids.PANEL_HOLDER}", "HTS")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("main").count() == 1
    assert serious_axe_violations(page) == []
    context.close()


def test_every_holder_badge_reads_at_4_5_to_1(shipped_atlas: Any) -> None:
    for faction in shipped_atlas.timeline.factions:
        _, style = badge(faction)
        assert contrast(style["backgroundColor"], style["color"]) >= 4.5, faction.id


def tab_to(page: Any, predicate: str, limit: int = 40) -> dict[str, Any]:
    """Press Tab until the focused element satisfies `predicate` (JS, given FOCUSED's record); every stop passed
    must show its focus and must not be a toolbar button."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"], focused
        assert not focused["toolbar"], focused
        if page.evaluate(f"(f) => {predicate}", focused):
            return focused
    raise AssertionError(f"no tab stop where {predicate}")


def test_the_app_by_keyboard_alone(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}?date=2024-12-04")
    wait_for_map_date(page, "2024-12-04")
    # a place through search: the panel takes focus, Esc closes it and focus returns
    tab_to(page, f"f.id === '{ids.SEARCH}'")
    page.keyboard.press("Enter")
    # a reader types once the box has opened and its search field has the focus
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')")
    page.keyboard.type("Hama")
    page.wait_for_selector("[role=option]:has-text('Hama')")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{ids.PANEL}", state="visible")
    wait_for_text(page, f"#{ids.PANEL} h2", "Hama")
    page.wait_for_function(f"() => document.activeElement.id === '{ids.PANEL_CLOSE}'")
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#{ids.PANEL}", state="hidden")
    assert page.evaluate(FOCUSED)["id"] == ids.SEARCH
    # the slider: its handle is named and says its date
    thumb = tab_to(page, "f.cls.includes('dash-slider-thumb')")
    assert thumb["label"] == "Date"
    page.keyboard.press("ArrowRight")
    wait_for_map_date(page, "2024-12-05")
    wait_for_text(page, f"#{ids.DATE_LABEL}", "5 December 2024")
    page.wait_for_function(
        "() => document.querySelector('[role=slider]').getAttribute('aria-valuetext') === '5 December 2024'"
    )
    # the live region says the new date and the shares, once the view has settled
    wait_for_text(page, f"#{ids.ANNOUNCE}", "As of 5 December 2024")
    assert "Syrian government" in page.locator(f"#{ids.ANNOUNCE}").text_content()
    # the table view: the same as text
    tab_to(page, "f.tag === 'SUMMARY' && f.label.includes('Table view')")
    page.keyboard.press("Enter")
    table = page.locator(f"#{ids.TABLE_VIEW}")
    wait_for_text(page, f"#{ids.TABLE_VIEW}", "As of 5 December 2024")
    assert "HTS-led Military Operations Command" in table.inner_text() and "%" in table.inner_text()
    # Play and pause, from the buttons, reached backwards
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(FOCUSED)["id"] == ids.PLAY:
            break
    page.keyboard.press("Enter")
    wait_for_text(page, f"#{ids.PLAY}", "Pause")
    page.wait_for_function("() => document.getElementById('map').dataset.mapDate > '2024-12-05'")
    page.keyboard.press("Enter")
    wait_for_text(page, f"#{ids.PLAY}", "Play")
    # the share panel
    tab_to(page, "f.tag === 'SUMMARY' && f.label.includes('Embed / share')")
    page.keyboard.press("Enter")
    link = tab_to(page, f"f.id === '{ids.SHARE_LINK}'")
    assert link["id"] == ids.SHARE_LINK
    assert "date=2024-12-" in page.locator(f"#{ids.SHARE_LINK}").input_value()
    screenshot(page, "40-keyboard-share-panel")


def test_the_embed_by_keyboard_alone(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}embed?date=2024-12-05&place=hama")
    wait_for_map_date(page, "2024-12-05")
    assert page.locator("h1").inner_text().startswith("Who controls what in Syria")
    assert page.locator(f"#{ids.MAP} .legend, #{ids.MAP} .slider-container, #{ids.MAP} .gtitle").count() == 0
    assert "Natural Earth" in page.locator(".attribution").inner_text()
    assert page.locator(f"#{ids.MAP_KEY} li").count() > 5
    previous = tab_to(page, f"f.id === '{ids.PREV}'")
    assert previous["label"] == "Previous day"
    page.keyboard.press("Enter")
    wait_for_map_date(page, "2024-12-04")
    assert "Syrian government" in page.locator(f"#{ids.EMBED_HOLDER}").inner_text()
    tab_to(page, f"f.id === '{ids.PLAY}'")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('map').dataset.mapDate > '2024-12-05'")
    page.keyboard.press("Enter")
    wait_for_text(page, f"#{ids.PLAY}", "Play")
    tab_to(page, f"f.id === '{ids.NEXT}'")
    tab_to(page, f"f.id === '{ids.SLIDER}'")
    shown = page.get_attribute(f"#{ids.MAP}", "data-map-date")
    page.keyboard.press("Home")
    wait_for_map_date(page, "2024-11-26")
    assert page.get_attribute(f"#{ids.SLIDER}", "aria-valuetext") == "26 November 2024"
    assert shown != "2024-11-26"
    page.locator("h1").click()  # away from any control: ← → and space act on the page
    page.keyboard.press("ArrowRight")
    wait_for_map_date(page, "2024-11-27")
    wait_for_text(page, f"#{ids.DATE_LABEL}", "27 November 2024")
    wait_for_text(page, f"#{ids.ANNOUNCE}", "27 November 2024")
    page.keyboard.press(" ")
    wait_for_text(page, f"#{ids.PLAY}", "Pause")
    page.keyboard.press(" ")
    wait_for_text(page, f"#{ids.PLAY}", "Play")
    screenshot(page, "41-keyboard-embed")
