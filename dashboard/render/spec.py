"""The map spec: what the map shows on a date, as plain JSON-ready data that every renderer draws as given.

`map_spec(atlas, day, lang=, focus=, since=)` is the one place that knows the map's colours, layers, hatching,
markers, labels, legend and attribution. Its layers are in MapLibre's style language, so the live map
(assets/map.js) adds them as they are; the first paint (assets/poster.js) draws the same layers on a canvas;
`render.traces` turns them into Plotly traces for the static figure, exports and /embed. Factions, colours,
dates and confidence classes all come from the data: a new faction or colour in factions.csv needs no code.

Pure: imports neither dash nor plotly.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from dashboard import text
from dashboard.model import Atlas, Faction, GeoJSON, Place
from dashboard.render.schema import Focus, Kind, Layer, Legend, LegendEntry, MapSpec
from dashboard.render.style import (
    CENTER,
    CHANGES,
    CLAIMED_HATCH,
    CLAIMED_OUTLINE,
    FOCUS_ZOOM,
    HALO_COLOUR,
    HALO_PX,
    HATCH,
    KEY_PLACES,
    LABEL_COLOUR,
    LABEL_FONT,
    LABEL_KINDS,
    LABEL_SIZE,
    MARKER_KINDS,
    MARKER_OPACITY,
    NO_COLOUR,
    SEA,
    ZONE_OPACITY,
    ZONES_BELOW,
    ZOOM,
    ink,
    offline_style,
    translucent,
)
from dashboard.summary import key_dates, place_name
from dashboard.timeline import holders_on

# ---------------------------------------------------------------- helpers every renderer may use


def zone_features(atlas: Atlas, day: date) -> dict[str, GeoJSON]:
    """The zone feature of each faction holding ground on `day`, keyed by faction id."""
    return {f["properties"]["faction"]: f for f in atlas.zones[day]["features"]}


def claimed_features(atlas: Atlas, day: date) -> list[GeoJSON]:
    """Per faction, the ground whose latest change of hands on or before `day` is only claimed."""
    claimed = atlas.claimed.get(day)
    return list(claimed["features"]) if claimed else []


def shares(atlas: Atlas, day: date) -> dict[str, float]:
    """Each faction's share of the mapped area on `day` (0 for a faction holding nothing)."""
    areas = {fid: f["properties"]["area_km2"] for fid, f in zone_features(atlas, day).items()}
    total = sum(areas.values()) or 1.0
    return {fid: areas.get(fid, 0.0) / total for fid in atlas.timeline.faction_ids}


def shown_places(atlas: Atlas) -> tuple[Place, ...]:
    """The places with a marker, the most populous first: every renderer gives their labels room in this order (a
    label that would overlap one already placed is left out, as MapLibre does), so Aleppo's wins over al-Bab's."""
    shown = [p for p in atlas.timeline.places if p.kind in MARKER_KINDS]
    return tuple(sorted(shown, key=lambda p: -(p.population or 0)))


def marker_size(place: Place) -> float:
    """A place marker's diameter in px, from its population."""
    if place.population is None:
        return 7.0
    return min(22.0, 6.0 + 2.2 * math.log10(max(place.population, 1000) / 1000) ** 1.6)


