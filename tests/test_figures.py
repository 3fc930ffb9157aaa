"""The figure builder on the toy atlas: traces, colours, legend shares, offline style, per-date updates."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from toy import DATES, D, toy_atlas

from dashboard import figures

ATLAS = toy_atlas()
ZONES = ("government", "hts", "sdf")


def zone_traces(fig: go.Figure) -> list[go.Choroplethmap]:
    return [t for t in fig.data if t.type == "choroplethmap"]


def places_trace(fig: go.Figure) -> go.Scattermap:
    return next(t for t in fig.data if t.uid == "places")


def test_one_zone_trace_per_faction_in_display_order_then_halo_and_places() -> None:
    fig = figures.map_figure(ATLAS, D("2024-11-26"))
    assert [t.uid for t in fig.data] == ["zone-government", "zone-hts", "zone-sdf", "places-halo", "places"]
    assert [t.type for t in fig.data] == ["choroplethmap"] * 3 + ["scattermap"] * 2


def test_colours_and_order_are_the_same_on_every_date() -> None:
    def colours(day: str) -> list[tuple[str, tuple]]:
        return [(t.uid, t.colorscale) for t in zone_traces(figures.map_figure(ATLAS, D(day)))]

    assert colours("2024-11-26") == colours("2024-12-10")
    assert [t.colorscale[0][1] for t in zone_traces(figures.map_figure(ATLAS, D("2024-12-10")))] == [
        "#9d0014",
        "#27a500",
        "#fff600",
    ]


def test_each_zone_trace_holds_only_its_factions_zone_of_that_day() -> None:
    fig = figures.map_figure(ATLAS, D("2024-11-26"))
    government, hts, sdf = zone_traces(fig)
    assert government.locations == ("government",)
    assert government.geojson["features"][0]["geometry"]["coordinates"][0][0] == [36.0, 34.0]
    assert hts.geojson["features"][0]["properties"]["date"] == "2024-11-26"
    # SDF holds nothing yet: a zero-area stand-in keeps it in the legend, in its place.
    assert sdf.locations == ("sdf",) and sdf.geojson["features"][0]["properties"]["area_km2"] == 0.0


def test_legend_names_carry_each_factions_share_of_the_day() -> None:
    # 26 Nov: HTS west of 36.0 (0.5° of 4.5°), government the rest; SDF holds nothing.
    names = [t.name for t in zone_traces(figures.map_figure(ATLAS, D("2024-11-26")))]
    assert names == ["Syrian government · 88.9%", "HTS-led · 11.1%", "SDF · 0.0%"]
    assert all(t.showlegend for t in zone_traces(figures.map_figure(ATLAS, D("2024-11-26"))))


def test_shares_sum_to_one() -> None:
    for day in DATES:
        assert sum(figures.shares(ATLAS, day).values()) == pytest.approx(1.0)


def test_place_markers_are_coloured_by_holder_on_the_day_and_skip_anchors() -> None:
    before, after = (places_trace(figures.map_figure(ATLAS, D(d))) for d in ("2024-12-04", "2024-12-05"))
    assert list(before.customdata) == ["aleppo", "hama", "idlib", "morek"]  # no villages or anchors
    hama = 1
    assert before.marker.color[hama] == "#9d0014" and after.marker.color[hama] == "#27a500"
    assert "Hama</b> · حماة" in after.hovertext[hama] and "HTS-led" in after.hovertext[hama]
    assert list(after.text) == ["Aleppo", "Hama", "Idlib", ""]  # labels for cities only


def test_offline_style_has_no_remote_source_glyphs_or_sprite() -> None:
    fig = figures.map_figure(ATLAS, D("2024-12-05"))
    style = fig.layout.map.style
    assert isinstance(style, dict)
    assert "glyphs" not in style and "sprite" not in style
    assert "http" not in json.dumps(style)
    assert {s["type"] for s in style["sources"].values()} == {"geojson"}
    ids = [layer["id"] for layer in style["layers"]]
    assert ids[0] == "background" and "country-line" in ids
    assert zone_traces(fig)[0].below == "governorates" and "governorates" in ids  # borders drawn over the zones


def test_online_basemap_is_a_named_style_with_outlines_as_layers() -> None:
    fig = figures.map_figure(ATLAS, D("2024-12-05"), basemap="carto-positron")
    assert fig.layout.map.style == "carto-positron"
    assert len(fig.layout.map.layers) == 2
    assert zone_traces(fig)[0].below == ""


def test_view_attribution_as_of_and_uirevision() -> None:
    fig = figures.map_figure(ATLAS, D("2024-12-05"))
    assert fig.layout.map.center.lat == figures.CENTER["lat"] and fig.layout.map.zoom == figures.ZOOM
    assert fig.layout.map.uirevision == fig.layout.uirevision == figures.UIREVISION
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0] == "<b>As of 5 December 2024</b>"
    assert texts[1] == "Toy data<br>Natural Earth (public domain)"


def test_date_update_matches_what_map_figure_draws_for_that_day() -> None:
    """The browser's per-date update and the figure builder can never disagree."""
    day = D("2024-12-05")
    fig = figures.map_figure(ATLAS, D("2024-11-26"))
    update = figures.date_update(ATLAS, day)
    data = json.loads(json.dumps(update["data"]))
    expected = figures.map_figure(ATLAS, day)
    traces = figures.browser_data(ATLAS)["traces"]
    assert [expected.data[i].uid for i in traces] == ["zone-government", "zone-hts", "zone-sdf", "places"]
    for key, values in data.items():
        for index, value in zip(traces, values, strict=True):
            if value is None:
                continue
            fig.data[index].update({key: value})
    fig.update_layout(update["layout"])
    assert fig.to_plotly_json() == expected.to_plotly_json()


def test_browser_data_has_every_date_and_holders() -> None:
    data = figures.browser_data(ATLAS)
    assert data["dates"][0] == "2024-11-26" and len(data["updates"]) == len(DATES) == 15
    assert data["labels"][9] == "5 December 2024"
    assert data["holders"][8]["hama"] == "government" and data["holders"][9]["hama"] == "hts"
    assert data["factions"]["sdf"] == {"label": "SDF", "colour": "#fff600", "ink": "#111111"}
    assert data["places"]["hama"] == {"lat": 35.13, "lon": 36.76}
    assert data["bounds"] == [[35.5, 34.0], [40.0, 37.0]]
    json.dumps(data)  # serialisable as it is


def test_ink_is_dark_on_light_colours_and_light_on_dark() -> None:
    assert figures.ink("#fff600") == "#111111"
    assert figures.ink("#9d0014") == "#ffffff"
