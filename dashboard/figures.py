"""The one drawing function (`map_figure`) and the per-date updates the browser applies to it.

The app, the /embed view and exports all draw with `map_figure`. In the browser, a date step does
not rebuild the figure: `assets/map.js` applies `date_update(atlas, day)` — the same trace
attributes `map_figure` would give for that day — with one `Plotly.update` call.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import plotly.graph_objects as go

from dashboard.model import Atlas, Faction, GeoJSON, Place
from dashboard.timeline import holders_on

ZONE_OPACITY = 0.5
# Where the zone fills go in the offline style: above land and water, below borders and roads.
ZONES_BELOW = "governorates"
CENTER = {"lat": 35.0, "lon": 38.5}
ZOOM = 5.6
UIREVISION = "map"
# Villages (1,400+) are left off the map: their dots hid the towns, and a click on a town picked the
# village next to it. They are found by search, which opens their panel.
MARKER_KINDS = frozenset({"city", "town", "airbase", "military_site", "hill", "crossing", "district"})
LABEL_KINDS = frozenset({"city"})
LABEL_FONT = "Noto Sans, DejaVu Sans, sans-serif"
SEA = "#d4e3ec"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def ink(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (#rrggbb)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def zone_features(atlas: Atlas, day: date) -> dict[str, GeoJSON]:
    """The zone feature of each faction holding ground on `day`, keyed by faction id."""
    return {f["properties"]["faction"]: f for f in atlas.zones[day]["features"]}


def shares(atlas: Atlas, day: date) -> dict[str, float]:
    """Each faction's share of the mapped area on `day` (0 for a faction holding nothing)."""
    areas = {fid: f["properties"]["area_km2"] for fid, f in zone_features(atlas, day).items()}
    total = sum(areas.values()) or 1.0
    return {fid: areas.get(fid, 0.0) / total for fid in atlas.timeline.faction_ids}


def shown_places(atlas: Atlas) -> tuple[Place, ...]:
    return tuple(p for p in atlas.timeline.places if p.kind in MARKER_KINDS)


def _no_zone(faction: Faction) -> GeoJSON:
    """A zero-area stand-in for a faction holding nothing: Plotly hides a trace without a location
    from the legend, and the legend must list every faction every day."""
    ring = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    geometry = {"type": "Polygon", "coordinates": [ring]}
    return {"type": "Feature", "properties": {"faction": faction.id, "area_km2": 0.0}, "geometry": geometry}


def _zone_attrs(faction: Faction, feature: GeoJSON | None, share: float) -> dict[str, Any]:
    """The attributes of a faction's zone trace that change from day to day."""
    feature = feature or _no_zone(faction)
    text = f"<b>{faction.label}</b><br>{feature['properties']['area_km2']:,.0f} km² ({share:.1%})"
    return {
        "name": f"{faction.label} · {share:.1%}",
        "geojson": {"type": "FeatureCollection", "features": [feature]},
        "locations": [faction.id],
        "text": [text],
    }


def _place_attrs(atlas: Atlas, day: date) -> dict[str, Any]:
    holders = holders_on(atlas.timeline, day)
    factions = {f.id: f for f in atlas.timeline.factions}
    places = shown_places(atlas)
    return {
        "marker.color": [factions[holders[p.id]].colour for p in places],
        "hovertext": [f"<b>{p.name_en}</b> · {p.name_ar}<br>{factions[holders[p.id]].label}" for p in places],
    }


def zone_traces(atlas: Atlas, day: date, below: str = "") -> list[go.Choroplethmap]:
    """One trace per faction, always in display order, so colours and legend never move.

    `below`: the id of the map layer the zone fills are drawn under ("" for above everything).
    """
    features, share = zone_features(atlas, day), shares(atlas, day)
    return [
        go.Choroplethmap(
            uid=f"zone-{f.id}",
            legendgroup=f.id,
            showlegend=True,
            featureidkey="properties.faction",
            z=[1],
            zmin=0,
            zmax=1,
            colorscale=[[0, f.colour], [1, f.colour]],
            showscale=False,
            marker={"opacity": ZONE_OPACITY, "line": {"width": 1, "color": f.colour}},
            hovertemplate="%{text}<extra></extra>",
            below=below,
            **_zone_attrs(f, features.get(f.id), share[f.id]),
        )
        for f in atlas.timeline.factions
    ]


