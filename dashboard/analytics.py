"""The numbers under the map, computed once at start-up for every date and every pair of dates. Pure.

Areas and shares are the zone files' geodesic `area_km2` (`stats.shares`); areas by governorate and the ground
that changed hands are geodesic areas of intersections (`stats.by_governorate`, `stats.territory_changes`).
`analytics_payload.browser_data` packs it all into the JSON the browser fetches once (`assets/analytics*.js`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import combinations
from typing import Any

import shapely
from shapely.geometry import mapping

from dashboard import stats
from dashboard.model import Atlas, GeoJSON, Place
from dashboard.timeline import Change, changed_places, holders_by_date, latest_events_by_date

COUNTRY = "Syria"
# The list of changed places shows the most important first; past LIST_LIMIT it says how many it left out.
KIND_RANK = {"city": 0, "district": 1, "town": 2, "airbase": 3, "military_site": 3, "crossing": 3, "hill": 3}
VILLAGE_RANK = 4
LIST_LIMIT = 150
PRECISION_DEG = 1e-5  # ≈ 1 m, as in the zone files


@dataclass(frozen=True)
class PopulationRow:
    faction: str
    known: int  # sum over the faction's places with a figure
    places: int
    without_figure: int
    unknown_estimate: int  # the places without a figure, each at the typical figure of its kind


@dataclass(frozen=True)
class Coverage:
    """How far the population figures go: the same on every date, since every place is held by someone."""

    known: int
    places: int
    without_figure: int
    unknown_estimate: int
    typical: dict[str, int]  # kind → median known figure
    by_kind: dict[str, tuple[int, int]]  # kind → (places with a figure, places), populated kinds only


@dataclass(frozen=True)
class PairChanges:
    start: date
    end: date
    ground: tuple[stats.TerritoryChange, ...]  # largest first
    places: tuple[Change, ...]  # every place whose holder differs, most important first


@dataclass(frozen=True)
class Region:
    name: str
    area_km2: float
    shares: tuple[stats.Share, ...]  # each faction's area in the region and share of it, in faction order


@dataclass(frozen=True)
class Analytics:
    """Every figure the analytics views show. `regions` and `changes` (polygon overlays, most of the cost) are
    computed on first use, so that the app can answer before anyone asks for them."""

    atlas: Atlas = field(repr=False, compare=False)
    dates: tuple[date, ...]
    shares: dict[date, tuple[stats.Share, ...]]
    populations: dict[date, tuple[PopulationRow, ...]]
    coverage: Coverage

    @cached_property
    def regions(self) -> dict[date, tuple[Region, ...]]:
        """Per date, the governorates by name, then the whole country."""
        governorates = self.atlas.base_layers.get("governorates")
        order = _faction_order(self.atlas)
        return {
            d: _regions(self._shapes[d], self._claimed_shapes[d], governorates, self.shares[d], order)
            for d in self.dates
        }

    @cached_property
    def changes(self) -> dict[tuple[date, date], PairChanges]:
        """Every pair of dates, earlier first. Dates with the same zones share one computation (and one object):
        a record with quiet weeks would otherwise repeat the same overlays for every pair of its days."""
        timeline = self.atlas.timeline
        places = {p.id: p for p in timeline.places}
        holders = holders_by_date(timeline, self.dates)
        last_events = latest_events_by_date(timeline, self.dates)
        same = self._same_zones
        computed: dict[tuple[date, date], PairChanges] = {}
        result = {}
        for a, b in combinations(self.dates, 2):
            key = (same[a], same[b])
            if key not in computed:
                computed[key] = PairChanges(
                    a,
                    b,
                    tuple(stats.territory_changes(self._shapes[a], self._shapes[b])),
                    tuple(
                        sorted(
                            changed_places(holders[a], holders[b], last_events[b]),
                            key=lambda c: importance(places[c.event.place_id]),
                        )
                    ),
                )
            result[a, b] = computed[key]
        return result

    @cached_property
    def _same_zones(self) -> dict[date, date]:
        """Each date mapped to the first date whose zones are the same."""
        first: dict[str, date] = {}
        return {d: first.setdefault(_zones_key(self.atlas.zones[d]), d) for d in self.dates}

    @cached_property
    def _shapes(self) -> dict[date, dict[str, Any]]:
        return {d: stats.zone_shapes(self.atlas.zones[d]) for d in self.dates}

    @cached_property
    def _claimed_shapes(self) -> dict[date, dict[str, Any]]:
        empty: GeoJSON = {"type": "FeatureCollection", "features": []}
        return {d: stats.zone_shapes(self.atlas.claimed.get(d) or empty) for d in self.dates}


def _zones_key(collection: GeoJSON) -> str:
    return json.dumps([(f["properties"]["faction"], f["geometry"]) for f in collection["features"]])


def compute(atlas: Atlas) -> Analytics:
    """Every figure the analytics views show, for every date and every pair of dates (see `Analytics`)."""
    order = _faction_order(atlas)
    typical = stats.typical_populations(atlas.timeline.places)
    return Analytics(
        atlas=atlas,
        dates=atlas.dates,
        shares={
            d: tuple(
                sorted(stats.held_and_claimed(atlas.zones[d], atlas.claimed.get(d)), key=lambda s: order[s.faction])
            )
            for d in atlas.dates
        },
        populations={d: _populations(atlas, d, typical) for d in atlas.dates},
        coverage=_coverage(atlas.timeline.places, typical),
    )


def _faction_order(atlas: Atlas) -> dict[str, int]:
    return {f: i for i, f in enumerate(atlas.timeline.faction_ids)}


def changes(analytics: Analytics, start: date, end: date) -> PairChanges:
    """What changed hands between two dates given in either order; nothing between a date and itself."""
    if start == end:
        return PairChanges(start, end, (), ())
    first, last = sorted((start, end))
    return analytics.changes[first, last]


def importance(place: Place) -> tuple[int, int, str]:
    """Sort key: cities, then towns and sites, then villages; the most populous first within each."""
    return KIND_RANK.get(place.kind, VILLAGE_RANK), -(place.population or 0), place.name_en


def _populations(atlas: Atlas, day: date, typical: dict[str, int]) -> tuple[PopulationRow, ...]:
    unknown = stats.unknown_populations(atlas.timeline, day, typical)
    return tuple(
        PopulationRow(p.faction, p.population, p.places, p.places_without_figure, unknown[p.faction])
        for p in stats.populations(atlas.timeline, day)
    )


def _regions(
    zones: dict[str, Any],
    claimed: dict[str, Any],
    governorates: GeoJSON | None,
    country: tuple[stats.Share, ...],
    order: dict[str, int],
) -> tuple[Region, ...]:
    table = stats.by_governorate(zones, governorates, claimed) if governorates else {}
    regions = [
        Region(name, round(sum(s.area_km2 for s in rows), 1), tuple(sorted(rows, key=lambda s: order[s.faction])))
        for name, rows in sorted(table.items())
    ]
    return (*regions, Region(COUNTRY, round(sum(s.area_km2 for s in country), 1), country))


def _coverage(places: Iterable[Place], typical: dict[str, int]) -> Coverage:
    counted = [p for p in places if p.kind != "anchor"]
    by_kind = {
        kind: (sum(p.population is not None for p in group), len(group))
        for kind in typical
        if (group := [p for p in counted if p.kind == kind])
    }
    missing = [p for p in counted if p.population is None]
    return Coverage(
        known=sum(p.population or 0 for p in counted),
        places=len(counted),
        without_figure=len(missing),
        unknown_estimate=sum(typical.get(p.kind, 0) for p in missing),
        typical=typical,
        by_kind=by_kind,
    )


# ---------------------------------------------------------------- for the browser


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def ground_collection(pair: PairChanges) -> GeoJSON:
    """The ground that changed hands as GeoJSON, one feature per (previous, new holder)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"previous": c.previous, "holder": c.holder, "area_km2": c.area_km2},
                "geometry": mapping(shapely.set_precision(c.geometry, PRECISION_DEG)),
            }
            for c in pair.ground
        ],
    }
