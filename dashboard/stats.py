"""Territory figures: area, share and population per faction and date; what changed hands. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from statistics import median

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from dashboard.model import GeoJSON, Place, Timeline
from dashboard.timeline import holders_on
from dashboard.zones import geodesic_area_km2, polygonal

# Slivers below this (km²) between two dates' zones are simplification noise, not a change of hands.
MIN_CHANGE_KM2 = 1.0


@dataclass(frozen=True)
class Share:
    """A faction's area in a region and its share of the region; `claimed_km2`: the part of that area whose
    latest change of hands is only claimed (held and claimed ground are given apart everywhere)."""

    faction: str
    area_km2: float
    percent: float
    claimed_km2: float = 0.0

    @property
    def claimed_percent(self) -> float:
        """The claimed part as a share of the faction's own area in the region."""
        return 100 * self.claimed_km2 / self.area_km2 if self.area_km2 else 0.0

    def __str__(self) -> str:
        return f"{self.percent:.1f} % · {self.claimed_percent:.1f} % of it claimed"


@dataclass(frozen=True)
class Population:
    faction: str
    population: int  # sum over places with a known figure
    places: int
    places_without_figure: int


@dataclass(frozen=True)
class TerritoryChange:
    previous: str
    holder: str
    area_km2: float
    geometry: BaseGeometry


def zone_shapes(collection: GeoJSON) -> dict[str, BaseGeometry]:
    return {f["properties"]["faction"]: shape(f["geometry"]) for f in collection["features"]}


def shares(collection: GeoJSON) -> list[Share]:
    """Each faction's area (from the zone file's geodesic area_km2) and share of the total, in file order."""
    areas = [(f["properties"]["faction"], f["properties"]["area_km2"]) for f in collection["features"]]
    total = sum(area for _, area in areas)
    return [Share(faction, area, 100 * area / total if total else 0.0) for faction, area in areas]


def held_and_claimed(collection: GeoJSON, claimed: GeoJSON | None) -> list[Share]:
    """`shares` with the claimed part of each zone (from the day's claimed file) given apart."""
    only_claimed: dict[str, float] = {}
    for feature in (claimed or {}).get("features", []):
        faction = feature["properties"]["faction"]
        only_claimed[faction] = only_claimed.get(faction, 0.0) + feature["properties"]["area_km2"]
    return [replace(share, claimed_km2=only_claimed.get(share.faction, 0.0)) for share in shares(collection)]


def combined_percent(rows: Iterable[Share], factions: Iterable[str]) -> float:
    """The share of several factions together (a published map may group them)."""
    wanted = set(factions)
    return sum(r.percent for r in rows if r.faction in wanted)


def populations(timeline: Timeline, day: date) -> list[Population]:
    """Known population under each faction (anchors excluded), with how many places lack a figure."""
    holders = holders_on(timeline, day)
    result = []
    for faction in timeline.faction_ids:
        held = [p for p in timeline.places if holders[p.id] == faction and p.kind != "anchor"]
        if held:
            result.append(
                Population(
                    faction,
                    sum(p.population or 0 for p in held),
                    len(held),
                    sum(p.population is None for p in held),
                )
            )
    return result


def by_governorate(
    zones: Mapping[str, BaseGeometry], governorates: GeoJSON, claimed: Mapping[str, BaseGeometry] | None = None
) -> dict[str, list[Share]]:
    """For each governorate (by name_en), each faction's area inside it and share of the governorate, with the
    part of it in `claimed` (per faction: ground only claimed) given apart."""
    claimed = claimed or {}
    table = {}
    for feature in governorates["features"]:
        region = shape(feature["geometry"])
        parts = [(f, geodesic_area_km2(polygonal(shapely.intersection(region, z)))) for f, z in zones.items()]
        total = sum(area for _, area in parts)
        table[feature["properties"]["name_en"]] = [
            Share(f, round(area, 1), 100 * area / total if total else 0.0, _inside(region, claimed.get(f)))
            for f, area in parts
            if area > 0
        ]
    return table


def _inside(region: BaseGeometry, ground: BaseGeometry | None) -> float:
    return round(geodesic_area_km2(polygonal(shapely.intersection(region, ground))), 1) if ground else 0.0


def territory_changes(before: Mapping[str, BaseGeometry], after: Mapping[str, BaseGeometry]) -> list[TerritoryChange]:
    """Ground that changed hands between two dates' zones: one entry per (previous, new holder) pair."""
    changes = []
    for previous, old in before.items():
        for holder, new in after.items():
            if holder == previous:
                continue
            moved = polygonal(shapely.intersection(old, new))
            area = geodesic_area_km2(moved)
            if area >= MIN_CHANGE_KM2:
                changes.append(TerritoryChange(previous, holder, round(area, 1), moved))
    return sorted(changes, key=lambda c: -c.area_km2)


def typical_populations(places: Iterable[Place]) -> dict[str, int]:
    """The median known population of each kind of place; kinds with no figure at all are left out."""
    known: dict[str, list[int]] = {}
    for place in places:
        if place.population is not None and place.kind != "anchor":
            known.setdefault(place.kind, []).append(place.population)
    return {kind: round(median(figures)) for kind, figures in known.items()}


def unknown_populations(timeline: Timeline, day: date, typical: Mapping[str, int]) -> dict[str, int]:
    """Per faction, a rough size of what `populations` leaves out: each place lacking a figure counted at the
    typical figure of its kind (0 for kinds that have none, such as airbases)."""
    holders = holders_on(timeline, day)
    result = dict.fromkeys(timeline.faction_ids, 0)
    for place in timeline.places:
        if place.population is None and place.kind != "anchor":
            result[holders[place.id]] += typical.get(place.kind, 0)
    return result
