"""The one drawing function (`map_figure`), and what the browser needs to draw every date the same way.

The /embed view and exports draw with `map_figure`. The app's graph starts from `live_figure`: the same
view and places, without anything that changes from day to day. `assets/map.js` then adds the base layers
and every date's zones, claimed ground and marker colours once, from `browser_data`, as MapLibre layers on
the map Plotly made, and a date step only switches which date's layers are drawn (no Plotly call, no data
sent). `browser_data` holds, per date, exactly what `map_figure` draws for that date.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import plotly.graph_objects as go
import shapely
from shapely.geometry import shape

from dashboard.model import Atlas, Faction, GeoJSON, Place
from dashboard.timeline import holders_by_date, holders_on

ZONE_OPACITY = 0.5
MARKER_OPACITY = 0.7
# Ground whose latest change is only claimed: hatched in the browser (map.js); in static figures a light
# veil with a dotted outline (dots every CLAIMED_DOT_DEG along it).
CLAIMED_LABEL = "Claimed only — one side's claim or inferred"
CLAIMED_VEIL = "#ffffff"
CLAIMED_VEIL_OPACITY = 0.45
CLAIMED_DOTS = "#333333"
CLAIMED_DOT_DEG = 0.025
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
LABEL_SIZE = 13
LABEL_COLOUR = "#1d1d1d"
HALO_PX = 3  # the white halo's diameter beyond its marker's
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


def zone_label(faction: Faction, share: float) -> str:
    """A faction's entry in the legend (the static figure's) and the key (the app's) on a day."""
    return f"{faction.label} · {share:.1%}"


def zone_hover(faction: Faction, area_km2: float, share: float) -> tuple[str, str]:
    """The two lines shown on hovering a faction's zone."""
    return faction.label, f"{area_km2:,.0f} km² ({share:.1%})"


def claimed_hover(faction: Faction, area_km2: float) -> tuple[str, str]:
    """The two lines shown on hovering ground whose latest change is only claimed."""
    return "Claimed only", f"by {faction.label}: {area_km2:,.0f} km² (one side's claim or inferred)"


def place_hover(place: Place, holder: Faction) -> tuple[str, str, str]:
    """A place marker's hover: English name, Arabic name, holder on the day."""
    return place.name_en, place.name_ar, holder.label


def _html(lines: tuple[str, ...]) -> str:
    return f"<b>{lines[0]}</b><br>{lines[1]}"


def _zone_attrs(faction: Faction, feature: GeoJSON | None, share: float) -> dict[str, Any]:
    """The attributes of a faction's zone trace that change from day to day."""
    feature = feature or _no_zone(faction)
    hover = zone_hover(faction, feature["properties"]["area_km2"], share)
    return {
        "name": zone_label(faction, share),
        "geojson": {"type": "FeatureCollection", "features": [feature]},
        "locations": [faction.id],
        "text": [_html(hover)],
    }


def _place_attrs(atlas: Atlas, day: date) -> dict[str, Any]:
    holders = holders_on(atlas.timeline, day)
    factions = {f.id: f for f in atlas.timeline.factions}
    places = shown_places(atlas)
    hovers = [place_hover(p, factions[holders[p.id]]) for p in places]
    return {
        "marker.color": [factions[holders[p.id]].colour for p in places],
        "hovertext": [f"<b>{en}</b> · {ar}<br>{label}" for en, ar, label in hovers],
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
        marker={"size": [s + HALO_PX for s in sizes], "color": "white", "opacity": MARKER_OPACITY},
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
        marker={"size": sizes, "color": attrs["marker.color"], "opacity": MARKER_OPACITY},
        text=[p.name_en if p.kind in LABEL_KINDS else "" for p in places],
        textposition="top right",
        textfont={"family": LABEL_FONT, "size": LABEL_SIZE, "color": LABEL_COLOUR},
        hovertext=attrs["hovertext"],
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
    )
    return [halo, markers]


def claimed_features(atlas: Atlas, day: date) -> list[GeoJSON]:
    """Per faction, the ground whose latest change of hands on or before `day` is only claimed."""
    claimed = atlas.claimed.get(day)
    return list(claimed["features"]) if claimed else []


def claimed_traces(atlas: Atlas, day: date, below: str = "") -> list[go.Choroplethmap | go.Scattermap]:
    """Claimed ground as a static figure can draw it: a light veil, and dots along its outline.

    The legend entry is the dots' (a white veil's swatch does not show on the legend's white); it stays on a day
    with no claimed ground, as zones' entries do (the veil then has a zero-area stand-in).
    """
    factions = {f.id: f for f in atlas.timeline.factions}
    features = claimed_features(atlas, day)
    shown = features or [_no_zone(atlas.timeline.factions[0])]
    veil = go.Choroplethmap(
        uid="claimed",
        name=CLAIMED_LABEL,
        legendgroup="claimed",
        showlegend=False,
        geojson={"type": "FeatureCollection", "features": shown},
        featureidkey="properties.faction",  # one feature per faction and day
        locations=[f["properties"]["faction"] for f in shown],
        z=[1] * len(shown),
        zmin=0,
        zmax=1,
        colorscale=[[0, CLAIMED_VEIL], [1, CLAIMED_VEIL]],
        showscale=False,
        marker={"opacity": CLAIMED_VEIL_OPACITY, "line": {"width": 0.5, "color": CLAIMED_DOTS}},
        text=[_html(claimed_hover(factions[f["properties"]["faction"]], f["properties"]["area_km2"])) for f in shown],
        hovertemplate="%{text}<extra></extra>",
        below=below,
    )
    lon, lat = _outline_dots(features)
    dots = go.Scattermap(
        uid="claimed-outline",
        name=CLAIMED_LABEL,
        legendgroup="claimed",
        showlegend=True,
        lon=lon,
        lat=lat,
        mode="markers",
        marker={"size": 3, "color": CLAIMED_DOTS},
        hoverinfo="skip",
    )
    return [veil, dots]


def _outline_dots(features: list[GeoJSON]) -> tuple[list[float], list[float]]:
    """Points every CLAIMED_DOT_DEG along the outlines of `features`, rounded to 5 decimals (≈ 1 m)."""
    lon: list[float] = []
    lat: list[float] = []
    for feature in features:
        for ring in shapely.get_parts(shape(feature["geometry"]).boundary):
            steps = max(round(ring.length / CLAIMED_DOT_DEG), 1)
            points = shapely.line_interpolate_point(ring, [i * CLAIMED_DOT_DEG for i in range(steps)])
            coords = shapely.get_coordinates(points).round(5)
            lon.extend(coords[:, 0].tolist())
            lat.extend(coords[:, 1].tolist())
    return lon, lat


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
    # No fades: a paint change (a date step in map.js) is drawn in one frame, and MapLibre stops there instead
    # of redrawing for 300 ms while every paint property of the changed layers "transitions" to its own value.
    no_fade = {"duration": 0, "delay": 0}
    return {"version": 8, "name": "offline", "sources": sources, "layers": drawn, "transition": no_fade}


def one_source(style: dict[str, Any]) -> dict[str, Any]:
    """`style` with every source's features in one source, named `base`, each feature tagged with its source's
    name (`base_source`) and each layer filtered on it: MapLibre's worker loads it in one go, and the map is drawn
    once for it instead of once per source (a frame costs 100-300 ms on software WebGL while shaders compile)."""
    features = [
        {**feature, "properties": {**(feature.get("properties") or {}), "base_source": name}}
        for name, source in style["sources"].items()
        for feature in source["data"]["features"]
    ]
    layers = [
        layer
        if layer["type"] == "background"
        else {**layer, "source": "base", "filter": ["==", ["get", "base_source"], layer["source"]]}
        for layer in style["layers"]
    ]
    base = {"type": "geojson", "data": {"type": "FeatureCollection", "features": features}}
    return {**style, "sources": {"base": base}, "layers": layers}


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


def as_of_text(day: date) -> str:
    return f"As of {long_date(day)}"


def as_of(day: date) -> str:
    return f"<b>{as_of_text(day)}</b>"


def map_figure(atlas: Atlas, day: date, *, basemap: str = "offline", height: int | None = None) -> go.Figure:
    """The map on `day`: zones per faction, claimed ground, places, base layers, legend with shares, attribution."""
    below = _zones_below(atlas, basemap)
    traces = [*zone_traces(atlas, day, below), *claimed_traces(atlas, day, below), *place_traces(atlas, day)]
    fig = _figure(atlas, traces, [_as_of_annotation(day), _attribution_annotation(atlas)], basemap, height)
    fig.update_layout(meta={"date": day.isoformat()})
    return fig


def live_figure(atlas: Atlas, *, basemap: str = "offline") -> go.Figure:
    """The app's map before `assets/map.js` draws a date on it: `map_figure` without what changes by date.

    The view and the attribution as `map_figure` draws them; the place labels; the markers themselves
    transparent, as hover and click targets (map.js draws their halos and their colour for the date shown
    under them, where Plotly moving its own layers back on top after a plot cannot put a halo over a colour,
    and the key, with the legend's entries, beside the map).
    """
    _, markers = place_traces(atlas, atlas.dates[-1])
    markers.update(marker_opacity=0, hoverinfo="none", hovertext=None, hovertemplate=None)
    fig = _figure(atlas, [markers], [_attribution_annotation(atlas)], basemap, None)
    fig.update_layout(showlegend=False)
    if basemap == "offline":
        # Only the sea: the base layers come with `browser_data` (`base`), so the browser gets them once, for
        # map.js to put on the map and for the first paint (assets/poster.js), which comes before plotly.js.
        # An empty source stands in for them: Plotly drops an empty `sources` on a figure update, and MapLibre
        # then refuses the style ("missing required property sources").
        fig.update_layout(map_style=offline_style({"none": {"type": "FeatureCollection", "features": []}}))
    return fig


def _zones_below(atlas: Atlas, basemap: str) -> str:
    """The map layer the zones go under: borders and roads stay on top of them on the offline map."""
    return ZONES_BELOW if basemap == "offline" and ZONES_BELOW in atlas.base_layers else ""


def _as_of_annotation(day: date) -> dict[str, Any]:
    return {
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
    }


def _attribution_annotation(atlas: Atlas) -> dict[str, Any]:
    return {
        "text": "<br>".join(part.strip() for part in atlas.attribution.split("·")),
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
    }


def _figure(
    atlas: Atlas, traces: list[Any], annotations: list[dict[str, Any]], basemap: str, height: int | None
) -> go.Figure:
    """Base map, view and legend frame around `traces`."""
    offline = basemap == "offline"
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
                "itemsizing": "constant",  # the claimed-ground dots get a symbol of legible size
            },
            annotations=annotations,
            hoverlabel={"font": {"family": LABEL_FONT}},
        ),
    )