def _marker_size(place: Place) -> float:
    if place.population is None:
        return 7.0
    return min(22.0, 6.0 + 2.2 * math.log10(max(place.population, 1000) / 1000) ** 1.6)


def place_traces(atlas: Atlas, day: date) -> list[go.Scattermap]:
    """A white halo under the markers (so each stands out on its own zone's colour), then the markers."""
    places = shown_places(atlas)
    sizes = [_marker_size(p) for p in places]
    halo = go.Scattermap(
        uid="places-halo",
        lat=[p.lat for p in places],
        lon=[p.lon for p in places],
        mode="markers",
        marker={"size": [s + 3 for s in sizes], "color": "white"},
        hoverinfo="skip",
        showlegend=False,
    )
    attrs = _place_attrs(atlas, day)
    markers = go.Scattermap(
        uid="places",
        name="Places",
        lat=[p.lat for p in places],
        lon=[p.lon for p in places],
        customdata=[p.id for p in places],
        mode="markers+text",
        marker={"size": sizes, "color": attrs["marker.color"]},
        text=[p.name_en if p.kind in LABEL_KINDS else "" for p in places],
        textposition="top right",
        textfont={"family": LABEL_FONT, "size": 13, "color": "#1d1d1d"},
        hovertext=attrs["hovertext"],
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
    )
    return [halo, markers]


def offline_style(base_layers: dict[str, GeoJSON]) -> dict[str, Any]:
    """A MapLibre style with every source inline: no tiles, sprites or glyph URLs.

    Without a `glyphs` URL MapLibre draws label glyphs locally from the browser's fonts.
    """
    sources = {name: {"type": "geojson", "data": data} for name, data in base_layers.items()}

    def layer(source: str, kind: str, paint: dict[str, Any], layer_id: str | None = None) -> dict[str, Any]:
        return {"id": layer_id or source, "type": kind, "source": source, "paint": paint}

    layers = [
        {"id": "background", "type": "background", "paint": {"background-color": SEA}},
        layer("neighbours", "fill", {"fill-color": "#ecebe6", "fill-outline-color": "#b9b6ad"}),
        layer("country", "fill", {"fill-color": "#fbfaf6"}, "country-fill"),
        layer("disputed", "fill", {"fill-color": "#8c8c8c", "fill-opacity": 0.15}),
        layer("lakes", "fill", {"fill-color": "#a8cbe0"}),
        layer("rivers", "line", {"line-color": "#79aacb", "line-width": 1.4}),
        layer("rivers_gshhg", "line", {"line-color": "#79aacb", "line-width": 0.8}),
        layer("governorates", "line", {"line-color": "#6f6f6f", "line-width": 0.7, "line-dasharray": [3, 2]}),
        layer("highways", "line", {"line-color": "#9a5b2e", "line-width": 1.3, "line-opacity": 0.75}),
        layer(
            "disputed", "line", {"line-color": "#555555", "line-width": 1, "line-dasharray": [1, 1]}, "disputed-line"
        ),
        layer("country", "line", {"line-color": "#2b2b2b", "line-width": 1.6}, "country-line"),
    ]
    drawn = [ly for ly in layers if ly["type"] == "background" or ly["source"] in sources]
    return {"version": 8, "name": "offline", "sources": sources, "layers": drawn}


def _online_layers(base_layers: dict[str, GeoJSON]) -> list[dict[str, Any]]:
    """Over a remote basemap, only the outlines the basemap lacks."""
    return [
        {
            "sourcetype": "geojson",
            "source": base_layers[name],
            "type": "line",
            "color": colour,
            "line": {"width": width},
        }
        for name, colour, width in (("governorates", "#6f6f6f", 0.7), ("country", "#2b2b2b", 1.6))
        if name in base_layers
    ]


