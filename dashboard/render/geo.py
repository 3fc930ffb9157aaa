"""The map spec on Plotly's SVG `geo` subplot: the static figure of exports and /embed.

A MapLibre map under kaleido on software WebGL cost 8.7-10.5 CPU-seconds per 1200x900 PNG (15-24 s wall); the
same figure on `geo` renders in about a second. SVG text also shapes Arabic labels, which MapLibre cannot do
without an RTL plugin that Plotly does not expose, SVG and PDF stay vector, and the HTML replay needs no WebGL
worker (a module worker cannot start from file://).
"""

from __future__ import annotations

import functools
import math
from datetime import date
from typing import Any

import plotly.io as pio

from dashboard import text
from dashboard.model import Atlas, GeoJSON
from dashboard.render import spec as map_spec
from dashboard.render import traces
from dashboard.render.schema import Focus, MapSpec
from dashboard.render.traces import Trace

TITLE_HEIGHT = 46
SCALE_BAR_KM = 100
# Degrees of room around the country in the static view.
PAD = {"west": 0.35, "east": 0.35, "south": 0.35, "north": 0.35}
# The map's share of the width when the legend is shown: the legend and the attribution have the column on its
# right, so they never hide ground (the map is about as wide as tall, so at 4:3 or wider this costs it nothing).
MAP_WIDTH_SHARE = 0.72
UIREVISION = "map"
Figure = dict[str, Any]  # {"data": [...], "layout": {...}, "frames": [...]} as plotly.js takes it
View = tuple[float, float, float, float]  # west, south, east, north


@functools.cache
def _template() -> dict[str, Any]:
    """Plotly's default template, as a `go.Figure` would carry it (shared: never changed)."""
    return pio.templates[pio.templates.default].to_plotly_json()


def region(atlas: Atlas) -> View:
    """(west, south, east, north) of the static view: the country (or the zones) with room for legend and notes."""
    layer = atlas.base_layers.get("country") or atlas.zones[atlas.dates[-1]]
    (west, south), (east, north) = map_spec.bounds(layer) or ((-180.0, -85.0), (180.0, 85.0))
    return west - PAD["west"], south - PAD["south"], east + PAD["east"], north + PAD["north"]


def static_figure(
    atlas: Atlas,
    day: date,
    *,
    lang: str = "en",
    place: str | None = None,
    view: View | None = None,
    legend: bool = True,
) -> Figure:
    """The map spec for `day` drawn on an SVG geo subplot, with a date title and a scale bar.

    `view`: (west, south, east, north) to show instead of the whole country. A figure dict: the zone GeoJSON is
    large, and validating it again in a `go.Figure` costs more than drawing it.
    """
    spec = map_spec.map_spec(atlas, day, lang=lang, focus=place)
    return framed(drawing(spec), atlas, lang=lang, focus=spec["focus"], view=view, legend=legend)


def drawing(spec: MapSpec) -> Figure:
    """The costly part of `static_figure`, the same whatever the view: base layers and the spec's traces as geo
    traces, the layout without the geo subplot, and the map's background colour."""
    fills, lines = style_traces(spec["base"])
    layout = {
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": spec["background"],
        "font": {"family": map_spec.LABEL_FONT},
        "legend": traces.legend_layout(spec),
        "annotations": [traces.attribution_annotation(spec)],
        "hoverlabel": {"font": {"family": map_spec.LABEL_FONT}},
        "uirevision": UIREVISION,
        "meta": {"date": spec["date"]},
        "title": {"text": spec["title"], **_title_side(spec["lang"]), "y": 0.985, "font": {"size": 20}},
        "template": _template(),
    }
    data = [*lines, *fills, *traces.map_traces(spec, "geo")]
    return {"data": data, "layout": layout, "background": spec["background"]}


def _title_side(lang: str) -> dict[str, Any]:
    """The title starts where the language's lines start: on the right in Arabic."""
    return {"x": 0.99, "xanchor": "right"} if text.direction(lang) == "rtl" else {"x": 0.01, "xanchor": "left"}


def framed(drawing: Figure, atlas: Atlas, *, lang: str, focus: Focus | None, view: View | None, legend: bool) -> Figure:
    """A drawing as a figure of its own (nothing shared with `drawing` is changed): the view, the scale bar under
    every trace, the legend on or off, the focused place marked."""
    west, south, east, north = view or region(atlas)
    drawn = drawing["data"]
    if focus is not None:  # its name is drawn once, in bold, by marked_place
        drawn = [_unlabelled(t, focus["id"]) if t.get("uid") == traces.PLACES_UID else t for t in drawn]
    # Choropleths always draw under scattergeo traces. A scattergeo comes first: plotly.js fetches a world topojson
    # from its CDN when the first trace of a geo subplot has a `locationmode`, as every choropleth has.
    data = [*scale_bar(west, south, east, north, lang), *drawn]
    if focus is not None:
        data.append(marked_place(focus))
    layout = {**drawing["layout"], "margin": {"l": 0, "r": 0, "t": TITLE_HEIGHT, "b": 0}, "showlegend": legend}
    layout["legend"] = {**layout["legend"], "x": 0.995, "xanchor": "right"}
    layout["geo"] = {
        "projection": {"type": "mercator"},
        "lonaxis": {"range": [west, east]},
        "lataxis": {"range": [south, north]},
        "bgcolor": drawing["background"],
        "domain": {"x": [0, MAP_WIDTH_SHARE if legend else 1], "y": [0, 1]},
        "uirevision": UIREVISION,
        **{f"show{layer}": False for layer in ("land", "ocean", "lakes", "rivers", "countries", "coastlines")},
        "showsubunits": False,
        "showframe": False,
    }
    return {"data": data, "layout": layout}


