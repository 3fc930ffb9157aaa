"""/embed on the toy atlas: the parameter allowlist (validated, clamped, notices), the page, framing, downloads."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

import brotli
import plotly
import pytest
from toy import D, toy_atlas

from dashboard import analytics, charts, embed, export, ids
from dashboard.app import create_app
from dashboard.config import Settings
from dashboard.embed import EmbedQuery, parse_query
from dashboard.figures import live_figure
from dashboard.routes import DASH_PLOTLY_PATH, LIVE_PLOTLY_JS, LIVE_TRACES

ATLAS = toy_atlas()
LAST = ATLAS.dates[-1]
WEST, SOUTH, EAST, NORTH = export.region(ATLAS)


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(embed_origins=("http://127.0.0.2:8000",)), ATLAS).server.test_client()


def test_no_parameters_give_the_defaults_without_a_notice() -> None:
    assert parse_query({}, ATLAS) == EmbedQuery(day=LAST)


def test_every_allowed_parameter_is_read() -> None:
    args = {"date": "2024-12-05", "place": "hama", "controls": "0", "legend": "off", "play": "1", "lang": "ar"}
    query = parse_query({**args, "bbox": "36,34.5,38,36.5"}, ATLAS)
    assert query == EmbedQuery(D("2024-12-05"), "hama", (36.0, 34.5, 38.0, 36.5), False, False, True, "ar")


@pytest.mark.parametrize(
    ("args", "notice", "field", "value"),
    [
        ({"date": "2024-13-45"}, "The date “2024-13-45” must be YYYY-MM-DD", "day", LAST),
        ({"date": "2023-01-01"}, "showing 2024-11-26", "day", D("2024-11-26")),
        ({"date": "2025-06-01"}, "showing 2024-12-10", "day", LAST),
        ({"place": "<script>"}, "Unknown place.", "place", None),  # markup sent is never repeated
        ({"controls": "maybe"}, "“controls” must be 1 or 0, not “maybe”: using 1.", "controls", True),
        ({"play": "2"}, "“play” must be 1 or 0", "play", False),
        ({"lang": "fr"}, "Unknown language “fr” (en or ar): showing en.", "lang", "en"),
        ({"evil": "1"}, "Ignored unknown parameter “evil”.", "view", None),
        ({"bbox": "1,2,3"}, "“bbox” must be west,south,east,north", "view", None),
        ({"bbox": "40,30,36,35"}, "is empty or outside the map", "view", None),
        ({"bbox": "nan,30,36,35"}, "“bbox” must be", "view", None),
        ({"zoom": "banana"}, "“zoom” must be a number", "view", None),
    ],
)
def test_unusable_values_fall_back_with_a_notice(args: dict[str, str], notice: str, field: str, value: object) -> None:
    query = parse_query(args, ATLAS)
    assert notice in " ".join(query.notices)
    if field != "view":
        assert getattr(query, field) == value


def test_every_notice_and_word_of_the_arabic_embed_is_arabic(client) -> None:
    """Notices speak the page's language whatever went wrong; what stays Latin is what the address itself said
    (parameter names and values), the format YYYY-MM-DD and dates written as ISO."""
    args = {"date": "2024-13-45", "place": "nowhere", "controls": "maybe", "evil": "1", "worse": "2", "zoom": "x",
            "bbox": "1,2,3", "center": "90,36.7", "lang": "ar"}  # fmt: skip
    query = parse_query(args, ATLAS)
    assert len(query.notices) == 6
    kept = re.compile(r"“[^”]*”|YYYY-MM-DD|\d{4}-\d{2}-\d{2}|\b(bbox|center|zoom|controls|day|first)\b")
    assert [n for n in query.notices if re.search("[A-Za-z]", kept.sub("", n))] == []
    body = client.get("/embed?lang=ar&evil=1").get_data(as_text=True)
    assert "تم تجاهل معامل غير معروف “evil”." in body and "المس الخريطة لتحريكها وتكبيرها" in body
    assert 'aria-label="الخريطة"' in body and "Tap to move" not in body


def test_out_of_range_values_are_clamped_with_a_notice() -> None:
    query = parse_query({"bbox": "0,0,38,36"}, ATLAS)
    assert query.view == (WEST, SOUTH, 38.0, 36.0) and "“bbox” clamped to the map" in query.notices[0]
    zoomed = parse_query({"center": "90,36.7", "zoom": "40"}, ATLAS)
    assert "“center” clamped" in zoomed.notices[0] and "“zoom” clamped to 12" in zoomed.notices[1]
    west, south, east, north = zoomed.view or (0, 0, 0, 0)
    assert (south + north) / 2 == pytest.approx(NORTH) and east - west < 0.1


def test_center_and_zoom_give_a_view_around_the_centre_and_bbox_wins_over_them() -> None:
    west, south, east, north = parse_query({"center": "35.13,36.76", "zoom": "7.6"}, ATLAS).view or (0, 0, 0, 0)
    assert ((west + east) / 2, (south + north) / 2) == pytest.approx((36.76, 35.13))
    assert east - west == pytest.approx((EAST - WEST) / 4)  # two levels in from the app's zoom: a quarter
    both = parse_query({"center": "35,36", "zoom": "8", "bbox": "36,34.5,38,36.5"}, ATLAS)
    assert both.view == (36.0, 34.5, 38.0, 36.5) and "ignored: “bbox” is given" in both.notices[0]


def embed_data(body: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="embed-data">(.*?)</script>', body, re.S)[1])


def test_embed_page_has_title_text_alternative_place_and_escaped_notices(client) -> None:
    body = client.get("/embed?date=2024-12-05&place=hama&foo=<b>x</b>").get_data(as_text=True)
    assert "<title>Who controls what in Syria · 5 December 2024</title>" in body
    assert "Control of territory in Syria on 5 December 2024 (share of area): " in body
    assert "Ignored unknown parameter “foo”." in body and "<b>x</b>" not in body
    assert "Hama fell on 5 December" in body and f'id="{ids.EMBED_HOLDER}"' in body
    data = embed_data(body)
    assert data["holders"]["2024-12-05"]["label"] == "HTS-led" and data["holders"]["2024-12-04"]["label"] != "HTS-led"
    assert "frames" not in data["figure"] and data["play"] is False  # fetched apart: the test below
    assert re.search(r'<script src="/_embed/plotly-embed-[\d.]+\.min\.js"></script>', body)
    assert "<script>" not in body  # no inline script: the CSP allows none


def test_the_embed_fetches_every_date_apart_from_its_first_view(client) -> None:
    """The page carries one date's drawing; the others are one content-addressed file per language, cached for good."""
    pages = {lang: client.get(f"/embed?lang={lang}").get_data(as_text=True) for lang in ("en", "ar")}
    urls = {lang: embed_data(body)["frames"] for lang, body in pages.items()}
    assert urls["en"] != urls["ar"]
    for lang, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
        frames = response.get_json()
        assert [f["name"] for f in frames] == [d.isoformat() for d in ATLAS.dates]
        assert frames == json.loads(json.dumps(export.Replay(ATLAS, lang).frames))
    assert client.get(urls["en"].replace("data-", "data-0")).status_code == 404  # another version's address