def key_rows(atlas: Atlas, day: date) -> list[tuple[Faction, str, str]]:
    """The key's rows on `day`, in legend order: faction, swatch colour (as the map draws it), text."""
    share = shares(atlas, day)
    return [(f, translucent(f.colour, ZONE_OPACITY), zone_label(f, share[f.id])) for f in atlas.timeline.factions]


def translucent(colour: str, alpha: float) -> str:
    """#rrggbb at `alpha`, as CSS rgba()."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def browser_data(atlas: Atlas, basemap: str = "offline") -> dict[str, Any]:
    """Every date's map, sent to the browser once; map.js draws date i from entry i of each list.

    - `base`: on the offline map, its style as `map_figure` draws it, in one source (map.js adds its layers);

    - `zones`: each date's zones and claimed ground, a FeatureCollection per date, each feature with its
      `kind` (zone or claimed), `faction` and hover lines (`title`, `detail`);
    - `markers`: the place markers, each with its holder on date i as `h<i>`, radius, hover names and whether
      its name is drawn on the map (`label`);
    - `legend`: the key's text for each faction on each date; `asOf`: its date line;
    - `places`: each place's position and row in `holders`, which gives every place's holder on each date
      (the panel's badge) as an index into `order`.
    """
    factions = atlas.timeline.factions
    by_id = {f.id: f for f in factions}
    collections: list[GeoJSON] = []
    legend: list[list[str]] = []
    for day in atlas.dates:
        zones, share = zone_features(atlas, day), shares(atlas, day)
        legend.append([zone_label(f, share[f.id]) for f in factions])
        features = [
            _browser_feature(zones[f.id], "zone", f, zone_hover(f, zones[f.id]["properties"]["area_km2"], share[f.id]))
            for f in factions
            if f.id in zones
        ]
        for feature in claimed_features(atlas, day):
            faction = by_id[feature["properties"]["faction"]]
            hover = claimed_hover(faction, feature["properties"]["area_km2"])
            features.append(_browser_feature(feature, "claimed", faction, hover))
        collections.append({"type": "FeatureCollection", "features": features})
    holders = list(holders_by_date(atlas.timeline, atlas.dates).values())
    places = atlas.timeline.places
    column = {f.id: i for i, f in enumerate(factions)}
    return {
        "dates": [d.isoformat() for d in atlas.dates],
        "labels": [long_date(d) for d in atlas.dates],
        "asOf": [as_of_text(d) for d in atlas.dates],
        "factions": {f.id: {"label": f.label, "colour": f.colour, "ink": ink(f.colour)} for f in factions},
        "order": [f.id for f in factions],
        "legend": legend,
        "zones": collections,
        "markers": _markers(atlas, holders),
        "style": {
            "zoneOpacity": ZONE_OPACITY,
            "markerOpacity": MARKER_OPACITY,
            "below": ZONES_BELOW,
            "halo": HALO_PX / 2,
            "labels": _label_style(atlas),
        },
        "holders": [[column[day[p.id]] for p in places] for day in holders],
        "places": {p.id: {"lat": p.lat, "lon": p.lon, "row": i} for i, p in enumerate(places)},
        "bounds": bounds(atlas.base_layers.get("country")),
        "base": one_source(offline_style(atlas.base_layers)) if basemap == "offline" else None,
    }


def _label_style(atlas: Atlas) -> dict[str, Any]:
    """The place labels as Plotly has MapLibre draw them (textposition "top right": anchored bottom-left, offset
    in ems by the mean marker size, as plotly.js's convertTextOpts does), for the first paint (assets/poster.js)."""
    sizes = [_marker_size(p) for p in shown_places(atlas)]
    mean_size = sum(sizes) / max(len(sizes), 1)
    offset = [0.5 + mean_size / 100, -(1.5 + mean_size / 100)]
    return {"font": LABEL_FONT, "size": LABEL_SIZE, "colour": LABEL_COLOUR, "offset": offset}


def _browser_feature(feature: GeoJSON, kind: str, faction: Faction, hover: tuple[str, str]) -> GeoJSON:
    title, detail = hover
    properties = {"kind": kind, "faction": faction.id, "title": title, "detail": detail}
    return {"type": "Feature", "properties": properties, "geometry": feature["geometry"]}


def _markers(atlas: Atlas, holders: list[dict[str, str]]) -> GeoJSON:
    """The shown places as points: radius as `place_traces` sizes them, names, and the holder on each date."""
    features = []
    for place in shown_places(atlas):
        properties: dict[str, Any] = {
            "id": place.id,
            "r": _marker_size(place) / 2,
            "name": place.name_en,
            "ar": place.name_ar,
            "label": place.kind in LABEL_KINDS,
        }
        properties.update({f"h{i}": day[place.id] for i, day in enumerate(holders)})
        geometry = {"type": "Point", "coordinates": [place.lon, place.lat]}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
