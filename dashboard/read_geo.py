"""Reading the polygon files: the base layers and the country outline, cited areas, hand-drawn overrides and the
built zones. GeoJSON is checked here (a FeatureCollection in WGS84, valid polygons); polygon_files reads the other
formats QGIS writes."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from dashboard import polygon_files
from dashboard.model import GeoJSON, Override, Place
from dashboard.problems import Report

BASE_LAYERS = ("country", "governorates", "neighbours", "rivers", "rivers_gshhg", "lakes", "highways", "disputed")
POLYGONAL = ("Polygon", "MultiPolygon")
WGS84_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326")
# A place may sit this far (degrees, ~2 km) outside the simplified outline: border towns.
BORDER_TOLERANCE_DEG = 0.02
DATE_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AREA_PROVENANCE = ("source", "source_date", "source_url")  # properties every area polygon must carry


def read_polygon_file(path: Path, report: Report, file: str) -> GeoJSON | None:
    """An analyst's polygon file as a FeatureCollection in WGS84: GeoJSON checked as below (another CRS is
    reprojected), the other formats QGIS writes read by geopandas; None (with a problem) if unreadable."""
    if path.suffix.lower() == ".geojson":
        return read_geojson(path, report, file, reproject=True)
    try:
        return polygon_files.read_feature_collection(path)
    except polygon_files.PolygonFileError as error:
        report.add(file, "", error.rule, str(error))
        return None


def read_geojson(path: Path, report: Report, file: str = "", *, reproject: bool = False) -> GeoJSON | None:
    """A FeatureCollection in WGS84, or None (with a problem) if unreadable. `file` names it in messages.

    Another CRS is a problem, or with `reproject` the collection reprojected to WGS84."""
    file = file or path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.add(file, "", "missing-file", f"{path} does not exist")
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        report.add(file, "", "json", f"not valid JSON: {error}")
        return None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        report.add(file, "", "geojson", "must be a GeoJSON FeatureCollection")
        return None
    crs = data.get("crs")
    if crs is not None:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        name = properties.get("name", "") if isinstance(properties, dict) else ""
        if name not in WGS84_NAMES and reproject:
            try:
                return polygon_files.read_feature_collection(path)
            except polygon_files.PolygonFileError as error:
                report.add(file, "crs", error.rule, str(error))
                return None
        if name not in WGS84_NAMES:
            report.add(file, "crs", "crs", f"CRS {name or crs!r} is not WGS84 (EPSG:4326 / CRS84)")
            return None
    return data


def feature_geometry(
    file: str, index: int, feature: Any, report: Report, kinds: tuple[str, ...] = POLYGONAL
) -> BaseGeometry | None:
    """The feature's shapely geometry if it is of an allowed type and valid."""
    where = f"feature {index}"
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        report.add(file, where, "geometry", "feature has no geometry")
        return None
    kind = feature["geometry"].get("type")
    if kind not in kinds:
        report.add(file, where, "geometry-type", f"{kind} is not allowed here (expected {' or '.join(kinds)})")
        return None
    try:
        geometry = shape(feature["geometry"])
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as error:
        report.add(file, where, "geometry", f"unreadable coordinates: {error}")
        return None
    if geometry.is_empty:
        report.add(file, where, "geometry", "geometry is empty")
        return None
    if not geometry.is_valid:
        report.add(file, where, "invalid-geometry", shapely.is_valid_reason(geometry))
        return None
    return geometry


def read_base_layers(data_dir: Path, report: Report) -> dict[str, GeoJSON]:
    layers = {}
    for name in BASE_LAYERS:
        layer = read_geojson(data_dir / "base" / f"{name}.geojson", report)
        if layer is not None:
            layers[name] = layer
    return layers


def country_outline(base_layers: dict[str, GeoJSON], report: Report) -> BaseGeometry | None:
    layer = base_layers.get("country")
    if layer is None:
        return None
    parts = [feature_geometry("country.geojson", i, f, report) for i, f in enumerate(layer["features"])]
    valid = [p for p in parts if p is not None]
    return shapely.union_all(valid) if valid else None


