"""The date controls right to left (issue 17), in headless Chromium on a 1280×800 desktop and a 390×844 touch phone.

Convention, as in other right-to-left apps (Radix's and the browser's own sliders in a right-to-left page):
mirrored: earliest date on the right; → moves to the earlier date. In the Arabic edition of `/` and of `/embed`
the slider runs from 26 Nov on the right to 31 Dec on the left, its filled track grows from the right, ArrowRight
on its handle (and anywhere on the page outside a field) goes to the previous date and ArrowLeft to the next, a
press near its right end goes to an early date, and "previous day" (▶) is the right-hand step button, pointing
right. The English pages stay left to right: → is the later date.

A step is checked where the reader sees it: the handle's aria-valuenow (or the range input's value), the date
label and the date the map has drawn (#map[data-map-date]).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from browser_support import RENDER_TIMEOUT_MS, screenshot, sized_context, wait_for_map_date, wait_for_text

from dashboard import ids
from dashboard.i18n import t
from dashboard.model import Atlas
from dashboard.text import date_text

pytestmark = pytest.mark.browser

SCREENS = {"desktop": (1280, 800), "phone": (390, 844)}
SLIDER = f"#{ids.SLIDER}"
THUMB = f"{SLIDER} [role=slider]"
LABEL = f"#{ids.DATE_LABEL}"
FIRST, EARLIER, START, LATER, LAST = "2024-11-26", "2024-12-04", "2024-12-05", "2024-12-06", "2024-12-31"

CENTRE_X = "(el) => { const r = el.getBoundingClientRect(); return r.left + r.width / 2; }"
BOX = "(el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def label(iso: str, lang: str) -> str:
    return date_text(date.fromisoformat(iso), lang)


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[Callable[[str], Any]]:
    """`open(path)`: the page at `path` in a fresh context of this screen (a touch phone below 600 px), once the map
    has drawn a date. An uncaught error on the page fails the test."""
    width, height = SCREENS[request.param]
    context = sized_context(browser, width, height)
    errors: list[str] = []

    def open_page(path: str) -> Any:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path)
        page.wait_for_selector("#map[data-map-date]", state="attached", timeout=RENDER_TIMEOUT_MS)
        page.phone = width < 600  # type: ignore[attr-defined]
        page.screen_name = request.param  # type: ignore[attr-defined]
        return page

    yield open_page
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def index(shipped_atlas: Atlas) -> Callable[[str], int]:
    """A date's index on the slider."""
    return lambda iso: shipped_atlas.dates.index(date.fromisoformat(iso))


def handle_at(page: Any, index: int) -> None:
    """Wait until the slider's handle says `index` (Dash has the value: scrub.js hands it over after the map draws)."""
    page.wait_for_function(
        "([sel, index]) => Number(document.querySelector(sel).getAttribute('aria-valuenow')) === index",
        arg=[THUMB, index],
    )


def shows(page: Any, iso: str, lang: str) -> None:
    """Wait until the map has drawn `iso` and the date label says it."""
    wait_for_map_date(page, iso)
    wait_for_text(page, LABEL, label(iso, lang))


def app_step(page: Any, key: str, iso: str, lang: str, index: int) -> float:
    """Press `key` on the focused handle; the slider, the map and the label reach `iso`: the handle's x."""
    page.locator(THUMB).focus()
    page.keyboard.press(key)
    handle_at(page, index)
    shows(page, iso, lang)
    return page.locator(THUMB).evaluate(CENTRE_X)


def press_slider(page: Any, x: float) -> None:
    """A click (a tap on a phone) on the slider's track at x."""
    track = page.locator(f"{SLIDER} .dash-slider-track")
    track.scroll_into_view_if_needed()
    _, top, _, bottom = track.evaluate(BOX)
    if page.phone:
        page.touchscreen.tap(x, (top + bottom) / 2)
    else:
        page.mouse.click(x, (top + bottom) / 2)


# ------------------------------------------------------------------------------------------------------------- app


