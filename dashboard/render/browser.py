"""Every date's map spec, as the browser gets it once (`browser_data`): assets/map.js adds the layers as given
and assets/poster.js draws them on a canvas for the first paint.

Named keys throughout (`BrowserData`); the layer and source ids below are also written into
assets/constants.js (`python -m dashboard.render.constants`), so Python and JS share one name for each.
"""

from __future__ import annotations

from typing import Any, TypedDict

from dashboard import text
from dashboard.model import Atlas, GeoJSON
from dashboard.render import panel
from dashboard.render import spec as map_spec
from dashboard.render.schema import Layer
from dashboard.timeline import holders_by_date

MARKERS_SOURCE = "dates-markers"  # the place markers, with each date's holder as h<i>
ONCE_PREFIX = "dates-"  # layers drawn once for every date: dates-halo, dates-labels
DATE_PREFIX = "date-"  # a date's source, date-<YYYY-MM-DD>, and its layers, date-<YYYY-MM-DD>-<layer>
# The live map draws the date asked for from its own source, then adds every other date's zones to one source, each
# feature tagged with its date's index (DAY_KEY) and each date's layers filtered on it: MapLibre redraws its tile
# clipping mask (a pass over the whole canvas) for every tile-clipped source a frame draws, even for a transparent
# layer, so 36 sources cost a frame 36 passes (about 290 of 440 ms on software WebGL).
DATES_SOURCE = "dates-zones"
DAY_KEY = "date_index"


class BrowserLayer(TypedDict):
    """A spec layer with its id and source on the live map."""

    id: str
    layer: str  # the spec's layer id (zones, borders, claimed, claimed-outline, halo, markers, labels)
    type: str
    source: str
    paint: dict[str, Any]
    layout: dict[str, Any]
    filter: list[Any] | None
    opacity: str
    under: str


class BrowserLayers(TypedDict):
    dated: list[list[BrowserLayer]]  # per date
    once: list[BrowserLayer]
    figure: list[BrowserLayer]  # drawn by the live figure; the poster draws them from here
    order: list[str]  # the spec's layer ids, bottom to top


class Spell(TypedDict):
    start: str  # the first date (ISO) of a run of dates with one holder
    holder: str  # a faction id


class PlaceEntry(TypedDict):
    lat: float
    lon: float
    spells: list[Spell]  # in date order: the holder on a date is the last spell starting on or before it


class BrowserData(TypedDict):
    dates: list[str]
    labels: list[str]
    asOf: list[str]
    factions: dict[str, dict[str, str]]
    legend: list[dict[str, str]]  # per date: the key's text by faction
    zones: list[GeoJSON]
    markers: GeoJSON
    holderKeys: list[str]  # per date: the marker property holding that date's holder
    layers: BrowserLayers
    images: dict[str, Any]
    background: str
    below: str
    focusZoom: float
    places: dict[str, PlaceEntry]
    heads: dict[str, list[panel.Node]]  # each marker's place panel head (render.panel.head), shown on a tap at once
    panelLoading: list[panel.Node]  # the panel's body until the server's answer (render.panel.loading)
    bounds: list[list[float]] | None
    base: dict[str, Any] | None
    words: dict[str, str]


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


def _renamed(expression: Any, old: str, new: str) -> Any:
    """`expression` with every ["get", old] made ["get", new]."""
    if isinstance(expression, list):
        if expression == ["get", old]:
            return ["get", new]
        return [_renamed(part, old, new) for part in expression]
    if isinstance(expression, dict):
        return {key: _renamed(value, old, new) for key, value in expression.items()}
    return expression


def _placed(layer: Layer, layer_id: str, source: str, holder_key: str | None = None) -> BrowserLayer:
    paint = _renamed(layer["paint"], "holder", holder_key) if holder_key else layer["paint"]
    return {
        "id": layer_id,
        "layer": layer["id"],
        "type": layer["type"],
        "source": source,
        "paint": paint,
        "layout": dict(layer.get("layout", {})),
        "filter": layer.get("filter"),
        "opacity": layer["opacity"],
        "under": layer["under"],
    }


