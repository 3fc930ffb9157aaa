"""In headless Chromium: the HTML export from file:// with no network, and /embed framed by a parent page on
another loopback origin (127.0.0.2), which may frame /embed and may not frame /."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from browser_support import RENDER_TIMEOUT_MS, Recorder, screenshot
from werkzeug.serving import make_server

from dashboard import export, ids
from dashboard.config import Settings
from dashboard.files import write_atomically
from dashboard.model import Atlas

pytestmark = pytest.mark.browser
PARENT_HOST = "127.0.0.2"


def wait_for_date(page_or_frame: Any, iso: str | None = None) -> None:
    selector = "#map[data-map-date]" if iso is None else f'#map[data-map-date="{iso}"]'
    page_or_frame.wait_for_selector(selector, state="attached", timeout=RENDER_TIMEOUT_MS)


def test_html_export_works_from_file_with_the_network_off(
    browser: Any, shipped_atlas: Atlas, tmp_path: Path, recorder: Recorder
) -> None:
    path = tmp_path / "replay.html"
    write_atomically(path, export.html_page(shipped_atlas))
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 850})
    page = context.new_page()
    page.on("request", lambda request: recorder.requests.append(request.url))
    page.on("pageerror", lambda error: recorder.errors.append(str(error)))
    page.goto(path.as_uri())
    wait_for_date(page, "2024-12-31")
    assert page.locator(".choroplethlocation").count() > 20  # zones and base layers drawn
    title = page.locator(".gtitle")
    assert "31 December 2024" in title.text_content()
    rail = page.locator(".slider-rail-rect").bounding_box()
    page.mouse.click(rail["x"] + rail["width"] * 0.57, rail["y"] + rail["height"] / 2)  # a date in mid-December
    page.wait_for_function("document.getElementById('map').dataset.mapDate < '2024-12-31'")
    shown = page.get_attribute("#map", "data-map-date")
    day = int(shown[-2:])
    assert f"{day} December 2024" in title.text_content()
    assert f"on {day} December 2024" in page.locator("#alt").text_content()
    screenshot(page, "20-html-export-file-offline")
    context.close()
    assert recorder.errors == []
    assert [u for u in recorder.requests if not u.startswith(("file:", "data:", "blob:"))] == []


@pytest.fixture(scope="module")
def framing(shipped_atlas: Atlas) -> Iterator[tuple[str, str]]:
    """(parent URL, app URL): a page on 127.0.0.2 that frames /embed and / of the app, which allows that origin
    to frame /embed; the page records the heights /embed posts."""
    from dashboard.app import create_app

    page: list[bytes] = []

    class Parent(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page[0])

        def log_message(self, *_: Any) -> None:
            pass

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    parent = HTTPServer((PARENT_HOST, 0), Parent)
    settings = Settings(embed_origins=(f"http://{PARENT_HOST}:{parent.server_port}",))
    app = make_server("127.0.0.1", 0, create_app(settings, shipped_atlas).server, threaded=True)
    app_url = f"http://127.0.0.1:{app.server_port}"
    page.append(
        f"""<!DOCTYPE html><html><body>
<iframe id="embed" title="map" src="{app_url}/embed?date=2024-12-05&place=hama&zoom=99"
 style="width:800px;height:400px"></iframe>
