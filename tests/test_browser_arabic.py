"""The Arabic edition in headless Chromium: the document's language and direction, the live map's labels, the place
panel, the address, and no English on the page beyond place names, URLs and source titles."""

from __future__ import annotations

import csv
import re
from typing import Any

import pytest
from browser_support import Recorder, open_map, screenshot, wait_for_map_date, wait_for_text

from dashboard import ids
from dashboard.config import DEFAULT_DATA_DIR
from dashboard.model import Atlas
from dashboard.render import style

pytestmark = pytest.mark.browser

# The place labels on the live map: Plotly's places trace, drawn by MapLibre as a symbol layer.
LABELS = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const layers = map.getLayersOrder().filter((id) => map.getLayer(id).type === 'symbol');
  return map.queryRenderedFeatures({layers}).map((f) => f.properties.text).filter(Boolean);
}"""


def html_attrs(page: Any) -> tuple[str | None, str | None]:
    return page.get_attribute("html", "lang"), page.get_attribute("html", "dir")


def test_the_arabic_page_says_so_on_the_document(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?lang=ar")
    assert html_attrs(page) == ("ar", "rtl")
    assert page.title().startswith("سوريا")
    open_map(page, f"{app_url}?lang=en")
    assert html_attrs(page) == ("en", "ltr")


def test_the_browser_may_suggest_arabic_but_the_address_wins(browser: Any, app_url: str) -> None:
    context = browser.new_context(locale="ar-SY", extra_http_headers={"Accept-Language": "ar-SY,ar;q=0.9"})
    page = context.new_page()
    page.goto(app_url)
    assert html_attrs(page) == ("ar", "rtl")
    page.goto(f"{app_url}?lang=en")
    assert html_attrs(page) == ("en", "ltr")
    context.close()


def test_the_live_map_labels_are_the_arabic_names_drawn_from_the_apps_own_font(
    page: Any, app_url: str, shipped_atlas: Atlas, recorder: Recorder
) -> None:
    open_map(page, f"{app_url}?lang=ar&date=2024-12-05")
    page.wait_for_function(f"() => ({LABELS})().length > 5")
    labels = set(page.evaluate(LABELS))
    cities = {p.name_ar for p in shipped_atlas.timeline.places if p.kind in style.LABEL_KINDS}
    assert {"حماة", "حمص", "دمشق"} <= labels <= cities
    font = style.LABEL_FONT_FACES["Noto Sans Arabic"][0]["url"]
    assert any(url.endswith(font) for url in recorder.requests)  # MapLibre draws the glyphs from the app's file
    assert recorder.off_loopback() == []
    screenshot(page, "ar-01-map-labels")


def test_the_english_map_keeps_english_labels(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-05")
    page.wait_for_function(f"() => ({LABELS})().length > 5")
    labels = set(page.evaluate(LABELS))
    assert {"Hama", "Homs", "Damascus"} <= labels  # (MapLibre may hide a label that collides with another)
    assert not any(re.search("[\u0600-\u06ff]", label) for label in labels)


def test_the_place_panel_of_hama_on_5_december_reads_in_arabic_with_its_sources(
    page: Any, app_url: str, shipped_atlas: Atlas
) -> None:
    open_map(page, f"{app_url}?lang=ar&date=2024-12-05&place=hama")
    wait_for_text(page, f"#{ids.PANEL_BODY}", "سجل السيطرة")
    head = page.locator(f"#{ids.PANEL_HEAD}").inner_text()
    body = page.locator(f"#{ids.PANEL_BODY}").inner_text()
    summary = shipped_atlas.summaries["hama"]
    assert head.startswith("حماة") and "مدينة · حماة" in head
    assert page.locator(f"#{ids.PANEL_HOLDER}").inner_text() == "هيئة تحرير الشام / إدارة العمليات العسكرية"
    assert summary.text_ar.split()[0] in body and "ماذا جرى" in body
    links = page.eval_on_selector_all(f"#{ids.PANEL_BODY} .sources a", "els => els.map((a) => a.href)")
    assert links[: len(summary.sources_ar)] == [s.url for s in summary.sources_ar]
    assert set(links) == {s.url for s in (*summary.sources_ar, *summary.sources)}
    screenshot(page, "ar-02-hama-panel")


def test_a_date_step_keeps_the_language_in_the_address(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?lang=ar&date=2024-12-05")
    page.click(f"#{ids.NEXT}")
    wait_for_map_date(page, "2024-12-06")
    page.wait_for_function("() => location.search.includes('date=2024-12-06')")
    assert re.search(r"[?&]lang=ar(&|$)", page.evaluate("location.search"))


def test_every_address_the_arabic_share_panel_hands_out_stays_arabic(page: Any, app_url: str) -> None:
    """The link, the embed snippet (its iframe and its right-to-left caption) and the image downloads keep lang=ar:
    a reader of the Arabic page who shares the map shares the Arabic map."""
    open_map(page, f"{app_url}?lang=ar&date=2024-12-05&place=hama")
    page.locator(f"#{ids.SHARE} summary").click()
    page.wait_for_function("id => document.getElementById(id).value.includes('place=hama')", arg=ids.SHARE_LINK)
    assert page.locator(f"#{ids.SHARE_LINK}").input_value().endswith("/?date=2024-12-05&lang=ar&place=hama")
    snippet = page.locator(f"#{ids.SHARE_SNIPPET}").input_value()
    assert snippet.startswith('<figure lang="ar" dir="rtl" ')
    embed = re.search(r'<iframe src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert embed.endswith("/embed?date=2024-12-05&lang=ar&place=hama")
    png = page.locator(f"#{ids.SHARE_DOWNLOAD}-png").get_attribute("href")
    assert png == "/export/png?date=2024-12-05&lang=ar&place=hama"
    assert '<html lang="ar" dir="rtl">' in page.request.get(embed).text()


def test_the_embed_in_arabic_is_right_to_left_with_its_place_in_arabic(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}embed?lang=ar&date=2024-12-05&place=hama")
    page.wait_for_selector("#map[data-map-date]", state="attached")
    assert html_attrs(page) == ("ar", "rtl")
    assert "تحت سيطرة" in page.locator(".place").inner_text()
    assert page.locator(".place h2").inner_text().startswith("حماة")


def test_the_switch_goes_to_arabic_and_back_keeping_the_date_and_place(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}?date=2024-12-05&place=hama")
    page.click(f"#{ids.LANG_SWITCH} a[data-lang=ar]")
    wait_for_map_date(page, "2024-12-05")
    assert html_attrs(page) == ("ar", "rtl")
    assert "date=2024-12-05" in page.url and "place=hama" in page.url
    wait_for_text(page, f"#{ids.PANEL_BODY}", "سجل السيطرة")
    page.click(f"#{ids.LANG_SWITCH} a[data-lang=en]")
    wait_for_map_date(page, "2024-12-05")
    assert html_attrs(page) == ("en", "ltr")
    assert "date=2024-12-05" in page.url and "place=hama" in page.url


# Every text node and every title / placeholder / aria-label on the page, but inside links (URLs, source titles)
# and the embed code (HTML to copy).
PAGE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('script, style, a[href], textarea')) continue;
    out.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label]'))
    for (const name of ['title', 'placeholder', 'aria-label']) out.push(el.getAttribute(name) || '');
  return out.filter((text) => /[A-Za-z]/.test(text));
}"""


