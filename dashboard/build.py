"""Turn validated inputs into one zone FeatureCollection per date, and write them atomically."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

from dashboard import files as atomic
from dashboard import zones
from dashboard.load import Inputs
from dashboard.model import Event, GeoJSON, Override, Place, Timeline
from dashboard.timeline import events_by_place, holders_on, latest_event, timeline_dates

# A change of hands at a place says nothing about empty ground farther away than this: there the zone of a place
# whose holder changed since the baseline is drawn as unclear (the `contested` class), not as the new holder's.
REACH_KM = 25.0
UNCLEAR = "contested"  # the factions.csv id for ground that is contested or that no report gives to anyone


@dataclass(frozen=True)
class DayZones:
    day: date
    geometry: dict[str, BaseGeometry]  # faction id → zone, in faction order
    holders: dict[str, str]  # place id → holder
    claimed: dict[str, BaseGeometry]  # faction id → part of its zone whose latest change is only claimed


def override_ends(overrides: Iterable[Override], timeline: Timeline) -> dict[str, date]:
    """For each override, the first later event at a control point inside it (when it stops applying)."""
    grouped = events_by_place(timeline.events)
    ends = {}
    for override in overrides:
        later = [
            e.date
            for p in timeline.places
            if override.geometry.contains(Point(p.lon, p.lat))
            for e in grouped.get(p.id, ())
            if e.date > override.date
        ]
        if later:
            ends[override.label] = min(later)
    return ends


def build_days(inputs: Inputs, on_day: Callable[[date], None] | None = None) -> list[DayZones]:
    """Zones for every date of the data set. Cells are computed once: only holders change."""
    timeline = inputs.timeline
    points = [zones.ControlPoint(p.id, p.lon, p.lat) for p in timeline.places]
    cells = zones.voronoi_cells(points, inputs.country)
    ends = override_ends(inputs.overrides, timeline)
    order = timeline.faction_ids
    near, remote = zones.split_cells(cells, zones.remote_ground(points, inputs.country, REACH_KM))
    baseline = [p.baseline_holder for p in timeline.places]
    days = []
    grouped = events_by_place(timeline.events)
    for day in timeline_dates(timeline, inputs.dataset.end):
        holders = holders_on(timeline, day)
        held_by = [holders[p.id] for p in points]
        parts, owners = [], []
        for cell, close, far, now, then in zip(cells, near, remote, held_by, baseline, strict=True):
            if now == then:
                parts.append(cell)
                owners.append(now)
            else:
                parts += [close, far]
                owners += [now, UNCLEAR]
        derived = zones.dissolve(parts, owners)
        live = zones.active_overrides(inputs.overrides, day, ends)
        drawn = zones.noded(zones.apply_overrides(derived, live, inputs.country), order)
        clean = zones.clean_coverage(drawn, order)
        claimed = [_only_claimed(grouped.get(p.id, ()), day) for p in points]
        days.append(DayZones(day, clean, holders, zones.uncertain_ground(cells, held_by, claimed, clean)))
        if on_day:
            on_day(day)
    return days


def _only_claimed(events: tuple[Event, ...], day: date) -> bool:
    last = latest_event(events, day)
    return last is not None and last.confidence == "claimed"


def day_problems(day_zones: DayZones, inputs: Inputs) -> list[str]:
    """Broken invariants: gaps, overlaps, area outside the country, points outside their holder's zone."""
    problems = zones.coverage_problems(day_zones.geometry, inputs.country)
    points = [zones.ControlPoint(p.id, p.lon, p.lat) for p in inputs.timeline.places]
    for place_id in zones.misplaced_points(day_zones.geometry, points, day_zones.holders):
        problems.append(f"control point {place_id} ({day_zones.holders[place_id]}) lies outside its holder's zone")
    return problems


def feature_collection(day_zones: DayZones, places: tuple[Place, ...]) -> GeoJSON:
    """One feature per faction holding ground, with its area, control points and known population."""
    features = []
    for faction, geometry in day_zones.geometry.items():
        held = [p for p in places if day_zones.holders[p.id] == faction and p.kind != "anchor"]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "faction": faction,
                    "date": day_zones.day.isoformat(),
                    "area_km2": round(zones.geodesic_area_km2(geometry), 1),
                    "places": len(held),
                    "population": sum(p.population or 0 for p in held),
                    "places_without_population": sum(p.population is None for p in held),
                },
                "geometry": mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def claimed_collection(day_zones: DayZones) -> GeoJSON:
    """Per faction, the ground whose latest change of hands is only claimed (drawn hatched)."""
    features = [
        {
            "type": "Feature",
            "properties": {
                "faction": faction,
                "date": day_zones.day.isoformat(),
                "confidence": "claimed",
                "area_km2": round(zones.geodesic_area_km2(geometry), 1),
            },
            "geometry": mapping(geometry),
        }
        for faction, geometry in day_zones.claimed.items()
    ]
    return {"type": "FeatureCollection", "features": features}


def zone_files(days: list[DayZones], places: tuple[Place, ...]) -> dict[str, GeoJSON]:
    """Every built file, by path relative to zones/: YYYY-MM-DD.geojson and claimed/YYYY-MM-DD.geojson."""
    files = {f"{d.day.isoformat()}.geojson": feature_collection(d, places) for d in days}
    files.update({f"claimed/{d.day.isoformat()}.geojson": claimed_collection(d) for d in days})
    return files


def dumps(collection: GeoJSON) -> str:
    """Deterministic, compact GeoJSON text (one feature per line, for readable diffs)."""
    features = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in collection["features"]
    )
    return '{"type":"FeatureCollection","features":[\n' + features + "\n]}\n"


def write_zones(zone_dir: Path, files: dict[str, GeoJSON]) -> tuple[list[Path], list[Path]]:
    """Write every built file (none is replaced before all are written: see `write_all_atomically`); remove built
    files for dates no longer in the data (never overrides), and what a killed build left behind.

    Returns the files written and the files removed.
    """
    for leftover in [*zone_dir.glob(".*.tmp"), *zone_dir.glob("claimed/.*.tmp")]:
        leftover.unlink()
    texts = {zone_dir / relative: dumps(collection) for relative, collection in files.items()}
    atomic.write_all_atomically(texts)
    written = list(texts)
    built = [*zone_dir.glob("????-??-??.geojson"), *zone_dir.glob("claimed/????-??-??.geojson")]
    removed = [stale for stale in sorted(built) if stale not in written]
    for stale in removed:
        stale.unlink()
    return written, removed