<iframe id="app" title="app" src="{app_url}/" style="width:800px;height:300px"></iframe>
<script>window.heights=[];window.addEventListener("message",function(e){{var h=e.data&&e.data["syria-map-height"];
if(h){{window.heights.push(h);document.getElementById("embed").style.height=h+"px";}}}});</script>
</body></html>""".encode()
    )
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (parent, app)]
    for thread in threads:
        thread.start()
    yield f"http://{PARENT_HOST}:{parent.server_port}/", app_url
    for server in (parent, app):
        server.shutdown()
    for thread in threads:
        thread.join(timeout=10)


def test_another_origin_can_frame_embed_but_not_the_app(page: Any, framing: tuple[str, str]) -> None:
    parent, _ = framing
    page.goto(parent)
    frame = page.frame_locator("#embed")
    frame.locator('#map[data-map-date="2024-12-05"]').wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
    assert "Hama" in frame.locator(".place h2").text_content()
    assert "“zoom” clamped to 12" in frame.locator(".notice").text_content()
    page.wait_for_function("window.heights.length > 0")
    height = page.evaluate("window.heights[window.heights.length - 1]")
    assert height > 400  # map, caption and Hama's panel: taller than the 400 px frame it was given
    page.wait_for_function(f"document.getElementById('embed').clientHeight === {height}")
    blocked = page.query_selector("#app").content_frame()
    blocked.wait_for_load_state()
    assert blocked.url.startswith("chrome-error:")  # refused by frame-ancestors 'none' / X-Frame-Options: DENY
    screenshot(page, "21-embed-framed-on-another-origin")


def test_embed_in_arabic_plays_when_asked(page: Any, framing: tuple[str, str]) -> None:
    page.goto(f"{framing[1]}/embed?date=2024-11-28&lang=ar&play=1")
    wait_for_date(page)
    assert page.get_attribute("#alt", "dir") == "rtl"
    # The map is bare (its title, key and notes are page elements): nothing for Plotly to misplace in Arabic.
    assert page.locator("#map .annotation, #map .gtitle, #map .legend").count() == 0
    # autoplay runs through every date to the last: 33 steps of 0.8 s, each waiting for its frame
    page.wait_for_selector('#map[data-map-date="2024-12-31"]', state="attached", timeout=3 * RENDER_TIMEOUT_MS)
    assert "كانون الأول" in page.locator("#alt").text_content()
    assert "خريطة السيطرة في سوريا" in page.locator("h1").text_content()
    screenshot(page, "22-embed-arabic-played-to-10-december")


def test_a_step_before_the_other_dates_arrive_is_drawn_when_they_do(page: Any, framing: tuple[str, str]) -> None:
    """The page draws its own date without the other dates' file; a step taken meanwhile waits for it, once."""
    held: list[Any] = []

    def hold(route: Any) -> None:  # Playwright takes a Python function here, not a bound builtin
        held.append(route)

    page.route("**/_embed/frames/**", hold)
    page.goto(f"{framing[1]}/embed?date=2024-12-05")
    wait_for_date(page, "2024-12-05")  # drawn with the file still held back
    while not held:
        page.wait_for_timeout(50)
    page.click(f"#{ids.NEXT}")
    page.click(f"#{ids.NEXT}")
    page.wait_for_timeout(300)
    assert page.get_attribute("#map", "data-map-date") == "2024-12-05"
    held[0].continue_()
    wait_for_date(page, "2024-12-07")
    assert page.locator(f"#{ids.DATE_LABEL}").text_content() == "7 December 2024"
    assert len(held) == 1


# The map's names that are shown, as [text, left, top, right, bottom] (Plotly's geo text has no collision test of
# its own: assets/embed.js hides a name that would overlap one already kept).
SHOWN_NAMES = """() => [...document.querySelectorAll('#map g.trace.scattergeo text')]
  .filter((t) => t.textContent && t.style.display !== 'none')
  .map((t) => { const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.top, b.right, b.bottom]; })"""


@pytest.mark.parametrize("size", [(390, 700), (1280, 800)], ids=["phone", "desktop"])
def test_embed_names_never_overlap_and_the_focused_place_and_big_cities_keep_theirs(
    browser: Any, framing: tuple[str, str], size: tuple[int, int]
) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(f"{framing[1]}/embed?date=2024-12-08&place=damascus")
    wait_for_date(page, "2024-12-08")

    def check() -> None:
        shown = page.evaluate(SHOWN_NAMES)
        names = [name for name, *_ in shown]
        assert names.count("Damascus") == 1 and {"Aleppo", "Homs", "Hama", "100 km"} <= set(names)
        for i, (a, *box) in enumerate(shown):
            for b, *other in shown[i + 1 :]:
                overlap = box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
                assert not overlap, f"{a!r} overlaps {b!r} at {size[0]} px"

    check()
    page.click(f"#{ids.NEXT}")  # the next date, a frame: Plotly draws the names again
    wait_for_date(page, "2024-12-09")
    check()
    context.close()