def test_the_arabic_slider_is_mirrored_and_its_arrow_keys_follow_it(screen: Any, app_url: str, index: Any) -> None:
    """The first date's mark on the right, the last on the left, the filled track from the right; on the handle
    → is the previous date (the handle moves right) and ← the next (it moves left)."""
    page = screen(f"{app_url}?lang=ar&date={START}")
    handle_at(page, index(START))
    page.locator(SLIDER).scroll_into_view_if_needed()
    marks = page.locator(f"{SLIDER} .dash-slider-mark")
    assert marks.first.evaluate(CENTRE_X) > marks.last.evaluate(CENTRE_X), "26 Nov's mark right of 31 Dec's"
    root = page.locator(f"{SLIDER} .dash-slider-root").evaluate(BOX)
    filled = page.locator(f"{SLIDER} .dash-slider-range").evaluate(BOX)
    assert abs(filled[2] - root[2]) < 1 and filled[0] > root[0] + 10, (filled, root)  # from the right edge

    at_start = page.locator(THUMB).evaluate(CENTRE_X)
    at_earlier = app_step(page, "ArrowRight", EARLIER, "ar", index(EARLIER))
    assert at_earlier > at_start, "→ goes to the day before, to the right"
    assert app_step(page, "ArrowLeft", START, "ar", index(START)) == pytest.approx(at_start, abs=1)
    at_later = app_step(page, "ArrowLeft", LATER, "ar", index(LATER))
    assert at_later < at_start, "← goes to the day after, to the left"
    screenshot(page, f"rtl-01-slider-{page.screen_name}")


def test_a_press_near_the_right_end_of_the_arabic_slider_goes_to_an_early_date(
    screen: Any, app_url: str, index: Any
) -> None:
    page = screen(f"{app_url}?lang=ar&date={START}")
    handle_at(page, index(START))
    _, _, right, _ = page.locator(f"{SLIDER} .dash-slider-root").evaluate(BOX)
    press_slider(page, right - 3)
    handle_at(page, index(FIRST))
    shows(page, FIRST, "ar")


def test_the_arabic_step_buttons_point_to_their_end_of_the_slider(screen: Any, app_url: str, index: Any) -> None:
    """The step button "previous day" (▶, on the right) and Play start the controls on the right; the buttons keep
    their names; → outside a field clicks "previous day", as the buttons' titles say."""
    page = screen(f"{app_url}?lang=ar&date={START}")
    handle_at(page, index(START))
    prev, play, following = (page.locator(f"#{i}") for i in (ids.PREV, ids.PLAY, ids.NEXT))
    assert prev.evaluate(CENTRE_X) > play.evaluate(CENTRE_X) > following.evaluate(CENTRE_X)
    assert (prev.inner_text(), following.inner_text()) == ("▶", "◀")
    assert prev.get_attribute("aria-label") == t("page.previous_label", "ar")
    assert following.get_attribute("aria-label") == t("page.next_label", "ar")
    assert "→" in prev.get_attribute("title") and "←" in following.get_attribute("title")

    prev.click()
    handle_at(page, index(EARLIER))
    shows(page, EARLIER, "ar")
    following.click()
    handle_at(page, index(START))
    shows(page, START, "ar")
    page.locator(LABEL).click()  # the focus off the buttons and the slider: the page's own arrow keys
    page.keyboard.press("ArrowRight")
    handle_at(page, index(EARLIER))
    shows(page, EARLIER, "ar")
    page.keyboard.press("ArrowLeft")
    handle_at(page, index(START))
    shows(page, START, "ar")


def test_the_english_slider_stays_left_to_right(screen: Any, app_url: str, index: Any) -> None:
    page = screen(f"{app_url}?lang=en&date={START}")
    handle_at(page, index(START))
    page.locator(SLIDER).scroll_into_view_if_needed()
    marks = page.locator(f"{SLIDER} .dash-slider-mark")
    assert marks.first.evaluate(CENTRE_X) < marks.last.evaluate(CENTRE_X)
    prev, following = page.locator(f"#{ids.PREV}"), page.locator(f"#{ids.NEXT}")
    assert prev.evaluate(CENTRE_X) < following.evaluate(CENTRE_X)
    assert (prev.inner_text(), following.inner_text()) == ("◀", "▶")
    at_start = page.locator(THUMB).evaluate(CENTRE_X)
    assert app_step(page, "ArrowRight", LATER, "en", index(LATER)) > at_start, "→ goes to the day after, right"
    assert app_step(page, "ArrowLeft", START, "en", index(START)) == pytest.approx(at_start, abs=1)
    _, _, right, _ = page.locator(f"{SLIDER} .dash-slider-root").evaluate(BOX)
    press_slider(page, right - 3)
    handle_at(page, index(LAST))
    shows(page, LAST, "en")
    page.locator(LABEL).click()
    page.keyboard.press("ArrowLeft")
    handle_at(page, index(LAST) - 1)