def test_no_english_on_the_arabic_page_beyond_place_names_sources_and_formats(
    page: Any, app_url: str, shipped_atlas: Atlas
) -> None:
    """Allowed: the places' English names (beside the Arabic), source titles, the attribution's source names and
    licences, file formats and the keys' names (Esc), which stay as written."""
    open_map(page, f"{app_url}?lang=ar&date=2024-12-05&place=hama&since=day")
    wait_for_text(page, f"#{ids.PANEL_BODY}", "سجل السيطرة")
    page.evaluate("document.querySelector('.analytics').scrollIntoView()")
    page.wait_for_function("() => document.querySelector('#governorate-table table')")
    page.evaluate("window.scrollTo(0, 0)")
    names = sorted({p.name_en for p in shipped_atlas.timeline.places}, key=len, reverse=True)
    titles = {
        row["source_title"]
        for file in ("events.csv", "area_events.csv")
        for row in csv.DictReader((DEFAULT_DATA_DIR / file).open(encoding="utf-8"))
    } | {source.title for summary in shipped_atlas.summaries.values() for source in summary.sources}
    allowed = re.compile(
        r"events\.csv|Natural Earth|GeoNames|CC BY 4\.0|Who's On First|GSHHG/WDB II|LGPL-3\.0"
        r"|Esc|PNG|English|CSV|GeoJSON|metadata|"
        + "|".join(re.escape(name) for name in names)
    )
    english = [
        text for text in page.evaluate(PAGE_TEXT)
        if text not in titles and re.search("[A-Za-z]", allowed.sub("", text))
    ]  # fmt: skip
    assert english == [], english
