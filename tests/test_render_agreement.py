"""One date drawn through every path (the app's figure, the live map's layers, the static figure of exports and
/embed, the replay's frames, the comparison map) agrees with the map spec on layers, colours, legend entries and
shares: three dates, English and Arabic, with and without a focused place. A new colour in factions.csv reaches
all of them with no code change."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from toy import D, toy_atlas

from dashboard import charts, export, figures, text
from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import load_atlas
from dashboard.model import Atlas
from dashboard.render import spec as map_spec
from dashboard.render.traces import evaluate, layer

ATLAS = toy_atlas()
DAYS = (D("2024-11-26"), D("2024-12-05"), D("2024-12-10"))
CASES = [(day, lang, focus) for day in DAYS for lang in text.LANGS for focus in (None, "hama")]


def zone_colour(trace: dict[str, Any]) -> str:
    return trace["colorscale"][0][1]


def zones_of(traces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in traces if str(t.get("uid", "")).startswith("zone-")]


def places_of(traces: list[dict[str, Any]]) -> dict[str, Any]:
    return next(t for t in traces if t.get("uid") == "places")


def expected(spec: map_spec.MapSpec) -> dict[str, Any]:
    """What every renderer must show, read from the spec alone."""
    fill = layer(spec, "zones")["paint"]["fill-color"]
    markers = layer(spec, "markers")["paint"]["circle-color"]
    return {
        "legend": [e["text"] for e in spec["legend"]["entries"]],
        "colours": [evaluate(fill, {"faction": e["faction"]}) for e in spec["legend"]["entries"]],
        "markers": [evaluate(markers, f["properties"]) for f in spec["markers"]["features"]],
        "claimed": spec["legend"]["claimed"],
    }


@pytest.mark.parametrize(("day", "lang", "focus"), CASES)
def test_static_figure_and_replay_draw_the_spec(day: date, lang: str, focus: str | None) -> None:
    spec = map_spec.map_spec(ATLAS, day, lang=lang, focus=focus)
    want = expected(spec)
    static = export.static_figure(ATLAS, day, lang=lang, place=focus)
    zones = zones_of(static["data"])
    assert [t["name"] for t in zones] == want["legend"]
    assert [zone_colour(t) for t in zones] == want["colours"]
    assert list(places_of(static["data"])["marker"]["color"]) == want["markers"]
    claimed = next(t for t in static["data"] if t.get("uid") == "claimed-hatch-0")
    assert claimed["name"] == want["claimed"]
    assert claimed["line"]["color"] == map_spec.CLAIMED_HATCH["stripes"][0]["colour"]
    assert static["layout"]["legend"]["title"]["text"] == spec["legend"]["title"]
    assert static["layout"]["title"]["text"] == spec["title"]
    marked = [t for t in static["data"] if t.get("marker", {}).get("size") == 24]
    assert [t["text"] for t in marked] == ([[f"<b>{spec['focus']['name']}</b>"]] if focus else [])
    # Every labelled place's name once: the focused place's only in bold, by its ring.
    names = {f["properties"]["id"]: f["properties"]["text"] for f in spec["markers"]["features"]}
    assert focus is None or names[focus]  # a place with a label of its own
    labels = {**names, **({focus: ""} if focus else {})}
    assert dict(zip(places_of(static["data"])["customdata"], places_of(static["data"])["text"], strict=True)) == labels
    # The replay (the HTML export and /embed) shows the same on that date, whichever date it starts from.
    replay = export.Replay(ATLAS, lang)
    figure = replay.figure(start=DAYS[0], place=focus)
    frame = next(f for f in figure["frames"] if f["name"] == day.isoformat())
    shown = [dict(figure["data"][i], **t) for i, t in zip(frame["traces"], frame["data"], strict=True)]
    assert [t["name"] for t in zones_of(shown)] == want["legend"]
    assert list(places_of(shown)["marker"]["color"]) == want["markers"]
    assert dict(zip(places_of(shown)["customdata"], places_of(shown)["text"], strict=True)) == labels
    assert frame["layout"]["title"]["text"] == spec["title"]


@pytest.mark.parametrize("day", DAYS)
def test_app_figure_and_live_map_draw_the_spec(day: date) -> None:
    spec = map_spec.map_spec(ATLAS, day)
    want = expected(spec)
    fig = figures.map_figure(ATLAS, day).to_plotly_json()
    zones = zones_of(fig["data"])
    assert [t["name"] for t in zones] == want["legend"]
    assert [zone_colour(t) for t in zones] == want["colours"]
    assert list(places_of(fig["data"])["marker"]["color"]) == want["markers"]
    # The live map: the spec's layers for the date, as map.js adds them, and the key's text.
    data = json.loads(json.dumps(figures.browser_data(ATLAS)))
    i = ATLAS.dates.index(day)
    assert list(data["legend"][i].values()) == want["legend"]
    assert data["zones"][i] == json.loads(json.dumps(spec["zones"]))
    by_id = {ly["id"]: ly for ly in spec["layers"]}
    for drawn in data["layers"]["dated"][i]:
        paint = json.loads(json.dumps(by_id[drawn["layer"]]["paint"]).replace('"holder"', f'"{data["holderKeys"][i]}"'))
        assert (drawn["type"], drawn["paint"], drawn["filter"]) == (
            by_id[drawn["layer"]]["type"],
            paint,
            by_id[drawn["layer"]].get("filter"),
        )
    markers = [f["properties"] for f in data["markers"]["features"]]
    drawn_markers = next(ly for ly in data["layers"]["dated"][i] if ly["layer"] == "markers")
    assert [evaluate(drawn_markers["paint"]["circle-color"], p) for p in markers] == want["markers"]
    # The key beside the live map.
    assert [row[2] for row in figures.key_rows(ATLAS, day)] == want["legend"]


def test_comparison_map_uses_the_specs_colours_and_opacity() -> None:
    spec = map_spec.map_spec(ATLAS, ATLAS.dates[-1])
    trace = charts.compare_figure(ATLAS).data[0]
    assert [c for _, c in trace.colorscale] == expected(spec)["colours"]
    assert trace.marker.opacity == layer(spec, "zones")["paint"]["fill-opacity"]


@pytest.fixture(scope="module")
def recoloured(tmp_path_factory: pytest.TempPathFactory) -> Atlas:
    """The shipped data with the SDF's colour changed in factions.csv, and nothing else."""
    folder = tmp_path_factory.mktemp("data") / "geo"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    csv = folder / "factions.csv"
    rows = csv.read_text(encoding="utf-8").splitlines()
    assert sum(",#fff600," in row for row in rows) == 1
    csv.write_text("\n".join(row.replace(",#fff600,", ",#123456,") for row in rows) + "\n", encoding="utf-8")
    return load_atlas(Path(folder))


def test_a_colour_changed_in_factions_csv_reaches_every_renderer(recoloured: Atlas) -> None:
    day = recoloured.dates[-1]
    spec = map_spec.map_spec(recoloured, day)
    assert "#123456" in expected(spec)["colours"]
    assert "#fff600" not in json.dumps(spec)
    assert "#123456" in [zone_colour(t) for t in zones_of(figures.map_figure(recoloured, day).to_plotly_json()["data"])]
    static = export.static_figure(recoloured, day, lang="ar")
    assert "#123456" in [zone_colour(t) for t in zones_of(static["data"])]
    browser = json.dumps(figures.browser_data(recoloured))
    assert "#123456" in browser and "#fff600" not in browser
    assert "#123456" in [c for _, c in charts.compare_figure(recoloured).data[0].colorscale]