def style_traces(style: dict[str, Any]) -> tuple[list[Trace], list[Trace]]:
    """The base style's fill layers (drawn under the zones) and line layers (over them) as geo traces."""
    fills, lines = [], []
    for layer in style["layers"]:
        data = style["sources"].get(layer.get("source", ""), {}).get("data")
        if data is None:
            continue
        paint = layer["paint"]
        if layer["type"] == "fill":
            colour = paint["fill-color"]
            features = [
                {**traces.wound(f), "id": str(i)}
                for i, f in enumerate(data["features"])
                if f["geometry"]["type"] != "Point"
            ]
            fills.append(
                {
                    "type": "choropleth",
                    "geojson": {"type": "FeatureCollection", "features": features},
                    "locations": [f["id"] for f in features],
                    "z": [0] * len(features),
                    "colorscale": [[0, colour], [1, colour]],
                    "showscale": False,
                    "marker": {
                        "opacity": paint.get("fill-opacity", 1),
                        "line": {"width": 0.6, "color": paint.get("fill-outline-color", colour)},
                    },
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
        elif layer["type"] == "line":
            lon, lat = polylines(data)
            lines.append(
                {
                    "type": "scattergeo",
                    "lon": lon,
                    "lat": lat,
                    "mode": "lines",
                    "line": {
                        "color": paint["line-color"],
                        "width": paint.get("line-width", 1),
                        "dash": "dash" if "line-dasharray" in paint else "solid",
                    },
                    "opacity": paint.get("line-opacity", 1),
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
    return fills, lines


def polylines(data: GeoJSON) -> tuple[list[float | None], list[float | None]]:
    """Every line and ring of a layer as one lon and one lat list, parts separated by None."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        kind, coordinates = geometry["type"], geometry["coordinates"]
        parts = {
            "LineString": [coordinates],
            "MultiLineString": coordinates,
            "Polygon": coordinates,
            "MultiPolygon": [ring for polygon in coordinates for ring in polygon],
        }.get(kind, [])
        for part in parts:
            lon += [p[0] for p in part] + [None]
            lat += [p[1] for p in part] + [None]
    return lon, lat


def scale_bar(west: float, south: float, east: float, north: float, lang: str = "en") -> list[Trace]:
    """A 0-50-100 km bar near the bottom-left corner, true to scale at its latitude (Mercator varies with it)."""
    lat = south + 0.05 * (north - south)
    lon0 = west + 0.03 * (east - west)
    degree = SCALE_BAR_KM / (111.32 * math.cos(math.radians(lat)))
    tick = 0.012 * (north - south)
    ticks = [lon0, lon0 + degree / 2, lon0 + degree]
    lon: list[float | None] = [lon0, lon0 + degree, None]
    lats: list[float | None] = [lat, lat, None]
    for x in ticks:
        lon += [x, x, None]
        lats += [lat, lat + tick, None]
    common = {"type": "scattergeo", "hoverinfo": "skip", "showlegend": False}
    label = {
        **common,
        "lon": [lon0 + degree + 0.02 * (east - west)],
        "lat": [lat],
        "mode": "text",
        "text": [text.rtl(f"{SCALE_BAR_KM} {text.TEXT[lang]['km']}", lang)],
        "textposition": "middle right",
        "textfont": {"size": 12, "color": "#111"},
    }
    return [
        {**common, "lon": lon, "lat": lats, "mode": "lines", "line": {"color": "white", "width": 6}},
        {**common, "lon": lon, "lat": lats, "mode": "lines", "line": {"color": "#111", "width": 2}},
        label,
    ]


def _unlabelled(places: Trace, place_id: str) -> Trace:
    """The places trace without `place_id`'s label (a copy: the drawing is shared by every view and focus)."""
    ids, labels = places["customdata"], places["text"]
    return {**places, "text": ["" if pid == place_id else label for pid, label in zip(ids, labels, strict=True)]}


def marked_place(focus: Focus) -> Trace:
    """A ring round the focused place and its name in bold, where the places trace puts a name (a date's frame
    changes the places' colours, never their names: the name stays drawn once on every date)."""
    return {
        "type": "scattergeo",
        "lon": [focus["lon"]],
        "lat": [focus["lat"]],
        "mode": "markers+text",
        "marker": {"size": 24, "color": "rgba(0,0,0,0)", "line": {"color": "#111", "width": 3}},
        "text": [f"<b>{focus['name']}</b>"],
        "textposition": "top right",
        "textfont": {"family": map_spec.LABEL_FONT, "size": 15, "color": "#111"},
        "hoverinfo": "skip",
        "showlegend": False,
    }
