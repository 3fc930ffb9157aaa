"""A toy atlas whose answers can be checked by eye: a 4.5°×3° country of squares, two governorates split at 37.5°E.

The government holds the east; HTS's western square grows by 0.05° a day, jumps past
Hama on 5 Dec, and takes Aleppo on 30 Nov and Hama on 5 Dec. A third faction (SDF) holds nothing until 1 Dec.
"""

from __future__ import annotations

from datetime import date

from dashboard.model import Atlas, Event, Faction, GeoJSON, Place, Source, Summary, Timeline
from dashboard.timeline import date_range

D = date.fromisoformat
FIRST, LAST = D("2024-11-26"), D("2024-12-10")
DATES = date_range(FIRST, LAST)

FACTIONS = (
    Faction("government", "Syrian government", "الحكومة السورية", "#9d0014", 1),
    Faction("hts", "HTS-led", "هيئة تحرير الشام", "#27a500", 2),
    Faction("sdf", "SDF", "قسد", "#fff600", 3),
)
PLACES = (
    Place("aleppo", "Aleppo", "حلب", 36.2, 37.16, "city", "Aleppo", 2098210, "government"),
    Place("hama", "Hama", "حماة", 35.13, 36.76, "city", "Hama", 460602, "government"),
    Place("idlib", "Idlib", "إدلب", 35.93, 36.63, "city", "Idlib", 128840, "hts"),
    Place("morek", "Morek", "مورك", 35.37, 36.68, "town", "Hama", 15000, "government"),
    Place("kafr_nabl", "Kafr Nabl", "كفر نبل", 35.61, 36.56, "village", "Idlib", None, "hts"),
    Place("anchor_1", "Anchor", "مرساة", 35.5, 37.5, "anchor", "Hama", None, "government"),
)


def event(day: str, place: str, holder: str, confidence: str = "reported") -> Event:
    return Event(D(day), place, holder, confidence, f"https://example.org/{place}/{day}", f"Report on {place}")


EVENTS = (
    event("2024-11-29", "aleppo", "hts"),
    event("2024-12-04", "morek", "hts", "confirmed"),
    event("2024-12-05", "hama", "hts", "confirmed"),
)


def square(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def zone(faction: str, day: date, geometry: dict, area: float) -> GeoJSON:
    props = {"faction": faction, "date": day.isoformat(), "area_km2": area, "places": 1, "population": 1000}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def zones_on(day: date) -> GeoJSON:
    """West of `edge` is HTS, east is government; SDF holds the north-east corner from 1 Dec."""
    edge = 36.0 + 0.05 * (day - FIRST).days + (0.6 if day >= D("2024-12-05") else 0.0)  # Hama is at 36.76
    features = [
        zone("government", day, square(edge, 34.0, 40.0, 37.0), (40.0 - edge) * 300.0),
        zone("hts", day, square(35.5, 34.0, edge, 37.0), (edge - 35.5) * 300.0),
    ]
    if day >= D("2024-12-01"):
        features.append(zone("sdf", day, square(39.5, 36.5, 40.0, 37.0), 100.0))
    return {"type": "FeatureCollection", "features": features}


def line(*points: tuple[float, float]) -> GeoJSON:
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": list(points)}}
    return {"type": "FeatureCollection", "features": [feature]}


BASE = {
    "country": {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": square(35.5, 34.0, 40.0, 37.0)}],
    },
    "governorates": {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name_en": name}, "geometry": square(*bounds)}
            for name, bounds in (("West", (35.5, 34.0, 37.5, 37.0)), ("East", (37.5, 34.0, 40.0, 37.0)))
        ],
    },
    "rivers": line((38.0, 36.8), (39.5, 35.0)),
    "highways": line((36.7, 34.5), (36.9, 36.2)),
}

SUMMARIES = {
    "hama": Summary(
        "hama", "Hama fell on 5 December after a week of fighting.", (Source("A report", "https://example.org/hama"),)
    )
}


def toy_atlas() -> Atlas:
    timeline = Timeline(FACTIONS, PLACES, EVENTS, FIRST)
    zones = {d: zones_on(d) for d in DATES}
    return Atlas(timeline, DATES, zones, BASE, SUMMARIES, "Toy data · Natural Earth (public domain)")
