"""The figure builder on the toy atlas: traces, colours, legend shares, claimed ground, offline style, and the
data the browser draws every date from."""

from __future__ import annotations

import dataclasses
import itertools
import json

import plotly.graph_objects as go
import pytest
import shapely
from shapely.geometry import shape
from toy import DATES, D, square, toy_atlas

from dashboard import figures
from dashboard.render import spec as map_spec

ATLAS = toy_atlas()
ZONES = ("government", "hts", "sdf")
# HTS's claim to the ground round Hama (36.6-37.0°E) on 5 Dec and after, a square of 0.4° × 0.5°.
CLAIMED_HAMA = {
    "type": "Feature",
    "properties": {"faction": "hts", "date": "", "confidence": "claimed", "area_km2": 60.0},
    "geometry": square(36.6, 34.9, 37.0, 35.4),
}
CLAIMED = dataclasses.replace(
    ATLAS,
    claimed={d: {"type": "FeatureCollection", "features": [CLAIMED_HAMA][: d >= D("2024-12-05")]} for d in DATES},
)


def zone_traces(fig: go.Figure) -> list[go.Choroplethmap]:
    return [t for t in fig.data if t.uid.startswith("zone-")]


def places_trace(fig: go.Figure) -> go.Scattermap:
    return next(t for t in fig.data if t.uid == "places")


def test_one_zone_trace_per_faction_in_display_order_then_claimed_ground_halo_and_places() -> None:
    fig = figures.map_figure(ATLAS, D("2024-11-26"))
    uids = ["zone-government", "zone-hts", "zone-sdf", "claimed", "claimed-hatch-0", "claimed-hatch-1", "places-halo",
            "places"]  # fmt: skip
    assert [t.uid for t in fig.data] == uids
    assert [t.type for t in fig.data] == ["choroplethmap"] * 4 + ["scattermap"] * 4


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
        assert sum(map_spec.shares(ATLAS, day).values()) == pytest.approx(1.0)


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
    assert style["transition"] == {"duration": 0, "delay": 0}  # a date step is one frame
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
    assert fig.layout.map.center.lat == map_spec.CENTER["lat"] and fig.layout.map.zoom == map_spec.ZOOM
    assert fig.layout.map.uirevision == fig.layout.uirevision == figures.UIREVISION
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0] == "<b>As of 5 December 2024</b>"
    assert texts[1] == "Toy data<br>Natural Earth (public domain)"


def test_claimed_ground_is_hatched_with_the_specs_stripes_clipped_to_it_and_has_a_legend_entry() -> None:
    fill, dark, light = (t for t in figures.map_figure(CLAIMED, D("2024-12-05")).data if t.legendgroup == "claimed")
    assert dark.name == "Claimed only — one side's claim, not confirmed" and dark.showlegend
    assert not fill.showlegend and not light.showlegend
    (feature,) = fill.geojson["features"]
    assert feature["geometry"] == CLAIMED_HAMA["geometry"] and fill.locations == ("hts",)
    assert feature["properties"]["confidence"] == "claimed"  # the data's class, kept for styling and hover
    assert fill.text == ("<b>Claimed only</b><br>by HTS-led: 60 km² (one side's claim, not confirmed)",)
    assert fill.colorscale[0][1] == "rgba(0,0,0,0)" and fill.marker.line.color == map_spec.CLAIMED_OUTLINE
    assert fill.below == "governorates"  # under the borders, like the zones
    stripes = map_spec.CLAIMED_HATCH["stripes"]
    assert [(t.line.color, t.line.width) for t in (dark, light)] == [
        (s["colour"], map_spec.CLAIMED_HATCH["width"]) for s in stripes
    ]
    ground = shape(CLAIMED_HAMA["geometry"])
    for stripe in (dark, light):
        points = [shapely.Point(x, y) for x, y in zip(stripe.lon, stripe.lat, strict=True) if x is not None]
        assert points and all(ground.distance(pt) < 1e-4 for pt in points)  # clipped to the ground
        pieces = [i for i, x in enumerate(stripe.lon) if x is None]
        assert len(pieces) >= 5  # many stripes across a 0.5° square, not one
        x0, y0, x1, y1 = stripe.lon[0], stripe.lat[0], stripe.lon[1], stripe.lat[1]
        assert (x1 - x0) * (y1 - y0) > 0  # "/" like the live map's tile


def test_a_day_without_claimed_ground_keeps_the_legend_entry_and_draws_nothing() -> None:
    fill, dark, light = (t for t in figures.map_figure(CLAIMED, D("2024-12-04")).data if t.legendgroup == "claimed")
    assert fill.geojson["features"][0]["properties"]["area_km2"] == 0.0
    assert dark.lon == light.lon == () and dark.showlegend