def read_overrides(
    data_dir: Path, report: Report, faction_ids: set[str], first: date, last: date
) -> tuple[Override, ...]:
    """Hand-drawn polygons from zones/overrides/YYYY-MM-DD.<geojson|gpkg|shp|kml|fgb>; polygons in one file may not
    overlap."""
    overrides: list[Override] = []
    for path in polygon_files.polygon_files(data_dir / "zones" / "overrides"):
        file = f"overrides/{path.name}"
        try:
            if not DATE_STEM.match(path.stem):
                raise ValueError(path.name)
            day = date.fromisoformat(path.stem)
        except ValueError:
            report.add(file, "", "file-name", "override files must be named YYYY-MM-DD.<format> (e.g. .geojson)")
            continue
        if not first <= day <= last:
            report.add(file, "", "date-out-of-range", f"{day} is outside {first}-{last}")
            continue
        data = read_polygon_file(path, report, file)
        if data is None:
            continue
        in_file: list[Override] = []
        for index, feature in enumerate(data["features"]):
            geometry = feature_geometry(file, index, feature, report)
            if geometry is None:
                continue
            properties = feature.get("properties")
            faction = properties.get("faction") if isinstance(properties, dict) else None
            if not isinstance(faction, str) or faction not in faction_ids:
                report.add(file, f"feature {index}", "unknown-faction", f"faction {faction!r} is not in factions.csv")
                continue
            overlap = next((o for o in in_file if o.geometry.intersection(geometry).area > 0), None)
            if overlap is not None:
                report.add(file, f"feature {index}", "overlapping-overrides", f"overlaps {overlap.label}")
                continue
            in_file.append(Override(day, faction, geometry, f"{file}#feature {index}"))
        overrides.extend(in_file)
    return tuple(overrides)


def read_areas(data_dir: Path, report: Report) -> dict[str, BaseGeometry]:
    """Cited area polygons, areas/<name>.<geojson|gpkg|shp|kml|fgb>: each feature names its source (published map
    or treaty text)."""
    areas: dict[str, BaseGeometry] = {}
    for path in polygon_files.polygon_files(data_dir / "areas"):
        file = f"areas/{path.name}"
        data = read_polygon_file(path, report, file)
        if data is None:
            continue
        parts = []
        for index, feature in enumerate(data["features"]):
            geometry = feature_geometry(file, index, feature, report)
            properties = feature.get("properties") if isinstance(feature, dict) else None
            missing = [k for k in AREA_PROVENANCE if not (isinstance(properties, dict) and properties.get(k))]
            if missing:
                report.add(file, f"feature {index}", "provenance", f"an area polygon needs {', '.join(missing)}")
                continue
            if geometry is not None:
                parts.append(geometry)
        if parts:
            areas[file] = shapely.union_all(parts)
    return areas


def governorate_areas(base_layers: dict[str, GeoJSON], report: Report) -> dict[str, BaseGeometry]:
    """Governorate outlines by English name, usable as areas."""
    layer = base_layers.get("governorates")
    if layer is None:
        return {}
    areas = {}
    for index, feature in enumerate(layer["features"]):
        geometry = feature_geometry("governorates.geojson", index, feature, report)
        if geometry is not None:
            areas[feature["properties"]["name_en"]] = geometry
    return areas


def area_members(
    places: tuple[Place, ...], areas: Mapping[str, BaseGeometry], country: BaseGeometry
) -> dict[str, frozenset[str]]:
    """The control points inside each area; a border town just outside the simplified outline counts in the
    areas within the border tolerance of it."""
    points = {p.id: Point(p.lon, p.lat) for p in places}
    outside = {i for i, point in points.items() if not country.covers(point)}
    return {
        name: frozenset(
            i for i, point in points.items()
            if area.covers(point) or (i in outside and area.dwithin(point, BORDER_TOLERANCE_DEG))
        )
        for name, area in areas.items()
    }  # fmt: skip


def read_zones(
    data_dir: Path, report: Report, dates: tuple[date, ...], faction_ids: set[str], kind: str = ""
) -> dict[date, GeoJSON]:
    """Built zone files for every date (`python -m dashboard build`): zones/ or, with kind, zones/<kind>/."""
    zones = {}
    for day in dates:
        file = "/".join(["zones", *([kind] if kind else []), f"{day.isoformat()}.geojson"])
        path = data_dir / file
        if not path.exists():
            report.add(file, "", "missing-file", "zones not built for this date: run `python -m dashboard build`")
            continue
        data = read_geojson(path, report, file)
        if data is None:
            continue
        bad = [i for i, f in enumerate(data["features"]) if not _names_faction(f, faction_ids)]
        if bad:
            report.add(file, f"feature {bad[0]}", "unknown-faction", "zone faction is not in factions.csv")
            continue
        flat = [i for i, f in enumerate(data["features"]) if not _drawable(f)]
        if flat:
            report.add(file, f"feature {flat[0]}", "geometry", "a zone needs polygon coordinates and an area_km2")
            continue
        zones[day] = data
    return zones


def _drawable(feature: dict[str, Any]) -> bool:
    """Enough of a zone feature for the map and the legend (full geometry checks are `build`'s)."""
    geometry, area = feature.get("geometry"), feature["properties"].get("area_km2")
    return (
        isinstance(geometry, dict)
        and geometry.get("type") in POLYGONAL
        and isinstance(geometry.get("coordinates"), list)
        and isinstance(area, (int, float))
        and not isinstance(area, bool)
    )


def _names_faction(feature: Any, faction_ids: set[str]) -> bool:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    faction = properties.get("faction") if isinstance(properties, dict) else None
    return isinstance(faction, str) and faction in faction_ids