def test_the_arabic_embed_keeps_the_holder_badge_in_arabic_on_every_date(client) -> None:
    """embed.js rewrites the badge on each date from the page's data: that data is the panel's badge, in Arabic."""
    data = embed_data(client.get("/embed?date=2024-12-05&place=hama&lang=ar").get_data(as_text=True))
    labels = {f.id: f.label_ar for f in ATLAS.timeline.factions}
    assert data["holders"]["2024-12-05"]["label"] == labels["hts"]
    assert all(holder["label"] in labels.values() for holder in data["holders"].values())


def test_embed_without_controls_or_legend(client) -> None:
    body = client.get("/embed?controls=0&legend=0&lang=ar").get_data(as_text=True)
    layout = embed_data(body)["figure"]["layout"]
    assert "sliders" not in layout and layout["showlegend"] is False and "كانون الأول" in layout["title"]["text"]
    assert f'id="{ids.SLIDER}"' not in body and f'id="{ids.MAP_KEY}"' not in body


def test_embed_controls_and_key_are_page_elements_around_a_bare_map(client) -> None:
    body = client.get("/embed?date=2024-12-05").get_data(as_text=True)
    layout = embed_data(body)["figure"]["layout"]
    assert "sliders" not in layout and "updatemenus" not in layout and layout["showlegend"] is False
    assert "<main>" in body and "<h1>Who controls what in Syria · " in body
    assert f'<input type="range" id="{ids.SLIDER}" min="0" max="{len(ATLAS.dates) - 1}"' in body
    assert 'aria-label="Previous day"' in body and 'aria-label="Next day"' in body
    assert f'id="{ids.MAP_KEY}"' in body and "<b>Control</b>" in body and "Natural Earth" in body