def test_live_figure_is_map_figure_without_anything_that_changes_by_date() -> None:
    live = figures.live_figure(CLAIMED).to_plotly_json()
    static = figures.map_figure(CLAIMED, D("2024-12-05")).to_plotly_json()
    assert [t["uid"] for t in live["data"]] == ["places"]  # the halos are map.js's, as browser_data gives them
    (markers,) = live["data"]
    assert markers["marker"]["opacity"] == 0 and markers["hoverinfo"] == "none"  # hover and click targets
    assert "hovertext" not in markers and markers["customdata"] == ["aleppo", "hama", "idlib", "morek"]
    assert live["layout"]["showlegend"] is False and "meta" not in live["layout"]
    assert live["layout"]["annotations"] == static["layout"]["annotations"][1:]  # the attribution, no date
    live_map, static_map = live["layout"]["map"], static["layout"]["map"]
    assert {**live_map, "style": None} == {**static_map, "style": None}  # the same view
    # the sea only: the base layers come once, with the browser data, for map.js and the first paint
    sources = live_map["style"]["sources"].values()
    assert [layer["id"] for layer in live_map["style"]["layers"]] == ["background"]
    assert [source["data"]["features"] for source in sources] == [[]]
    assert figures.browser_data(CLAIMED)["base"] == figures.one_source(static_map["style"])
    assert figures.browser_data(CLAIMED, "carto-positron")["base"] is None  # a remote basemap has its own


def test_one_source_draws_each_layer_with_the_features_and_paint_it_had() -> None:
    style = map_spec.offline_style(ATLAS.base_layers)
    merged = figures.one_source(style)
    assert list(merged["sources"]) == ["base"]
    features = merged["sources"]["base"]["data"]["features"]
    assert len(features) == sum(len(s["data"]["features"]) for s in style["sources"].values())
    for before, after in zip(style["layers"], merged["layers"], strict=True):
        assert (after["id"], after["type"], after["paint"]) == (before["id"], before["type"], before["paint"])
        if before["type"] == "background":
            assert after == before
            continue
        op, (get, key), name = after["filter"]
        assert (op, get, after["source"]) == ("==", "get", "base")
        drawn = [f for f in features if f["properties"][key] == name]
        had = style["sources"][before["source"]]["data"]["features"]
        assert [f["geometry"] for f in drawn] == [f["geometry"] for f in had]
        assert [{k: v for k, v in f["properties"].items() if k != key} for f in drawn] == [f["properties"] for f in had]


def test_browser_data_draws_every_date_as_map_figure_draws_it() -> None:
    """What map.js switches between is, date by date, exactly what `map_figure` draws."""
    data = json.loads(json.dumps(figures.browser_data(CLAIMED)))
    markers = data["markers"]["features"]
    for i, day in enumerate(DATES):
        fig = figures.map_figure(CLAIMED, day)
        zones = zone_traces(fig)
        veil = next(t for t in fig.data if t.uid == "claimed")
        places = places_trace(fig)
        held = [t for t in zones if t.geojson["features"][0]["properties"]["area_km2"] > 0]
        drawn = [f for f in data["zones"][i]["features"] if f["properties"]["kind"] == "zone"]
        assert [f["geometry"] for f in drawn] == [t.geojson["features"][0]["geometry"] for t in held]
        assert [f["properties"]["faction"] for f in drawn] == [t.locations[0] for t in held]
        assert [hover(f) for f in drawn] == [t.text[0] for t in held]
        claimed = [f for f in data["zones"][i]["features"] if f["properties"]["kind"] == "claimed"]
        assert [f["geometry"] for f in claimed] == [f["geometry"] for f in map_spec.claimed_features(CLAIMED, day)]
        assert [hover(f) for f in claimed] == (list(veil.text) if claimed else [])
        assert list(data["legend"][i].values()) == [t.name for t in zones]
        assert list(data["legend"][i]) == [t.locations[0] for t in zones]
        assert f"<b>{data['asOf'][i]}</b>" == fig.layout.annotations[0].text
        holders = [data["factions"][f["properties"][f"h{i}"]] for f in markers]
        assert [h["colour"] for h in holders] == list(places.marker.color)
        names = [(f["properties"]["name"], f["properties"]["ar"]) for f in markers]
        hovers = [f"<b>{en}</b> · {ar}<br>{h['label']}" for (en, ar), h in zip(names, holders, strict=True)]
        assert hovers == list(places.hovertext)
    fig = figures.map_figure(CLAIMED, DATES[0])
    places, halo = places_trace(fig), next(t for t in fig.data if t.uid == "places-halo")
    sizes = [2 * f["properties"]["r"] for f in markers]
    assert sizes == pytest.approx(list(places.marker.size))
    (drawn_halo,) = data["layers"]["once"]
    plus, _, extra = drawn_halo["paint"]["circle-radius"]
    assert plus == "+" and [size + 2 * extra for size in sizes] == pytest.approx(list(halo.marker.size))
    assert (halo.marker.color, halo.marker.opacity) == (
        drawn_halo["paint"]["circle-color"],
        drawn_halo["paint"]["circle-opacity"],
    )
    assert [f["properties"]["name"] for f in markers if f["properties"]["label"]] == [t for t in places.text if t]
    labels = next(layer for layer in data["layers"]["figure"] if layer["layer"] == "labels")
    assert (labels["layout"]["text-font"], labels["layout"]["text-size"], labels["paint"]["text-color"]) == (
        places.textfont.family,
        places.textfont.size,
        places.textfont.color,
    )
    assert data["below"] == "governorates"