def bounds(layer: GeoJSON | None) -> list[list[float]] | None:
    """[[west, south], [east, north]] of a layer's coordinates."""
    if layer is None:
        return None
    points = [pt for f in layer["features"] for pt in _points(f["geometry"]["coordinates"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [[min(lons), min(lats)], [max(lons), max(lats)]]


def _points(coordinates: Any) -> list[Any]:
    if isinstance(coordinates[0], (int, float)):
        return [coordinates]
    return [pt for part in coordinates for pt in _points(part)]


def by_faction(atlas: Atlas, key: str) -> list[Any]:
    """A style expression: the colour of the faction whose id is the feature's property `key`."""
    return ["match", ["get", key], *[v for f in atlas.timeline.factions for v in (f.id, f.colour)], NO_COLOUR]


def zone_hover(faction: Faction, area_km2: float, share: float, lang: str = "en") -> tuple[str, str]:
    """The two lines shown on hovering a faction's zone."""
    return faction.label_in(lang), f"{text.km2(area_km2, lang)} ({text.percent(share, lang)})"


def claimed_hover(faction: Faction, area_km2: float, lang: str = "en") -> tuple[str, str]:
    """The two lines shown on hovering ground whose latest change is only claimed."""
    what = text.t("map.claimed_detail", lang, faction=faction.label_in(lang), area=text.km2(area_km2, lang))
    return text.t("map.claimed_title", lang), what


def zones_below(atlas: Atlas, basemap: str = "offline") -> str:
    """The base layer the zones go under: borders and roads stay on top of them on the offline map."""
    return ZONES_BELOW if basemap == "offline" and ZONES_BELOW in atlas.base_layers else ""


# ---------------------------------------------------------------- the spec


def layers(atlas: Atlas, markers: list[Place]) -> list[Layer]:
    """The map's own layers, bottom to top: zones, their borders, claimed ground and its outline (under the base
    map's borders and roads), the place halos, the marker colours and the place labels."""
    is_kind = lambda kind: ["==", ["get", "kind"], kind]  # noqa: E731
    sizes = [marker_size(p) for p in markers]
    mean = sum(sizes) / max(len(sizes), 1)
    # Labels as Plotly has MapLibre draw them (textposition "top right": anchored bottom-left, offset in ems by
    # the mean marker size, as plotly.js's convertTextOpts does).
    offset = [0.5 + mean / 100, -(1.5 + mean / 100)]
    return [
        {
            "id": "zones", "type": "fill", "source": "zones", "filter": is_kind("zone"),
            "paint": {"fill-color": by_faction(atlas, "faction"), "fill-opacity": ZONE_OPACITY},
            "opacity": "fill-opacity", "role": "date", "under": "zones",
        },
        {
            "id": "borders", "type": "line", "source": "zones", "filter": is_kind("zone"),
            "paint": {"line-color": by_faction(atlas, "faction"), "line-width": 1, "line-opacity": ZONE_OPACITY},
            "opacity": "line-opacity", "role": "date", "under": "zones",
        },
        {
            "id": "claimed", "type": "fill", "source": "zones", "filter": is_kind("claimed"),
            "paint": {"fill-pattern": HATCH, "fill-opacity": 1},
            "opacity": "fill-opacity", "role": "date", "under": "zones",
        },
        {
            "id": "claimed-outline", "type": "line", "source": "zones", "filter": is_kind("claimed"),
            "paint": {"line-color": CLAIMED_OUTLINE, "line-width": 1, "line-dasharray": [2, 2], "line-opacity": 0.8},
            "opacity": "line-opacity", "role": "date", "under": "zones",
        },
        {
            "id": "halo", "type": "circle", "source": "markers",
            "paint": {
                "circle-color": HALO_COLOUR, "circle-radius": ["+", ["get", "r"], HALO_PX / 2],
                "circle-opacity": MARKER_OPACITY,
            },
            "opacity": "circle-opacity", "role": "once", "under": "places",
        },
        {
            "id": "markers", "type": "circle", "source": "markers",
            "paint": {
                "circle-color": by_faction(atlas, "holder"), "circle-radius": ["get", "r"],
                "circle-opacity": MARKER_OPACITY,
            },
            "opacity": "circle-opacity", "role": "date", "under": "places",
        },
        {
            "id": "labels", "type": "symbol", "source": "markers", "filter": ["get", "label"],
            "layout": {
                "text-field": ["get", "text"], "text-font": LABEL_FONT, "text-size": LABEL_SIZE, "text-offset": offset,
            },
            "paint": {"text-color": LABEL_COLOUR, "text-opacity": 1},
            "opacity": "text-opacity", "role": "figure", "under": "places",
        },
    ]  # fmt: skip


def zones(atlas: Atlas, day: date, lang: str = "en") -> GeoJSON:
    """The date's zones (one feature per faction holding ground) and claimed ground, with their hover lines."""
    by_id = {f.id: f for f in atlas.timeline.factions}
    held, share = zone_features(atlas, day), shares(atlas, day)
    features = []
    for faction in atlas.timeline.factions:
        if faction.id in held:
            area = held[faction.id]["properties"]["area_km2"]
            features.append(
                _feature(held[faction.id], "zone", faction, area, zone_hover(faction, area, share[faction.id], lang))
            )
    for feature in claimed_features(atlas, day):
        faction, area = by_id[feature["properties"]["faction"]], feature["properties"]["area_km2"]
        features.append(_feature(feature, "claimed", faction, area, claimed_hover(faction, area, lang)))
    return {"type": "FeatureCollection", "features": features}


def _feature(feature: GeoJSON, kind: Kind, faction: Faction, area: float, hover: tuple[str, str]) -> GeoJSON:
    title, detail = hover
    properties = {
        **feature["properties"],
        "kind": kind,
        "faction": faction.id,
        "confidence": feature["properties"].get("confidence", ""),
        "area_km2": area,
        "title": title,
        "detail": detail,
    }
    return {"type": "Feature", "properties": properties, "geometry": feature["geometry"]}


def marker_features(atlas: Atlas, holders: dict[str, str] | None, lang: str = "en") -> list[GeoJSON]:
    """The shown places as points: radius, names, label text in `lang`, and the holder (if `holders` is given)."""
    labels = {f.id: f.label_in(lang) for f in atlas.timeline.factions}
    features = []
    for place in shown_places(atlas):
        label = place.kind in LABEL_KINDS
        properties: dict[str, Any] = {
            "id": place.id,
            "r": marker_size(place) / 2,
            "name": place.name_en,
            "ar": place.name_ar,
            "label": label,
            "text": place_name(place, lang) if label else "",
        }
        if holders is not None:
            properties["holder"] = holders[place.id]
            properties["hover"] = [place.name_en, place.name_ar, labels[holders[place.id]]]
        geometry = {"type": "Point", "coordinates": [place.lon, place.lat]}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return features


def legend(atlas: Atlas, day: date, lang: str = "en") -> Legend:
    """Every faction, in display order, every day (a faction holding nothing stays, at 0 %)."""
    held, share = zone_features(atlas, day), shares(atlas, day)
    claimed: dict[str, float] = {}
    for feature in claimed_features(atlas, day):
        fid = feature["properties"]["faction"]
        claimed[fid] = claimed.get(fid, 0.0) + feature["properties"]["area_km2"]
    entries: list[LegendEntry] = [
        {
            "faction": f.id,
            "label": f.label_in(lang),
            "colour": f.colour,
            "swatch": translucent(f.colour, ZONE_OPACITY),
            "ink": ink(f.colour),
            "area_km2": _area(held, f.id),
            "share": share[f.id],
            "claimed_km2": claimed.get(f.id, 0.0),
            "text": text.rtl(
                text.share_label(f.label_in(lang), share[f.id], _of_own(claimed, held, f.id), lang), lang
            ),
            "hover": list(zone_hover(f, _area(held, f.id), share[f.id], lang)),
        }
        for f in atlas.timeline.factions
    ]
    return {
        "title": text.rtl(text.TEXT[lang]["legend"], lang),
        "entries": entries,
        "claimed": text.rtl(text.TEXT[lang]["claimed"], lang),
    }


def _area(held: dict[str, GeoJSON], faction: str) -> float:
    return held[faction]["properties"]["area_km2"] if faction in held else 0.0


def _of_own(claimed: dict[str, float], held: dict[str, GeoJSON], faction: str) -> float:
    """The claimed part of a faction's ground as a fraction of that ground."""
    area = held[faction]["properties"]["area_km2"] if faction in held else 0.0
    return claimed.get(faction, 0.0) / area if area else 0.0


def focus_of(atlas: Atlas, place_id: str | None, lang: str = "en") -> Focus | None:
    place = next((p for p in atlas.timeline.places if p.id == place_id), None)
    if place is None:
        return None
    return {"id": place.id, "name": place_name(place, lang), "lon": place.lon, "lat": place.lat, "zoom": FOCUS_ZOOM}


def map_spec(
    atlas: Atlas, day: date, *, lang: str = "en", focus: str | None = None, since: date | None = None
) -> MapSpec:
    """What the map shows on `day`, in `lang`, centred on the place `focus`, with changes since `since`."""
    style = offline_style(atlas.base_layers)
    return {
        "date": day.isoformat(),
        "base": style,
        "lang": lang,
        "title": text.rtl(f"<b>{text.TEXT[lang]['title']}</b> · {text.date_text(day, lang)}", lang),
        "as_of": text.as_of_text(day, lang),
        "background": SEA,
        "below": zones_below(atlas),
        "layers": layers(atlas, list(shown_places(atlas))),
        "images": {HATCH: CLAIMED_HATCH},
        "zones": zones(atlas, day, lang),
        "markers": {
            "type": "FeatureCollection",
            "features": marker_features(atlas, holders_on(atlas.timeline, day), lang),
        },
        "legend": legend(atlas, day, lang),
        "claimed_style": {"hatch": HATCH, "outline": CLAIMED_OUTLINE},
        "changes_style": CHANGES,
        "attribution": [text.rtl(part.strip(), lang) for part in atlas.attribution_in(lang).split("·")],
        "view": {"bounds": bounds(style["sources"].get("country", {}).get("data")), "center": CENTER, "zoom": ZOOM},
        "focus": focus_of(atlas, focus, lang),
        "since": since.isoformat() if since else None,
        "key_dates": {d.isoformat(): note for d, note in key_dates(atlas, KEY_PLACES, lang).items()},
    }


def describe(atlas: Atlas, day: date, lang: str = "en") -> str:
    """The text alternative of the map on `day`: the date, then each faction holding ground with its share."""
    share = shares(atlas, day)
    held = [f for f in atlas.timeline.factions if share[f.id] >= 0.0005]  # at least 0.1% as printed
    shown = [f"{f.label_in(lang)} {text.percent(share[f.id], lang)}" for f in held]
    parts = text.t("map.alt_join", lang).join(shown)
    return text.t("map.alt", lang, date=text.date_text(day, lang), parts=parts)