def test_framing_is_allowed_on_embed_only(client) -> None:
    framed = client.get("/embed")
    assert "frame-ancestors http://127.0.0.2:8000" in framed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in framed.headers
    for path in ("/", "/embedx", "/embed-not", f"{embed.PLOTLY_PATH}"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Frame-Options"] == "DENY", path


def test_plotly_is_served_locally_for_the_embed(client) -> None:
    response = client.get(embed.PLOTLY_PATH)
    assert response.status_code == 200 and response.data == embed.PLOTLY_JS.read_bytes()
    assert "Content-Encoding" not in response.headers


@pytest.mark.parametrize(("accepted", "encoding"), [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip")])
def test_the_embeds_plotly_is_compressed_once_at_the_highest_level(client, accepted: str, encoding: str) -> None:
    """Brotli where the browser takes it (at quality 11: smaller than gzip at 9, which the per-response level of
    brotli, 4, is not), else gzip at 9; the same bytes once decoded."""
    response = client.get(embed.PLOTLY_PATH, headers={"Accept-Encoding": accepted})
    assert response.headers["Content-Encoding"] == encoding and "Accept-Encoding" in response.headers["Vary"]
    decode = brotli.decompress if encoding == "br" else gzip.decompress
    raw = embed.PLOTLY_JS.read_bytes()
    assert decode(response.data) == raw
    per_response = brotli.compress(raw, quality=4) if encoding == "br" else gzip.compress(raw, 6)
    assert len(response.data) < len(per_response) * (0.85 if encoding == "br" else 1)


BUNDLES = [(export.PLOTLY_JS, "geo", 1 / 3), (LIVE_PLOTLY_JS, "map", 2 / 3), (embed.PLOTLY_JS, "embed", 0.3)]


@pytest.mark.parametrize(("bundle", "name", "share"), BUNDLES)
def test_the_vendored_plotly_bundles_are_of_the_version_the_python_package_ships(
    bundle: Path, name: str, share: float
) -> None:
    """A part of the full build; after an upgrade of plotly, vendor/plotly/fetch.sh must run again (a figure made by
    one plotly.js version and drawn by another may draw wrong), and its brotli form must be the bundle's."""
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    version = re.compile(r"plotly\.js (?:\((?:geo|map|embed) - minified\) )?v(\d+\.\d+\.\d+)")
    shipped, vendored = (version.search(path.read_text(encoding="utf-8")[:200]) for path in (full, bundle))
    assert shipped and vendored and vendored.group(1) == shipped.group(1)
    assert f"({name} - minified)" in bundle.read_text(encoding="utf-8")[:200]
    assert bundle.stat().st_size < full.stat().st_size * share
    assert brotli.decompress(bundle.with_name(f"{bundle.name}.br").read_bytes()) == bundle.read_bytes()


def test_the_live_app_loads_plotlys_map_bundle_where_dash_loads_plotly_js(client) -> None:
    """Dash's Graph asks this address for plotly.js: the app answers with the map bundle, brotli-compressed, and
    304 once the browser has it."""
    path = f"/{DASH_PLOTLY_PATH}"
    response = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data) == LIVE_PLOTLY_JS.read_bytes()
    again = client.get(path, headers={"Accept-Encoding": "gzip, br", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_every_figure_the_live_app_draws_is_of_a_trace_type_the_map_bundle_has() -> None:
    """The map bundle has no bar, pie or geo traces: a chart that needs one must change bundles too."""
    stats = analytics.compute(ATLAS)
    figures = [
        live_figure(ATLAS),
        charts.area_figure(ATLAS, stats, LAST),
        charts.population_figure(ATLAS, stats, LAST),
        charts.compare_figure(ATLAS),
    ]
    types = {trace.type for figure in figures for trace in figure.data}
    assert "scattermap" in types and types <= LIVE_TRACES


def test_unknown_download_format_is_404(client) -> None:
    assert client.get("/export/exe").status_code == 404


def test_html_download_is_an_attachment_and_is_cached(client) -> None:
    first = client.get("/export/html?date=nonsense&lang=en")
    assert first.status_code == 200
    assert first.headers["Content-Disposition"] == 'attachment; filename="syria-control-replay.html"'
    assert client.get("/export/html").data == first.data


def texts(component: object) -> list[str]:
    """Every string in a Dash component tree, in order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [t for child in component for t in texts(child)]
    return texts(getattr(component, "children", None) or [])


def test_embed_and_the_app_draw_one_place_panel(client) -> None:
    """One renderer (render.panel): the /embed page holds the app panel's head and body, text for text."""
    from dashboard import layout
    from dashboard.summary import place_panel

    content = place_panel(ATLAS, "hama", D("2024-12-05"))
    assert content is not None
    body = client.get("/embed?date=2024-12-05&place=hama").get_data(as_text=True)
    section = body.split('<section class="place"', 1)[1].split("</section>", 1)[0]
    shown = "".join(html.unescape(t) for t in re.findall(r">([^<]+)<", section))
    head, body = "".join(texts(layout.panel_head(content))), "".join(texts(layout.panel_body(content)))
    assert shown == f"{head}Held by HTS-led{body}"
    assert "Control history" in body and "Hama fell on 5 December after a week of fighting." in body


def test_every_figure_the_embed_draws_needs_only_what_its_plotly_build_has(client) -> None:
    """The embed's plotly.js (vendor/plotly/embed) draws scattergeo and choropleth traces, without Plotly's menus,
    sliders or images, in Mercator only: a figure that needs more must change that build too."""
    data = embed_data(client.get("/embed?date=2024-12-05&place=hama&lang=ar").get_data(as_text=True))
    frames = client.get(data["frames"]).get_json()
    traces = [*data["figure"]["data"], *(trace for frame in frames for trace in frame["data"])]
    assert len(frames) == len(ATLAS.dates) and {trace["type"] for trace in traces} <= embed.TRACES
    assert data["figure"]["layout"]["geo"]["projection"]["type"] == "mercator"  # d3-geo's: the build has no other
    layouts = [data["figure"]["layout"], *(frame.get("layout", {}) for frame in frames)]
    assert not [key for layout in layouts for key in ("sliders", "updatemenus", "shapes", "images") if layout.get(key)]