def test_browser_layers_are_the_specs_layers_with_their_ids_on_the_live_map() -> None:
    """map.js adds these as given: each date's own layers, the marker colour read from that date's holder."""
    data = json.loads(json.dumps(figures.browser_data(CLAIMED)))
    spec = map_spec.map_spec(CLAIMED, DATES[3])
    dated = data["layers"]["dated"][3]
    assert [layer["id"] for layer in dated] == [
        f"date-2024-11-29-{kind}" for kind in ("zones", "borders", "claimed", "claimed-outline", "markers")
    ]
    assert {layer["source"] for layer in dated} == {"date-2024-11-29", "dates-markers"}
    by_layer = {layer["id"]: layer for layer in spec["layers"]}
    for layer in dated:
        key = data["holderKeys"][3]
        assert json.dumps(layer["paint"]) == json.dumps(by_layer[layer["layer"]]["paint"]).replace(
            '["get", "holder"]', f'["get", "{key}"]'
        )
    assert [layer["id"] for layer in data["layers"]["once"]] == ["dates-halo"]
    assert data["images"] == spec["images"]
    assert data["legend"][3] == {e["faction"]: e["text"] for e in spec["legend"]["entries"]}


def hover(feature: dict) -> str:
    """A browser feature's hover lines as the static figure writes them."""
    return f"<b>{feature['properties']['title']}</b><br>{feature['properties']['detail']}"


def test_browser_data_has_every_date_and_holders() -> None:
    data = figures.browser_data(ATLAS)
    assert data["dates"][0] == "2024-11-26" and len(data["zones"]) == len(data["legend"]) == len(DATES) == 15
    assert data["labels"][9] == "5 December 2024" and data["asOf"][9] == "As of 5 December 2024"
    hama = data["places"]["hama"]
    assert (hama["lat"], hama["lon"]) == (35.13, 36.76)
    assert hama["spells"][:2] == [
        {"start": "2024-11-26", "holder": "government"},
        {"start": "2024-12-05", "holder": "hts"},
    ]
    for place in data["places"].values():  # a spell is a run: the next starts later, with another holder
        pairs = itertools.pairwise(place["spells"])
        assert all(a["holder"] != b["holder"] and a["start"] < b["start"] for a, b in pairs)
        assert place["spells"][0]["start"] == data["dates"][0]
    assert data["factions"]["sdf"] == {"label": "SDF", "colour": "#fff600", "ink": "#111111"}
    assert data["bounds"] == [[35.5, 34.0], [40.0, 37.0]]
    json.dumps(data)  # serialisable as it is


def test_key_rows_carry_each_factions_colour_as_the_map_draws_it_and_its_share() -> None:
    rows = figures.key_rows(ATLAS, D("2024-11-26"))
    assert [(f.id, fill, text) for f, fill, text in rows] == [
        ("government", "rgba(157,0,20,0.5)", "Syrian government · 88.9%"),
        ("hts", "rgba(39,165,0,0.5)", "HTS-led · 11.1%"),
        ("sdf", "rgba(255,246,0,0.5)", "SDF · 0.0%"),
    ]


def test_ink_is_dark_on_light_colours_and_light_on_dark() -> None:
    assert map_spec.ink("#fff600") == "#111111"
    assert map_spec.ink("#9d0014") == "#ffffff"


def test_the_legend_gives_held_ground_and_the_claimed_part_of_it_apart() -> None:
    day = D("2024-12-05")
    entries = {e["faction"]: e for e in map_spec.legend(CLAIMED, day)["entries"]}
    zone_area = next(f for f in CLAIMED.zones[day]["features"] if f["properties"]["faction"] == "hts")
    part = 60.0 / zone_area["properties"]["area_km2"]
    assert entries["hts"]["claimed_km2"] == 60.0
    assert entries["hts"]["text"].endswith(f" · {part:.1%} of it claimed")
    assert "claimed" not in entries["government"]["text"]
    assert (
        "claimed" not in {e["faction"]: e for e in map_spec.legend(CLAIMED, D("2024-12-04"))["entries"]}["hts"]["text"]
    )
    arabic = {e["faction"]: e for e in map_spec.legend(CLAIMED, day, "ar")["entries"]}["hts"]["text"]
    assert f"منها \u2068{part:.1%}\u2069 ادعاء فقط" in arabic  # the number isolated (dashboard/text.py)
