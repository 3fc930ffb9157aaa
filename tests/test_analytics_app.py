"""The analytics views in the app, on the toy atlas: chart builders, layout, routes and callbacks as plain functions."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date
from pathlib import Path

import pytest
from dash import no_update
from test_app import component
from test_figures import CLAIMED
from toy import toy_atlas

from dashboard import analytics, analytics_layout, charts, downloads, ids
from dashboard.analytics_callbacks import Callbacks

D = date.fromisoformat
ATLAS = toy_atlas()
ANALYTICS = analytics.compute(ATLAS)
ANALYTICS_JS = Path(__file__).resolve().parent.parent / "assets" / "analytics.js"
# analytics-data.js, analytics-maps.js, analytics.js
ANALYTICS_PARTS = sorted(ANALYTICS_JS.parent.glob("analytics*.js"))


# ---------------------------------------------------------------- charts


def test_area_chart_stacks_each_factions_share_to_100_percent_and_marks_the_date() -> None:
    figure = charts.area_figure(ATLAS, ANALYTICS, D("2024-12-05"))
    areas = [t for t in figure.data if t.stackgroup]
    assert [t.name for t in areas] == ["Syrian government", "HTS-led", "SDF"]  # display order
    for i in range(len(ATLAS.dates)):
        assert sum(t.y[i] for t in areas) == pytest.approx(100)
        assert all(t.customdata[i][0] == i for t in areas)  # a click gives the date's index
    assert areas[2].y[:5] == (0, 0, 0, 0, 0)  # SDF holds nothing before 1 Dec
    assert (figure.layout.shapes[0].x0, figure.layout.shapes[0].label.text) == ("2024-12-05", "5 Dec")
    assert figure.layout.yaxis2.range == (0, 1350.0)  # km² on the first date: the same scale as 0-100 %


def test_area_chart_hover_gives_the_claimed_part_of_a_factions_share_apart() -> None:
    figure = charts.area_figure(CLAIMED, analytics.compute(CLAIMED), D("2024-12-05"))
    hts = next(t for t in figure.data if t.name == "HTS-led")
    i = list(CLAIMED.dates).index(D("2024-12-05"))
    zone = next(f for f in CLAIMED.zones[D("2024-12-05")]["features"] if f["properties"]["faction"] == "hts")
    assert hts.customdata[i][2] == f" · {60.0 / zone['properties']['area_km2']:.1%} of it claimed"
    assert hts.customdata[i - 1][2] == ""  # nothing claimed on 4 Dec
    assert "%{customdata[2]}" in hts.hovertemplate


def test_population_chart_shows_known_figures_with_the_estimate_for_places_without_one() -> None:
    figure = charts.population_figure(ATLAS, ANALYTICS, D("2024-11-26"))
    hts = next(t for t in figure.data if t.name == "HTS-led")
    assert hts.y[0] == 128840 and list(hts.customdata[0]) == [0, 2, 1, 0]
    assert hts.error_y.array[0] == 0  # no village has a figure, so Kafr Nabl adds nothing
    assert figure.layout.shapes[0].x0 == "2024-11-26"


def test_compare_map_draws_every_faction_in_its_own_colour_from_no_remote_source() -> None:
    figure = charts.compare_figure(ATLAS)
    (zones,) = figure.data
    assert list(zones.locations) == ["government", "hts", "sdf"]
    assert [c for _, c in zones.colorscale] == ["#9d0014", "#27a500", "#fff600"]
    assert list(zones.z) == [0, 1, 2] and (zones.zmin, zones.zmax) == (0, 2)
    assert zones.geojson == {"type": "FeatureCollection", "features": []}  # the browser points it at a date
    assert "http" not in json.dumps(figure.layout.map.style)


# ---------------------------------------------------------------- layout


def test_coverage_note_says_how_many_places_lack_a_figure_and_what_they_would_add() -> None:
    note = analytics_layout.coverage_note(ANALYTICS.coverage)
    assert note.startswith("Counted: places with a population figure (GeoNames) — 1 of 1 towns, 3 of 3 cities. ")
    assert "1 of 5 places have none. At the median figure of their kind (town 15,000)" in note
    assert "would add about 0.0 million to the 2.7 million counted (0% more)" in note


def test_page_has_the_changes_bar_the_second_map_the_list_and_the_section(app) -> None:
    since = component(app.layout, ids.CHANGES_SINCE)
    assert [o["value"] for o in since.options] == [d.isoformat() for d in ATLAS.dates]
    for component_id in (ids.COMPARE_MAP, ids.CHANGES_LIST, ids.AREA_CHART, ids.GOVERNORATE_TABLE):
        assert component(app.layout, component_id) is not None, component_id
    series = component(app.layout, ids.DOWNLOAD_DAY).children
    assert [li.children.id for li in series] == [f"download-day-{k}" for k in ("zones", "places", "events", "areas")]


# ---------------------------------------------------------------- routes


def test_analytics_data_is_content_hashed_cached_for_good_and_compressed(app, client) -> None:
    url = component(app.layout, ids.ANALYTICS_URL).data
    assert re.fullmatch(r"/_analytics/data-[0-9a-f]{16}\.json", url)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    data = json.loads(gzip.decompress(response.data))
    assert data["changes"]["8-9"]["count"] == 1 and len(data["changes"]) == 105
    assert data["downloads"]["zones"] == "/download/{date}/zones.geojson"
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get("/_analytics/data-0000000000000000.json").status_code == 404


@pytest.mark.parametrize(
    ("path", "filename"),
    [
        ("/download/2024-12-05/zones.geojson", "syria-control-2024-12-05-zones.geojson"),
        ("/download/all/events.csv", "syria-control-2024-11-26_2024-12-10-events.csv"),
    ],
)
def test_downloads_are_served_as_attachments(client, path: str, filename: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert b"CC BY 4.0" in response.data
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/download/2024-12-11/zones.geojson",  # no data that day
        "/download/2024-13-01/zones.geojson",
        "/download/yesterday/places.csv",
        "/download/2024-12-05/zones.csv",  # wrong extension
        "/download/2024-12-05/pictures.png",
    ],
)
def test_unknown_downloads_are_404_not_the_index_page(client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_arabic_page_links_to_arabic_files(client) -> None:
    """The series links on the Arabic page and the date links its data names carry the language; the file's leading
    lines are then Arabic; a language we do not have is a 404, as a date without a map is."""
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/?lang=ar"}).get_json()
    links = set(re.findall(r"/download/all/[^\"]*", json.dumps(layout)))
    assert links == {f"/download/all/{kind}.{ext}?lang=ar" for kind, ext in downloads.EXTENSIONS.items()}
    (url,) = set(re.findall(r"/_analytics-ar/data-[0-9a-f]+\.json", json.dumps(layout)))
    assert client.get(url).get_json()["downloads"]["zones"] == "/download/{date}/zones.geojson?lang=ar"
    arabic = client.get("/download/all/places.csv?lang=ar").get_data(as_text=True)
    assert arabic.startswith("# title: السيطرة على الأرض في سوريا")
    assert client.get("/download/all/places.csv").get_data(as_text=True).startswith("# title: Territorial control")
    assert client.get("/download/2024-12-05/zones.gpkg?lang=ar").status_code == 200
    assert client.get("/download/all/places.csv?lang=fr").status_code == 404


# ---------------------------------------------------------------- callbacks


def test_the_second_map_is_built_once_when_side_by_side_is_first_ticked() -> None:
    callbacks = Callbacks(ATLAS, "offline")
    assert callbacks.compare_map([], {}) is no_update
    figure = callbacks.compare_map(["on"], {})
    assert figure.data[0].uid == "compare-zones"
    assert callbacks.compare_map(["on"], figure.to_plotly_json()) is no_update


def test_every_clientside_function_exists_in_analytics_js(app) -> None:
    source = ANALYTICS_JS.read_text(encoding="utf-8")
    functions = [c["clientside_function"] for c in app._callback_list if c.get("clientside_function")]
    names = {f["function_name"] for f in functions if f["namespace"] == "dashboardAnalytics"}
    assert names == {"section", "changes", "compare"}
    for name in names:
        assert re.search(rf"\n    (async )?{name}\(", source), name


def test_element_ids_used_by_analytics_js_exist() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in ANALYTICS_PARTS)
    used = set(re.findall(r'getElementById\("([a-z-]+)"\)', source))
    used |= {s for s in re.findall(r"#([a-z][a-z-]+)[ \"\[]", source) if not re.fullmatch("[0-9a-f]{6}", s)}
    used |= set(re.findall(r'(?:trigger ===|set\()\s*"([a-z-]+)"', source))
    known = {value for name, value in vars(ids).items() if name.isupper()}
    assert used and used <= known, used - known
