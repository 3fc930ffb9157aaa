"""Control points to control zones: Voronoi, clip, dissolve, overrides, coverage simplification.

Pure geometry on shapely objects in WGS84 lon/lat. Voronoi cells are computed in a locally
scaled frame (longitude × cos(latitude of Syria)), an affine map, so cells are close to those of
a metric projection while every edge stays a straight line in lon/lat.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from dashboard.model import Override

LON_SCALE = math.cos(math.radians(35.0))
SIMPLIFY_TOLERANCE_DEG = 0.002  # ≈ 200 m: below what the map can show at country scale
DECIMALS = 5  # ≈ 1 m
KM_PER_DEGREE = 111.32  # along a meridian; in the scaled frame the same along a parallel
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class ControlPoint:
    id: str
    lon: float
    lat: float


def voronoi_cells(points: Sequence[ControlPoint], country: BaseGeometry) -> list[BaseGeometry]:
    """One cell per point (same order), clipped to `country`; together they tile it.

    Points must be at distinct locations (a ValueError names the pair otherwise).
    """
    if not points:
        raise ValueError("at least one control point is needed")
    seen: dict[tuple[float, float], str] = {}
    for p in points:
        if (p.lon, p.lat) in seen:
            raise ValueError(f"{seen[p.lon, p.lat]} and {p.id} are at the same location")
        seen[p.lon, p.lat] = p.id
    coords = np.array([(p.lon * LON_SCALE, p.lat) for p in points])
    sites = shapely.multipoints(coords)
    scaled_country = _scale(country, LON_SCALE)
    envelope = shapely.box(*scaled_country.buffer(1.0).bounds)
    regions = shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=envelope, ordered=True))
    return [polygonal(_scale(cell, 1 / LON_SCALE).intersection(country)) for cell in regions]


def _scale(geometry: BaseGeometry, factor: float) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: xy * np.array([factor, 1.0]))


def polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Only the polygonal parts: intersections and make_valid may add points, lines or collections."""
    polygons = [g for g in shapely.get_parts(geometry) if isinstance(g, Polygon | MultiPolygon) and not g.is_empty]
    if not polygons:
        return Polygon()
    return shapely.union_all(polygons) if len(polygons) > 1 else polygons[0]


def dissolve(cells: Sequence[BaseGeometry], holders: Sequence[str]) -> dict[str, BaseGeometry]:
    """Union of the cells of each holder."""
    grouped: dict[str, list[BaseGeometry]] = {}
    for cell, holder in zip(cells, holders, strict=True):
        if not cell.is_empty:
            grouped.setdefault(holder, []).append(cell)
    return {holder: polygonal(shapely.union_all(group)) for holder, group in grouped.items()}


def remote_ground(points: Sequence[ControlPoint], country: BaseGeometry, reach_km: float) -> BaseGeometry:
    """The part of `country` farther than `reach_km` from every control point (circles in the scaled frame)."""
    radius = reach_km / KM_PER_DEGREE
    discs = shapely.buffer(shapely.points([(p.lon * LON_SCALE, p.lat) for p in points]), radius, quad_segs=16)
    near = _scale(shapely.union_all(discs), 1 / LON_SCALE)
    return polygonal(country.difference(near))


def split_cells(
    cells: Sequence[BaseGeometry], remote: BaseGeometry
) -> tuple[list[BaseGeometry], list[BaseGeometry]]:
    """Each cell's part within reach of its point and its remote part (cell = near ∪ remote, no overlap)."""
    return [polygonal(c.difference(remote)) for c in cells], [polygonal(c.intersection(remote)) for c in cells]


def noded(zones: Mapping[str, BaseGeometry], order: Sequence[str], grid: float = 0.0) -> dict[str, BaseGeometry]:
    """The same zones as an exact coverage: the faces of all their boundaries (snap-rounded to `grid` if given),
    each given to the first zone (in `order`) that covers a point inside it, or else to the nearest zone.

    Cutting cells with circles, or rounding coordinates zone by zone, leaves slivers of overlap or gap between
    neighbours; faces of one shared linework cannot overlap.
    """
    names = [f for f in order if f in zones]
    lines = shapely.union_all([zones[f].boundary for f in names])
    if grid:
        lines = shapely.union_all(shapely.get_parts(shapely.set_precision(lines, grid)), grid_size=grid)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    for f in names:
        shapely.prepare(zones[f])
    owned: dict[str, list[BaseGeometry]] = {}
    for face in faces:
        inside = face.point_on_surface()
        owner = next((f for f in names if zones[f].covers(inside)), None)
        owner = owner or min(names, key=lambda f: zones[f].distance(inside))
        owned.setdefault(owner, []).append(face)
    return {f: polygonal(shapely.union_all(owned[f])) for f in names if f in owned}


