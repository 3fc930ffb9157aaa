"""The security policy and hostile analyst text in real headless Chromium.

- `/` and `/embed` on the shipped data: the map draws, steps and opens a place with zero CSP violations.
- tests/fixtures/xss (laid over tests/fixtures/valid): 30+ XSS payloads in place names, faction labels, event
  source titles, URLs and notes, summaries and their sources, and the attribution. Rendered in every view that
  shows them, with the policy on and, to test the escaping itself, with it bypassed: no dialog, no payload runs,
  no element with an event handler or a `javascript:` link, and the payloads read as text.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    RENDER_TIMEOUT_MS,
    Recorder,
    drawn_factions,
    open_map,
    screenshot,
    wait_for_map_date,
)
from werkzeug.serving import make_server

from dashboard import ids
from dashboard.build import build_days, write_zones, zone_files
from dashboard.config import Settings
from dashboard.load import load_atlas, read_inputs
from dashboard.model import Atlas
from dashboard.problems import Report

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WATCH = """
window.__xssCalls = [];
window.__xss = (n) => window.__xssCalls.push(n);
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
# In the page: whatever markup the payloads would have made, had any of them been parsed as HTML.
INJECTED = """() => {
  const all = [...document.querySelectorAll("*")];
  return {
    handlers: all.filter((e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith("on")))
                 .map((e) => e.outerHTML.slice(0, 120)),
    javascriptLinks: all.filter((e) => ["href", "src", "action", "data", "formaction"]
                          .some((name) => /^\\s*javascript:/i.test(e.getAttribute(name) || "")))
                        .map((e) => e.outerHTML.slice(0, 120)),
    elements: [...document.querySelectorAll([
      "iframe, object, embed, video, marquee, math, base",
      "meta[http-equiv=refresh], input[autofocus], img[src=x]",
    ].join(", "))].map((e) => e.outerHTML.slice(0, 120)),
    inlineScripts: [...document.querySelectorAll("script:not([src]):not([type='application/json'])")]
                      .filter((s) => s.id !== "_dash-renderer").length,
  };
}"""


def watch(page: Any) -> list[str]:
    """Record dialogs (and dismiss them) and install the page-side recorders; returns the dialog list."""
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script(WATCH)
    return dialogs


# ---------------------------------------------------------------- the policy on the shipped data


def open_with_policy(page: Any, url: str, *, framed: bool) -> list[str]:
    """Open `url` recording violations and dialogs; check the policy it was served with."""
    dialogs = watch(page)
    policy = page.goto(url).headers["content-security-policy"]
    assert "default-src 'self'" in policy and "worker-src 'self' blob:" in policy and "unsafe-eval" not in policy
    assert ("frame-ancestors 'none'" in policy) != framed
    return dialogs


def test_no_csp_violation_in_the_app_with_a_drawn_map(page: Any, app_url: str, recorder: Recorder) -> None:
    dialogs = open_with_policy(page, f"{app_url}?date=2024-12-05&place=hama", framed=False)
    wait_for_map_date(page, "2024-12-05")
    assert len(drawn_factions(page)) >= 3
    page.wait_for_function("document.querySelector('#place-panel h2')?.textContent.includes('Hama')")
    page.locator("body").press("ArrowLeft")  # a date step: Plotly.update on the drawn map
    wait_for_map_date(page, "2024-12-04")
    screenshot(page, "security-app-csp")
    assert page.evaluate("window.__csp") == []
    assert dialogs == [] and recorder.errors == [] and recorder.off_loopback() == []


def test_no_csp_violation_in_embed_with_a_drawn_map(page: Any, app_url: str, recorder: Recorder) -> None:
    dialogs = open_with_policy(page, f"{app_url}embed?date=2024-12-05&place=hama", framed=True)
    wait_for_map_date(page, "2024-12-05")
    assert page.locator(f"#{ids.MAP} .choroplethlocation").count() >= 3  # /embed draws on Plotly's SVG geo map
    screenshot(page, "security-embed-csp")
    assert page.evaluate("window.__csp") == []
    assert dialogs == [] and recorder.errors == [] and recorder.off_loopback() == []


# ---------------------------------------------------------------- hostile analyst text


@pytest.fixture(scope="module")
def xss_atlas(tmp_path_factory: pytest.TempPathFactory) -> Atlas:
    """tests/fixtures/valid with tests/fixtures/xss laid over it, zones built, loaded as the app loads it."""
    data = tmp_path_factory.mktemp("xss") / "data"
    shutil.copytree(FIXTURES / "valid", data)
    for path in (FIXTURES / "xss").iterdir():
        shutil.copy(path, data / path.name)
    report = Report()
    inputs = read_inputs(data, report)
    assert inputs is not None and report.problems == []
    write_zones(data / "zones", zone_files(build_days(inputs), inputs.timeline.places))
    return load_atlas(data, strict=False)  # the summary with a javascript: link is refused and logged


@pytest.fixture(scope="module")
def xss_url(xss_atlas: Atlas) -> Iterator[str]:
    from dashboard.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, create_app(Settings(), xss_atlas).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=10)


def test_a_summary_with_a_javascript_link_is_refused(xss_atlas: Atlas) -> None:
    assert sorted(xss_atlas.summaries) == ["hama", "saraqib"]  # idlib's cites javascript:
    links = [s.url for summary in xss_atlas.summaries.values() for s in summary.sources]
    links += [e.source_url for e in xss_atlas.timeline.events]
    assert all(link.startswith("https://") for link in links)