def test_the_arabic_attribution_is_on_screen_inside_its_box(screen: Any, app_url: str) -> None:
    """The map's attribution (a Plotly note in its bottom corner) is measured left to right, as Plotly draws it:
    its text lies in its white box, and the box on the screen, in the corner on the reader's right."""
    page = screen(f"{app_url}?lang=ar&date={START}")
    note = page.locator(f"#{ids.MAP} .annotation", has_text="Natural Earth")
    text = note.locator(".annotation-text").evaluate(BOX)
    box = note.locator(".bg").evaluate(BOX)
    width = page.viewport_size["width"]
    assert box[0] >= 0 and box[2] <= width, (box, width)
    assert box[0] - 1 <= text[0] and text[2] <= box[2] + 1, (text, box)  # the text inside its box, so on screen
    graph = page.locator(f"#{ids.MAP}").evaluate(BOX)
    assert graph[2] - box[2] < 30  # in the right-hand corner
    lines = note.locator(".annotation-text tspan").evaluate_all("els => els.map((e) => e.textContent)")
    assert lines and all(line.startswith("\u202b") for line in lines)  # each line a right-to-left embedding
    screenshot(page, f"rtl-02-attribution-{page.screen_name}")


# ----------------------------------------------------------------------------------------------------------- embed


def embed_step(page: Any, key: str, iso: str, lang: str, index: int) -> None:
    page.keyboard.press(key)
    shows(page, iso, lang)
    assert page.locator(SLIDER).input_value() == str(index)


def press_range(page: Any, x: float) -> None:
    _, top, _, bottom = page.locator(SLIDER).evaluate(BOX)
    if page.phone:
        page.touchscreen.tap(x, (top + bottom) / 2)
    else:
        page.mouse.click(x, (top + bottom) / 2)


def test_the_arabic_embed_range_is_mirrored_with_the_same_keys(screen: Any, app_url: str, index: Any) -> None:
    """The range input right to left: → on it and on the page is the previous date, ← the next, a press near its
    right end an early date; "previous day" (▶) on the right."""
    page = screen(f"{app_url}embed?lang=ar&date={START}")
    rng = page.locator(SLIDER)
    rng.scroll_into_view_if_needed()
    prev, following = page.locator(f"#{ids.PREV}"), page.locator(f"#{ids.NEXT}")
    assert prev.evaluate(CENTRE_X) > page.locator(f"#{ids.PLAY}").evaluate(CENTRE_X) > following.evaluate(CENTRE_X)
    assert (prev.inner_text(), following.inner_text()) == ("▶", "◀")
    assert prev.get_attribute("aria-label") == t("page.previous_label", "ar")
    assert following.get_attribute("aria-label") == t("page.next_label", "ar")
    rng.focus()
    embed_step(page, "ArrowRight", EARLIER, "ar", index(EARLIER))
    embed_step(page, "ArrowLeft", START, "ar", index(START))
    embed_step(page, "ArrowLeft", LATER, "ar", index(LATER))
    page.locator("h1").click()  # the page's own keys
    embed_step(page, "ArrowRight", START, "ar", index(START))
    _, _, right, _ = rng.evaluate(BOX)
    press_range(page, right - 4)
    shows(page, FIRST, "ar")
    assert rng.input_value() == str(index(FIRST))
    screenshot(page, f"rtl-03-embed-{page.screen_name}")


def test_the_english_embed_range_stays_left_to_right(screen: Any, app_url: str, index: Any) -> None:
    page = screen(f"{app_url}embed?date={START}")
    rng = page.locator(SLIDER)
    rng.scroll_into_view_if_needed()
    assert page.locator(f"#{ids.PREV}").evaluate(CENTRE_X) < page.locator(f"#{ids.NEXT}").evaluate(CENTRE_X)
    rng.focus()
    embed_step(page, "ArrowRight", LATER, "en", index(LATER))
    page.locator("h1").click()
    embed_step(page, "ArrowLeft", START, "en", index(START))
    _, _, right, _ = rng.evaluate(BOX)
    press_range(page, right - 4)
    shows(page, LAST, "en")
    assert rng.input_value() == str(index(LAST))
