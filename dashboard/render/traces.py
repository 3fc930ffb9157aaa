"""A map spec as Plotly traces (plain dicts), on a MapLibre subplot (`flavour` "map": choroplethmap,
scattermap) or an SVG geo subplot ("geo": choropleth, scattergeo) for exports and /embed.

Colours, sizes, opacities and text come from the spec's layers and legend, evaluated here as MapLibre would;
this module only translates them into Plotly's terms (a hatch becomes stripe lines clipped to the ground, where
Plotly has no pattern fill).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import shapely
from shapely.geometry import mapping, shape

from dashboard.model import GeoJSON
from dashboard.render.schema import Layer, MapSpec

Flavour = Literal["map", "geo"]
Trace = dict[str, Any]
PLACE_HOVER = "<b>{0}</b> · {1}<br>{2}"
CLEAR = "rgba(0,0,0,0)"
PLACES_UID = "places"  # the places trace (markers, names, hover), which a focus changes (geo.framed)
VIEW_PX = 1000  # the width an export's map is drawn at, roughly: the hatch's pixel size becomes degrees with it


def evaluate(value: Any, props: dict[str, Any]) -> Any:
    """A style expression's value for a feature's properties (constants, `get`, `==`, `+`, `match`), as
    assets/poster.js evaluates it."""
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        return value
    op, *args = value
    if op == "get":
        return props.get(args[0])
    if op == "==":
        return evaluate(args[0], props) == evaluate(args[1], props)
    if op == "+":
        return sum(evaluate(arg, props) for arg in args)
    if op == "match":
        key = evaluate(args[0], props)
        pairs = dict(zip(args[1:-1:2], args[2:-1:2], strict=True))
        return pairs.get(key, args[-1])
    raise ValueError(f"no {op} expression")


def layer(spec: MapSpec, layer_id: str) -> Layer:
    return next(ly for ly in spec["layers"] if ly["id"] == layer_id)


def html(lines: list[str]) -> str:
    return f"<b>{lines[0]}</b><br>{lines[1]}"


def no_zone(faction: str) -> GeoJSON:
    """A zero-area stand-in for a faction holding nothing: Plotly hides a trace without a location
    from the legend, and the legend must list every faction every day."""
    ring = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    geometry = {"type": "Polygon", "coordinates": [ring]}
    return {"type": "Feature", "properties": {"faction": faction, "area_km2": 0.0}, "geometry": geometry}


def wound(feature: GeoJSON) -> GeoJSON:
    """The feature with clockwise outer rings, as d3-geo wants (GeoJSON's counter-clockwise fills the globe).

    A zero-area stand-in (a faction holding nothing) becomes a speck off the map: d3 would fill the globe with it.
    """
    geometry = shape(feature["geometry"])
    if geometry.area == 0:
        geometry = shapely.box(0.0, 0.0, 1e-6, 1e-6)
    return {**feature, "geometry": mapping(shapely.orient_polygons(geometry, exterior_cw=True))}


def _choropleth(flavour: Flavour, features: list[GeoJSON], below: str, **attrs: Any) -> Trace:
    if flavour == "geo":
        collection = {"type": "FeatureCollection", "features": [wound(f) for f in features]}
        return {"type": "choropleth", "locationmode": "geojson-id", "geojson": collection, **attrs}
    collection = {"type": "FeatureCollection", "features": features}
    return {"type": "choroplethmap", "geojson": collection, "below": below, **attrs}


def zone_traces(spec: MapSpec, flavour: Flavour = "map", below: str = "") -> list[Trace]:
    """One trace per faction, always in display order, so colours and legend never move."""
    fill, border = layer(spec, "zones"), layer(spec, "borders")
    held = {f["properties"]["faction"]: f for f in spec["zones"]["features"] if f["properties"]["kind"] == "zone"}
    traces = []
    for entry in spec["legend"]["entries"]:
        props = {"faction": entry["faction"], "kind": "zone"}
        colour = evaluate(fill["paint"]["fill-color"], props)
        traces.append(
            _choropleth(
                flavour,
                [held.get(entry["faction"]) or no_zone(entry["faction"])],
                below,
                uid=f"zone-{entry['faction']}",
                name=entry["text"],
                legendgroup=entry["faction"],
                showlegend=True,
                featureidkey="properties.faction",
                locations=[entry["faction"]],
                z=[1],
                zmin=0,
                zmax=1,
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                marker={
                    "opacity": fill["paint"]["fill-opacity"],
                    "line": {
                        "width": border["paint"]["line-width"],
                        "color": evaluate(border["paint"]["line-color"], props),
                    },
                },
                text=[html(entry["hover"])],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    return traces


def claimed_traces(spec: MapSpec, flavour: Flavour = "map", below: str = "") -> list[Trace]:
    """Claimed ground hatched as the live map hatches it: the spec's stripes (colour, width, "/" direction) as lines
    clipped to the ground, under a clear fill that carries the hover and the outline (Plotly has no pattern fill).

    The legend entry is the first stripe's; it stays on a day with no claimed ground, as zones' entries do.
    """
    features = [f for f in spec["zones"]["features"] if f["properties"]["kind"] == "claimed"]
    shown = features or [no_zone(spec["legend"]["entries"][0]["faction"])]
    hatch = spec["images"][spec["claimed_style"]["hatch"]]
    outline = layer(spec, "claimed-outline")["paint"]["line-color"]
    label = spec["legend"]["claimed"]
    spacing = hatch_spacing(spec)
    fill = _choropleth(
        flavour,
        shown,
        below,
        uid="claimed",
        name=label,
        legendgroup="claimed",
        showlegend=False,
        featureidkey="properties.faction",  # one feature per faction and day
        locations=[f["properties"]["faction"] for f in shown],
        z=[1] * len(shown),
        zmin=0,
        zmax=1,
        colorscale=[[0, CLEAR], [1, CLEAR]],
        showscale=False,
        marker={"line": {"width": 1, "color": outline}},
        text=[html([f["properties"]["title"], f["properties"]["detail"]]) for f in features] or [""],
        hovertemplate="%{text}<extra></extra>",
    )
    stripes = []
    for index, stripe in enumerate(hatch["stripes"]):
        lon, lat = hatch_lines(features, spacing, stripe["offset"])
        stripes.append(
            {
                "type": _scatter(flavour),
                "uid": f"claimed-hatch-{index}",
                "name": label,
                "legendgroup": "claimed",
                "showlegend": index == 0,
                "lon": lon,
                "lat": lat,
                "mode": "lines",
                "line": {"color": stripe["colour"], "width": hatch["width"]},
                "hoverinfo": "skip",
            }
        )
    return [fill, *stripes]


def _scatter(flavour: Flavour) -> str:
    return "scattergeo" if flavour == "geo" else "scattermap"


def hatch_spacing(spec: MapSpec) -> float:
    """Degrees of longitude between two stripes, so that over the spec's whole view they are about the hatch's
    `size` in pixels apart, as on the live map at its opening zoom."""
    (west, _), (east, _) = spec["view"]["bounds"] or [[35.5, 0], [42.5, 0]]
    return spec["images"][spec["claimed_style"]["hatch"]]["size"] * (east - west) / VIEW_PX


def hatch_lines(features: list[GeoJSON], spacing: float, offset: float = 0.0) -> tuple[list, list]:
    """Parallel "/" lines `spacing` degrees of longitude apart (shifted by `offset` of a spacing), clipped to the
    union of `features`, as one path with None between pieces; 45° on a Mercator map at the ground's latitude."""
    if not features:
        return [], []
    ground = shapely.union_all([shape(f["geometry"]) for f in features])
    west, south, east, north = ground.bounds
    rise = math.cos(math.radians((south + north) / 2))  # degrees of latitude per degree of longitude at 45°
    run = (north - south) / rise
    starts = [west - run + (i + offset) * spacing for i in range(math.ceil((east - west + run) / spacing) + 1)]
    lines = shapely.MultiLineString([[(x, south), (x + run, north)] for x in starts])
    lon: list[float | None] = []
    lat: list[float | None] = []
    for piece in shapely.get_parts(lines.intersection(ground)):
        if isinstance(piece, shapely.LineString) and not piece.is_empty:
            coords = shapely.get_coordinates(piece).round(5)
            lon.extend([*coords[:, 0].tolist(), None])
            lat.extend([*coords[:, 1].tolist(), None])
    return lon, lat


def place_traces(spec: MapSpec, flavour: Flavour = "map") -> list[Trace]:
    """The halos (so each marker stands out on its own zone's colour), then the markers with the city labels."""
    halo, markers, labels = layer(spec, "halo"), layer(spec, "markers"), layer(spec, "labels")
    features = spec["markers"]["features"]
    props = [f["properties"] for f in features]
    lon = [f["geometry"]["coordinates"][0] for f in features]
    lat = [f["geometry"]["coordinates"][1] for f in features]
    scatter = _scatter(flavour)
    return [
        {
            "type": scatter,
            "uid": "places-halo",
            "lat": lat,
            "lon": lon,
            "mode": "markers",
            "marker": {
                "size": [2 * evaluate(halo["paint"]["circle-radius"], p) for p in props],
                "color": halo["paint"]["circle-color"],
                "opacity": halo["paint"]["circle-opacity"],
            },
            "hoverinfo": "skip",
            "showlegend": False,
        },
        {
            "type": scatter,
            "uid": PLACES_UID,
            "name": "Places",
            "lat": lat,
            "lon": lon,
            "customdata": [p["id"] for p in props],
            "mode": "markers+text",
            "marker": {
                "size": [2 * evaluate(markers["paint"]["circle-radius"], p) for p in props],
                "color": [evaluate(markers["paint"]["circle-color"], p) for p in props],
                "opacity": markers["paint"]["circle-opacity"],
            },
            "text": [p["text"] if evaluate(labels["filter"], p) else "" for p in props],
            "textposition": "top right",
            "textfont": {
                "family": labels["layout"]["text-font"],
                "size": labels["layout"]["text-size"],
                "color": labels["paint"]["text-color"],
            },
            "hovertext": [PLACE_HOVER.format(*p["hover"]) for p in props],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
        },
    ]


def map_traces(spec: MapSpec, flavour: Flavour = "map", below: str = "") -> list[Trace]:
    """Every trace of the map on the spec's date: zones, claimed ground, halos and places."""
    return [
        *zone_traces(spec, flavour, below),
        *claimed_traces(spec, flavour, below),
        *place_traces(spec, flavour),
    ]


def annotation(text: str, *, top: bool, size: int, colour: str, alpha: float, pad: int) -> dict[str, Any]:
    """A note in a corner on the right: the date (`top`) or the attribution."""
    return {
        "text": text,
        "x": 0.99,
        "y": 0.99 if top else 0.01,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "right",
        "yanchor": "top" if top else "bottom",
        **({} if top else {"align": "right"}),
        "showarrow": False,
        "font": {"size": size, "color": colour},
        "bgcolor": f"rgba(255,255,255,{alpha})",
        "borderpad": pad,
    }


def as_of_annotation(spec: MapSpec) -> dict[str, Any]:
    return annotation(f"<b>{spec['as_of']}</b>", top=True, size=16, colour="#111", alpha=0.88, pad=4)


def attribution_annotation(spec: MapSpec) -> dict[str, Any]:
    return annotation("<br>".join(spec["attribution"]), top=False, size=10, colour="#333", alpha=0.8, pad=3)


def legend_layout(spec: MapSpec) -> dict[str, Any]:
    return {
        "x": 0.01,
        "y": 0.99,
        "xanchor": "left",
        "yanchor": "top",
        "bgcolor": "rgba(255,255,255,0.88)",
        "bordercolor": "#999",
        "borderwidth": 1,
        "title": {"text": spec["legend"]["title"]},
        "font": {"size": 13},
        "itemsizing": "constant",  # the claimed-ground dots get a symbol of legible size
    }