def browser_layers(atlas: Atlas, layers: list[Layer]) -> BrowserLayers:
    dated = []
    for i, day in enumerate(atlas.dates):
        name = f"{DATE_PREFIX}{day.isoformat()}"
        dated.append([
            _placed(ly, f"{name}-{ly['id']}", MARKERS_SOURCE if ly["source"] == "markers" else name, f"h{i}")
            for ly in layers
            if ly["role"] == "date"
        ])  # fmt: skip
    return {
        "dated": dated,
        "once": [_placed(ly, ONCE_PREFIX + ly["id"], MARKERS_SOURCE) for ly in layers if ly["role"] == "once"],
        "figure": [_placed(ly, ONCE_PREFIX + ly["id"], MARKERS_SOURCE) for ly in layers if ly["role"] == "figure"],
        "order": [ly["id"] for ly in layers],
    }


def browser_data(atlas: Atlas, basemap: str = "offline", lang: str = "en") -> BrowserData:
    """Every date's map spec in `lang`, sent to the browser once; map.js draws date i from entry i of each list.

    - `layers.dated[i]`: date i's layers (zones, borders, claimed ground and its outline, marker colours), with
      their ids and sources on the live map; `layers.once`: the place halos; `layers.figure`: the place labels;
    - `zones[i]`: date i's zones and claimed ground; `markers`: the place markers, each with its holder on date i
      as `holderKeys[i]`, its hover title, and its label;
    - `legend[i]`: the key's text for each faction on date i; `asOf[i]`: its date line;
    - `places`: each place's position and its holders as spells (the panel's badge on any date);
    - `heads`: each marker's panel head, which a tap shows before the server sends the rest of the panel, and
      `panelLoading`, the body meanwhile;
    - `base`: on the offline map, the base style in one source (map.js adds its layers);
    - `words`: the catalogue's words map.js writes (play, pause).
    """
    factions = atlas.timeline.factions
    specs = [map_spec.map_spec(atlas, day, lang=lang) for day in atlas.dates]
    holders = list(holders_by_date(atlas.timeline, atlas.dates).values())
    places = atlas.timeline.places
    first = specs[-1]
    return {
        "dates": [d.isoformat() for d in atlas.dates],
        "labels": [text.date_text(d, lang) for d in atlas.dates],
        "asOf": [s["as_of"] for s in specs],
        "factions": {
            f.id: {"label": f.label_in(lang), "colour": f.colour, "ink": map_spec.ink(f.colour)}
            for f in factions
        },
        "legend": [{e["faction"]: e["text"] for e in s["legend"]["entries"]} for s in specs],
        "zones": [s["zones"] for s in specs],
        "markers": _markers(atlas, holders, lang),
        "holderKeys": [f"h{i}" for i in range(len(atlas.dates))],
        "layers": browser_layers(atlas, first["layers"]),
        "images": first["images"],
        "background": first["background"],
        "below": map_spec.zones_below(atlas, basemap) or map_spec.ZONES_BELOW,
        "focusZoom": map_spec.FOCUS_ZOOM,
        "places": {p.id: {"lat": p.lat, "lon": p.lon, "spells": _spells(atlas, holders, p.id)} for p in places},
        "heads": {p.id: panel.head(p, lang) for p in map_spec.shown_places(atlas)},  # the markers' places
        "panelLoading": panel.loading(lang),
        "bounds": first["view"]["bounds"],
        "base": one_source(first["base"]) if basemap == "offline" else None,
        "words": {key: text.t(f"map.{key}", lang) for key in ("play", "pause")},
    }


def _spells(atlas: Atlas, holders: list[dict[str, str]], place: str) -> list[Spell]:
    spells: list[Spell] = []
    for day, holder in zip(atlas.dates, (h[place] for h in holders), strict=True):
        if not spells or spells[-1]["holder"] != holder:
            spells.append({"start": day.isoformat(), "holder": holder})
    return spells


def _markers(atlas: Atlas, holders: list[dict[str, str]], lang: str) -> GeoJSON:
    """The shown places as points, as the spec has them, with the holder on each date as h<i>."""
    features = map_spec.marker_features(atlas, None, lang)
    for feature in features:
        props = feature["properties"]
        names = (props["ar"], props["name"]) if lang == "ar" else (props["name"], props["ar"])
        props["title"] = " · ".join(names)
        props.update({f"h{i}": day[props["id"]] for i, day in enumerate(holders)})
    return {"type": "FeatureCollection", "features": features}