# In the page: where a lon/lat is on the page, in CSS pixels, if the map shows it (else null).
WHERE_ON_PAGE = """([lon, lat]) => {
  const map = document.querySelector("#map .js-plotly-plot")._fullLayout.map._subplot.map;
  const box = map.getContainer().getBoundingClientRect();
  const point = map.project([lon, lat]);
  const inside = point.x > 10 && point.y > 10 && point.x < box.width - 10 && point.y < box.height - 10;
  return inside ? [box.left + point.x, box.top + point.y] : null;
}"""


# In the page: the text of what hovering shows (map.js's tooltip, or Plotly's hover label).
HOVER_TEXT = """() => [...document.querySelectorAll(".map-tip:not([hidden]), #map .hoverlayer .hovertext")]
  .map((t) => t.textContent).join("\\n")"""


# In the page: whether the search box lists options and every one of them matches what was typed.
ONLY_OPTIONS_WITH = """(query) => {
  const options = [...document.querySelectorAll("[role=option]")];
  return options.length > 0 && options.every((o) => o.textContent.toLowerCase().includes(query));
}"""


def show_everything(page: Any, url: str, atlas: Atlas) -> str:
    """Open every view that shows analyst text; return the text the page shows."""
    open_map(page, f"{url}?date=2024-11-30&place=saraqib")
    page.wait_for_function("document.querySelector('#place-panel h2')?.textContent.includes('Saraqib')")
    shown = [page.locator("body").inner_text()]
    plot = page.locator(f"#{ids.MAP} .js-plotly-plot").bounding_box()
    hovered = 0
    for place in atlas.timeline.places:  # hover every marker on screen
        where = page.evaluate(WHERE_ON_PAGE, [place.lon, place.lat])
        if where is None:
            continue
        x, y = where
        page.mouse.move(plot["x"] + 5, plot["y"] + plot["height"] - 5)  # away, so the next move is a new hover
        page.mouse.move(x, y, steps=3)
        page.wait_for_function(f"name => ({HOVER_TEXT})().includes(name)", arg=place.name_en.split(" <")[0])
        shown.append(page.evaluate(HOVER_TEXT))
        hovered += 1
    assert hovered >= 4
    for place in ("hama", "maarat_al_numan", "homs"):  # the panels, through the search box
        page.locator(f"#{ids.SEARCH}").click()
        query = place.split("_")[0][:4]
        page.locator(f"#{ids.SEARCH} input, .dash-dropdown-search").first.fill(query)
        page.wait_for_function(ONLY_OPTIONS_WITH, arg=query)  # the options arrive once the map is drawn
        shown.append(page.locator("body").inner_text())
        # A click, not Enter: Enter once (1 run in 6 here, and in CI) left the place unchosen; this test is
        # about the text shown, test_browser_app's search test covers the keyboard.
        page.get_by_role("option").first.click()
        page.wait_for_function(
            "p => new URLSearchParams(location.search).get('place') === p", arg=place, timeout=RENDER_TIMEOUT_MS
        )
        shown.append(page.locator(f"#{ids.PANEL}").inner_text())
    page.locator(f"#{ids.CHANGES_MODE} input[value='first']").check()  # the list of changes since the first day
    page.wait_for_selector(f"#{ids.CHANGES_PANEL}:not([hidden]) li", timeout=RENDER_TIMEOUT_MS)
    shown.append(page.locator("body").inner_text())
    return "\n".join(shown)


def nothing_ran(page: Any, dialogs: list[str], errors: list[str]) -> None:
    assert dialogs == []
    assert page.evaluate("window.__xssCalls") == []
    assert page.evaluate(INJECTED) == {"handlers": [], "javascriptLinks": [], "elements": [], "inlineScripts": 0}
    assert page.evaluate("window.__csp") == []  # nothing was even tried
    assert errors == []


@pytest.mark.parametrize("policy", ["on", "bypassed"])
def test_xss_payloads_in_analyst_text_show_as_text_and_never_run(
    browser: Any, xss_url: str, xss_atlas: Atlas, policy: str
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=policy == "bypassed")
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    dialogs = watch(page)
    try:
        text = show_everything(page, xss_url, xss_atlas)
        screenshot(page, f"security-xss-app-policy-{policy}")
        nothing_ran(page, dialogs, errors)
        for payload in (
            "<details open ontoggle=window.__xss(9)>",  # a place name (panel)
            "<body onload=window.__xss(10)>",  # an Arabic place name
            "</textarea><script>window.__xss(20)</script>",  # an event's source title
            "<script>window.__xss(40)</script>",  # a summary
            "<svg/onload=window.__xss(43)> Source A",  # a summary's source title
            "<style>*{display:none}</style>",  # a source title that would hide the page
            "<input autofocus onfocus=window.__xss(15)>",  # Hama's name, through the search box
        ):
            assert payload in text, payload

        page.goto(f"{xss_url}embed?date=2024-11-30&place=saraqib")
        wait_for_map_date(page, "2024-11-30")
        screenshot(page, f"security-xss-embed-policy-{policy}")
        nothing_ran(page, dialogs, errors)
        text = page.locator("body").inner_text()
        assert "Saraqib <details open ontoggle=window.__xss(9)>" in text
        assert "Taken on 28 November. <script>window.__xss(40)</script>" in text
        assert "<!--<script> swallows the page" in text  # and the page goes on after it: the map was drawn
    finally:
        context.close()