def bounds(layer: GeoJSON | None) -> list[list[float]] | None:
    """[[west, south], [east, north]] of a layer's coordinates, for the browser to fit the view to."""
    if layer is None:
        return None
    points = [pt for f in layer["features"] for pt in _points(f["geometry"]["coordinates"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [[min(lons), min(lats)], [max(lons), max(lats)]]


def _points(coordinates: Any) -> list[Any]:
    if isinstance(coordinates[0], (int, float)):
        return [coordinates]
    return [pt for part in coordinates for pt in _points(part)]


def as_of(day: date) -> str:
    return f"<b>As of {long_date(day)}</b>"


def map_figure(atlas: Atlas, day: date, *, basemap: str = "offline", height: int | None = None) -> go.Figure:
    """The map on `day`: zones per faction, places, base layers, legend with shares, attribution."""
    offline = basemap == "offline"
    below = ZONES_BELOW if offline and ZONES_BELOW in atlas.base_layers else ""
    traces = [*zone_traces(atlas, day, below), *place_traces(atlas, day)]
    attribution = "<br>".join(part.strip() for part in atlas.attribution.split("·"))
    return go.Figure(
        traces,
        go.Layout(
            map={
                "style": offline_style(atlas.base_layers) if offline else basemap,
                "layers": [] if offline else _online_layers(atlas.base_layers),
                "center": CENTER,
                "zoom": ZOOM,
                "uirevision": UIREVISION,
            },
            uirevision=UIREVISION,
            meta={"date": day.isoformat()},
            height=height,
            margin={"l": 0, "r": 0, "t": 0, "b": 0},
            paper_bgcolor=SEA,
            font={"family": LABEL_FONT},
            legend={
                "x": 0.01,
                "y": 0.99,
                "xanchor": "left",
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.88)",
                "bordercolor": "#999",
                "borderwidth": 1,
                "title": {"text": "<b>Control</b> (share of area)"},
                "font": {"size": 13},
            },
            annotations=[
                {
                    "text": as_of(day),
                    "x": 0.99,
                    "y": 0.99,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "right",
                    "yanchor": "top",
                    "showarrow": False,
                    "font": {"size": 16, "color": "#111"},
                    "bgcolor": "rgba(255,255,255,0.88)",
                    "borderpad": 4,
                },
                {
                    "text": attribution,
                    "x": 0.99,
                    "y": 0.01,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "right",
                    "yanchor": "bottom",
                    "align": "right",
                    "showarrow": False,
                    "font": {"size": 10, "color": "#333"},
                    "bgcolor": "rgba(255,255,255,0.8)",
                    "borderpad": 3,
                },
            ],
            hoverlabel={"font": {"family": LABEL_FONT}},
        ),
    )


def date_update(atlas: Atlas, day: date) -> dict[str, Any]:
    """What changes on the map from one day to another, as `Plotly.update(gd, data, layout, traces)` takes it.

    `data` holds one value per trace in `traces` (None where an attribute does not apply).
    """
    features, share = zone_features(atlas, day), shares(atlas, day)
    zones = [_zone_attrs(f, features.get(f.id), share[f.id]) for f in atlas.timeline.factions]
    places = _place_attrs(atlas, day)
    keys = ("name", "geojson", "locations", "text")
    data: dict[str, list[Any]] = {k: [z[k] for z in zones] + [None] for k in keys}
    for key, value in places.items():
        data[key] = [None] * len(zones) + [value]
    return {"data": data, "layout": {"annotations[0].text": as_of(day), "meta": {"date": day.isoformat()}}}


def browser_data(atlas: Atlas) -> dict[str, Any]:
    """Every date's map update and place holders, sent to the browser once."""
    n_zones = len(atlas.timeline.factions)
    return {
        "dates": [d.isoformat() for d in atlas.dates],
        "labels": [long_date(d) for d in atlas.dates],
        "traces": [*range(n_zones), n_zones + 1],  # zone traces, then the place markers (after the halo)
        "factions": {
            f.id: {"label": f.label, "colour": f.colour, "ink": ink(f.colour)} for f in atlas.timeline.factions
        },
        "holders": [holders_on(atlas.timeline, d) for d in atlas.dates],
        "updates": [date_update(atlas, d) for d in atlas.dates],
        "places": {p.id: {"lat": p.lat, "lon": p.lon} for p in atlas.timeline.places},
        "bounds": bounds(atlas.base_layers.get("country")),
    }