def active_overrides(overrides: Iterable[Override], day: date, ends: Mapping[str, date]) -> list[Override]:
    """Overrides in force on `day`, oldest first (later ones win where they overlap).

    An override holds from its date until `ends[override.label]`, the first later event at a
    control point inside it, if any.
    """
    live = [o for o in overrides if o.date <= day and (o.label not in ends or day < ends[o.label])]
    return sorted(live, key=lambda o: o.date)


def apply_overrides(
    zones: Mapping[str, BaseGeometry], overrides: Sequence[Override], country: BaseGeometry
) -> dict[str, BaseGeometry]:
    """Hand-drawn polygons win inside their footprint, later ones over earlier ones."""
    result = dict(zones)
    for override in overrides:
        footprint = polygonal(override.geometry.intersection(country))
        if footprint.is_empty:
            continue
        result = {f: polygonal(g.difference(footprint)) for f, g in result.items()}
        current = result.get(override.faction, Polygon())
        result[override.faction] = polygonal(shapely.union_all([current, footprint]))
    return {f: g for f, g in result.items() if not g.is_empty}


def clean_coverage(zones: Mapping[str, BaseGeometry], order: Sequence[str]) -> dict[str, BaseGeometry]:
    """Simplify as one coverage (shared borders stay shared), round, orient rings CCW (RFC 7946).

    The outer boundary is kept as is: it is the country outline, already simplified.
    """
    factions = [f for f in order if f in zones]
    simplified = shapely.coverage_simplify(
        [zones[f] for f in factions], SIMPLIFY_TOLERANCE_DEG, simplify_boundary=False
    )
    rounded = noded(dict(zip(factions, simplified, strict=True)), factions, 10.0**-DECIMALS)
    return {f: shapely.orient_polygons(z, exterior_cw=False) for f, z in rounded.items() if not z.is_empty}


def uncertain_ground(
    cells: Sequence[BaseGeometry], holders: Sequence[str], uncertain: Sequence[bool], drawn: Mapping[str, BaseGeometry]
) -> dict[str, BaseGeometry]:
    """The part of each faction's drawn zone made of cells flagged uncertain (e.g. only claimed)."""
    picked = [(c, h) for c, h, u in zip(cells, holders, uncertain, strict=True) if u]
    flagged = dissolve([c for c, _ in picked], [h for _, h in picked])
    result = {}
    for faction, ground in flagged.items():
        if faction not in drawn:
            continue
        part = polygonal(shapely.transform(ground.intersection(drawn[faction]), lambda xy: np.round(xy, DECIMALS)))
        part = polygonal(shapely.make_valid(part)) if not part.is_valid else part
        if not part.is_empty:
            result[faction] = shapely.orient_polygons(part, exterior_cw=False)
    return result


def geodesic_area_km2(geometry: BaseGeometry) -> float:
    """Area on the WGS84 ellipsoid, whatever the ring orientation."""
    return sum(abs(_GEOD.geometry_area_perimeter(part)[0]) for part in shapely.get_parts(geometry)) / 1e6


def coverage_problems(
    zones: Mapping[str, BaseGeometry], country: BaseGeometry, relative_tolerance: float = 1e-3
) -> list[str]:
    """Broken invariants of one date's zones: gaps, overlaps, area outside the country."""
    problems = []
    country_area = geodesic_area_km2(country)
    union = shapely.union_all(list(zones.values()))
    missing = geodesic_area_km2(country.difference(union))
    outside = geodesic_area_km2(union.difference(country))
    if missing > relative_tolerance * country_area:
        problems.append(f"zones leave {missing:.1f} km² of the country uncovered")
    if outside > relative_tolerance * country_area:
        problems.append(f"zones cover {outside:.1f} km² outside the country")
    names = list(zones)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            overlap = geodesic_area_km2(polygonal(zones[first].intersection(zones[second])))
            if overlap > 1e-6:
                problems.append(f"{first} and {second} overlap by {overlap:.6f} km²")
    return problems


def misplaced_points(
    zones: Mapping[str, BaseGeometry], points: Sequence[ControlPoint], holders: Mapping[str, str]
) -> list[str]:
    """Control points (inside some zone) that are not inside their holder's zone."""
    wrong = []
    for point in points:
        location = Point(point.lon, point.lat)
        if not any(z.covers(location) for z in zones.values()):
            continue  # on the border, outside the outline
        holder_zone = zones.get(holders[point.id])
        if holder_zone is None or not holder_zone.covers(location):
            wrong.append(point.id)
    return wrong
